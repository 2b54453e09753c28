using Foresight.Series;
using Microsoft.Extensions.Time.Testing;

namespace Foresight.Tests.Series;

/// <summary>The acceptance rules every backend shares, without a store (the store contract checks them through each backend).</summary>
public sealed class AppendValidatorTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly long Now = Start.ToUnixTimeMilliseconds();

    private static AppendValidator Validator(Action<StoreOptions>? configure = null)
    {
        var options = new StoreOptions { Time = new FakeTimeProvider(Start) };
        configure?.Invoke(options);
        return new AppendValidator(options);
    }

    [Theory]
    [InlineData(61 * 60_000L, "1h1m")]
    [InlineData(7 * 86_400_000L, "7d")]
    [InlineData(36 * 3_600_000L, "1d12h")]
    [InlineData(330_000L, "5m30s")]
    [InlineData(12_500L, "12.5s")]
    [InlineData(-600_000L, "10m")]
    public void Durations_in_messages_keep_their_two_largest_units(long ms, string text) => AppendValidator.Ms(ms).Should().Be(text);

    [Fact]
    public void Entries_with_one_key_are_one_series_and_the_window_counts_from_the_stored_newest_point()
    {
        var validator = Validator(o => o.OutOfOrderWindow = TimeSpan.FromMinutes(10));
        SeriesWrite W(params long[] ts) => new("m", Labels.Empty, [.. ts.Select(t => new Point(t, 1))]);
        var asked = new List<string>();
        long Newest(string key)
        {
            asked.Add(key);
            return key == "old" ? Now - 60_000 : long.MinValue;
        }

        var verdict = validator.Validate([W(Now - 120_000), W(Now - 700_000)], ["old", "old"], Newest);
        verdict.Rejections.Select(r => r.SeriesIndex).Should().Equal(1);
        (verdict.Refuses(0, 0), verdict.Refuses(1, 0), verdict.RejectedPoints).Should().Be((false, true, 1));
        asked.Should().Equal(["old"], "the stored newest point is asked once per series");
        validator.Validate([W(Now), W(Now - 700_000)], ["a", "b"], Newest).AllAccepted.Should().BeTrue("different keys are different series");
    }

    [Fact]
    public void Keeps_leaves_out_staleness_markers_always_and_non_finite_values_under_policy_drop()
    {
        var stale = BitConverter.UInt64BitsToDouble(AppendValidator.StaleNaNBits);
        var store = Validator();
        var drop = Validator(o => o.NonFinite = NonFinitePolicy.Drop);
        (store.Keeps(1), store.Keeps(double.NaN), store.Keeps(stale)).Should().Be((true, true, false));
        (drop.Keeps(1), drop.Keeps(double.NegativeInfinity), drop.Keeps(stale)).Should().Be((true, false, false));
        var info = new SeriesInfo(7, "t", "m", Labels.Empty);
        SeriesWrite[] batch = [new("m", Labels.Empty, [new Point(Now, 1), new Point(Now + 1, double.NaN)]), new("m", Labels.Empty, [new Point(Now + 2, stale)])];
        var verdict = drop.Validate(batch, ["k", "k"], _ => long.MinValue);
        AppendValidator.Stored(batch, verdict, _ => info).Should().ContainSingle().Which.Points.Should().Equal(new Point(Now, 1));
        verdict.StoresAny(batch, 1).Should().BeFalse("a series whose only points are staleness markers is not created");
    }

    [Fact]
    public void A_refused_point_leaves_the_others_of_its_series_and_batch_stored_and_is_named()
    {
        var validator = Validator(o => o.OutOfOrderWindow = TimeSpan.FromMinutes(10));
        SeriesWrite[] batch =
        [
            new("bad-name", Labels.Empty, [new Point(Now, 1)]),
            new("m", Labels.Of(("a", "1")), [new Point(Now - 1_000, 1), new Point(Now + 3_600_000, 2), new Point(Now, 3)]),
            new("m", Labels.Of(("a", "1")), [new Point(Now - 700_000, 4)]),
        ];
        var verdict = validator.Validate(batch, ["x", "m1", "m1"], _ => long.MinValue);

        verdict.RefusesSeries(0).Should().BeTrue();
        Enumerable.Range(0, 3).Select(j => verdict.Stores(1, j, 1)).Should().Equal(true, false, true);
        verdict.Refuses(2, 0).Should().BeTrue("out of order against the stored point of the entry before (Now), not the refused future one");
        verdict.RejectedPoints.Should().Be(3);
        verdict.Rejections.Select(r => (r.SeriesIndex, r.PointIndex)).Should().Equal((0, -1), (1, 1), (2, 0));
        verdict.Rejections[1].Should().BeEquivalentTo(new { Series = "m{a=\"1\"}" });
        verdict.Rejections[1].Reason.Should().Contain("in the future");
    }
}
