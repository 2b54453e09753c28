using System.Buffers.Binary;
using Foresight.Detection.Incidents;

namespace Foresight.Tests.Detection;

public sealed class IncidentSnapshotTests
{
    private const long T0 = 1_700_000_000_000;
    private const long Minute = 60_000;

    private static AnomalyPoint Point(string service, long seriesId, long t, double score, double value = 150) =>
        new(seriesId, $"latency{{service=\"{service}\",pod=\"{seriesId}\"}}", service, t, value, score, 90, 110, ["zscore", "range"]);

    /// <summary>Two tenants; checkout has one resolved incident and one open, payments one open, search one resolved.</summary>
    private static IncidentTracker Busy()
    {
        var tracker = new IncidentTracker();
        tracker.Add("default", Point("checkout", 1, T0, 0.6), T0 + 5);
        tracker.Add("default", Point("checkout", 2, T0 + Minute, 0.9, 400), T0 + 6);
        tracker.Add("default", Point("search", 3, T0 + 2 * Minute, 0.55), T0 + 7);
        tracker.Advance("default", "search", T0 + 20 * Minute);
        tracker.Add("default", Point("checkout", 1, T0 + 30 * Minute, 0.7), T0 + 8);
        tracker.Add("acme", Point("payments", 9, T0 + 3 * Minute, 0.95, 900), T0 + 9);
        return tracker;
    }

    [Fact]
    public void Imported_incidents_list_like_the_exported_ones_with_the_same_ids_times_and_severities()
    {
        var original = Busy();
        var restored = new IncidentTracker();
        restored.TryImport(original.Export(), out var error).Should().BeTrue(error);
        foreach (var tenant in new[] { "default", "acme", "nobody" })
        {
            restored.List(tenant).Should().BeEquivalentTo(original.List(tenant), o => o.WithStrictOrdering(), tenant);
        }
        restored.List("default").Should().HaveCount(3).And.ContainSingle(i => !i.Resolved);
    }

    [Fact]
    public void An_imported_open_incident_keeps_growing_and_resolves_as_if_there_had_been_no_restart()
    {
        var original = Busy();
        var restored = new IncidentTracker();
        restored.TryImport(original.Export(), out var error).Should().BeTrue(error);
        var changes = new List<(string, IncidentChange)>();
        var restoredChanges = new List<(string, IncidentChange)>();
        original.Changed += (i, c) => changes.Add((i.Id, c));
        restored.Changed += (i, c) => restoredChanges.Add((i.Id, c));

        foreach (var tracker in new[] { original, restored })
        {
            tracker.Add("default", Point("checkout", 4, T0 + 32 * Minute, 0.99, 1000), T0 + 10);   // joins the open incident, now critical
            tracker.Advance("default", "checkout", T0 + 50 * Minute);                                // quiet: resolves it
            tracker.Add("default", Point("checkout", 1, T0 + 51 * Minute, 0.6), T0 + 11);            // a new incident: the id sequence continues
            tracker.Add("acme", Point("payments", 9, T0 + 4 * Minute, 0.6), T0 + 12);
        }
        restoredChanges.Should().Equal(changes);
        changes.Should().Contain((changes[0].Item1, IncidentChange.Resolved));
        foreach (var tenant in new[] { "default", "acme" })
        {
            restored.List(tenant).Should().BeEquivalentTo(original.List(tenant), o => o.WithStrictOrdering(), tenant);
        }
        restored.List("default").Should().Contain(i => i.Severity == Severity.Critical && i.Resolved && i.Series.Count == 2);
    }

    [Fact]
    public void An_incident_snapshot_of_another_version_truncated_or_corrupt_is_refused_and_changes_nothing()
    {
        var snapshot = Busy().Export();
        var tracker = new IncidentTracker();
        tracker.Add("default", Point("keep", 1, T0, 0.9), T0);

        var newer = (byte[])snapshot.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(newer.AsSpan(4), (ushort)(IncidentTracker.SnapshotFormat.Version + 1));
        tracker.TryImport(newer, out var error).Should().BeFalse();
        error.Should().Contain("incident snapshot").And.Contain("newer");

        tracker.TryImport(snapshot.AsSpan(0, snapshot.Length - 3), out error).Should().BeFalse();
        error.Should().Contain("truncated");

        var corrupt = (byte[])snapshot.Clone();
        corrupt[20] ^= 1;
        tracker.TryImport(corrupt, out error).Should().BeFalse();
        error.Should().Contain("corrupt");

        tracker.List("default").Should().ContainSingle(i => i.Service == "keep");
    }

    [Fact]
    public void Points_replayed_without_announcing_change_the_incidents_but_raise_no_event()
    {
        var tracker = new IncidentTracker();
        var changes = new List<IncidentChange>();
        tracker.Changed += (_, c) => changes.Add(c);
        var opened = tracker.Add("default", Point("checkout", 1, T0, 0.9), T0, announce: false);
        tracker.Add("default", Point("checkout", 2, T0 + Minute, 0.95), T0, announce: false).Id.Should().Be(opened.Id);
        tracker.Advance("default", "checkout", T0 + 30 * Minute, announce: false);
        changes.Should().BeEmpty();
        tracker.List("default").Should().ContainSingle(i => i.Id == opened.Id && i.Resolved && i.Series.Count == 2);

        tracker.Add("default", Point("checkout", 1, T0 + 31 * Minute, 0.9), T0);
        changes.Should().Equal(IncidentChange.Opened);
    }
}
