using System.Buffers.Binary;
using Foresight.Detection;
using Foresight.Detection.Multivariate;
using Foresight.Detection.State;

namespace Foresight.Tests.Detection;

/// <summary>
/// A detector restored from a snapshot continues exactly like the one that wrote it: fed the same
/// points afterwards, both return the same scores bit for bit.
/// </summary>
public sealed class DetectorSnapshotTests
{
    private const long FiveMinutes = 300_000;
    private const long Start = 1_404_172_800_000; // 2014-07-01 00:00 UTC, as NabFixture
    private const int Day = 288;

    /// <summary>NAB-like: 5-minute data with a daily cycle and noise, a spike, a level shift and a flat stretch after <paramref name="anomaliesFrom"/>.</summary>
    private static (long[] T, double[] V) Series(int n, int anomaliesFrom, int seed)
    {
        var random = new Random(seed);
        var t = new long[n];
        var v = new double[n];
        for (var i = 0; i < n; i++)
        {
            t[i] = Start + i * FiveMinutes;
            v[i] = 50 + 10 * Math.Sin(2 * Math.PI * i / Day) + 2 * (random.NextDouble() - 0.5);
            if (i == anomaliesFrom + 40) v[i] += 60;
            if (i > anomaliesFrom + 300) v[i] += 25;
            if (i > anomaliesFrom + 600 && i < anomaliesFrom + 700) v[i] = 75;
        }
        return (t, v);
    }

    public static TheoryData<string, int> Kinds()
    {
        var data = new TheoryData<string, int>();
        foreach (var kind in new[] { "ensemble", "zscore", "sr", "bocpd", "forecast", "context", "context-values", "windowedgaussian", "windowedgaussian-sliding", "ensemble-refractory-noisyor" })
        {
            // In the warm-up, before the step is known, and long after every warm-up.
            foreach (var n in new[] { 5, 150, 1500 }) data.Add(kind, n);
        }
        return data;
    }

    private static IStreamingDetector Create(string kind) => kind switch
    {
        "context-values" => new ContextNovelty(new ContextNoveltyOptions { Differences = false }),
        "windowedgaussian-sliding" => new WindowedGaussianDetector(new WindowedGaussianOptions { WindowSize = 400, StepSize = 30 }),
        "ensemble-refractory-noisyor" => new Ensemble(new EnsembleOptions { Refractory = 10, Combination = EnsembleCombination.NoisyOr, RangeBreakoutRest = 5 }),
        _ => Detectors.Create(kind),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_restored_detector_scores_the_next_points_bit_for_bit_like_the_original(string kind, int before)
    {
        const int after = 1500;
        var (t, v) = Series(before + after, before, seed: before);
        var original = Create(kind);
        for (var i = 0; i < before; i++) original.Update(t[i], v[i]);

        var snapshot = DetectorSnapshot.Save((IRestorableState)original);
        var restored = Create(kind);
        DetectorSnapshot.TryRestore(snapshot, (IRestorableState)restored, out var error).Should().BeTrue(error);

        var expected = new long[after];
        var actual = new long[after];
        for (var i = 0; i < after; i++)
        {
            expected[i] = BitConverter.DoubleToInt64Bits(original.Update(t[before + i], v[before + i]));
            actual[i] = BitConverter.DoubleToInt64Bits(restored.Update(t[before + i], v[before + i]));
        }
        actual.Should().Equal(expected);
        if (before == 1500) expected.Should().Contain(s => BitConverter.Int64BitsToDouble(s) > 0.5, "the fixture's anomalies are scored after the snapshot");
        if (original is IExplainingDetector explaining) ((IExplainingDetector)restored).Fired.Should().Equal(explaining.Fired);
        DetectorSnapshot.Save((IRestorableState)restored).Should().Equal(DetectorSnapshot.Save((IRestorableState)original));
    }

    [Fact]
    public void A_restored_series_scorer_keeps_its_expected_range_and_still_skips_old_points()
    {
        var (t, v) = Series(2500, 1000, seed: 3);
        var original = new SeriesScorer(new Ensemble());
        for (var i = 0; i < 1000; i++) original.TryScore(t[i], v[i], out _);
        var restored = new SeriesScorer(new Ensemble());
        DetectorSnapshot.TryRestore(DetectorSnapshot.Save(original), restored, out var error).Should().BeTrue(error);
        restored.LastScored.Should().Be(t[999]);

        restored.TryScore(t[999], v[999], out _).Should().BeFalse("the point was scored before the snapshot");
        restored.TryScore(t[500], v[500], out _).Should().BeFalse();
        for (var i = 1000; i < t.Length; i++)
        {
            original.TryScore(t[i], v[i], out var a).Should().BeTrue();
            restored.TryScore(t[i], v[i], out var b).Should().BeTrue();
            Bits(b).Should().Equal(Bits(a), $"point {i}");
        }
    }

    [Theory]
    [InlineData(300)]
    [InlineData(1000)]
    public void A_restored_cross_metric_detector_scores_like_the_original_forest_and_all(int before)
    {
        const int after = 1200;
        var random = new Random(before);
        var observations = new double[before + after][];
        for (var i = 0; i < observations.Length; i++)
        {
            var rps = 100 + 80 * Math.Sin(2 * Math.PI * i / 96) + random.NextDouble() * 5;
            observations[i] = [rps, 0.01 * rps + random.NextDouble() * 0.05, 200 - rps + random.NextDouble()];
            if (i == before + 700) observations[i] = [30, 1.6, 170];
        }
        var original = new ServiceCorrelationDetector();
        for (var i = 0; i < before; i++) Observe(original, observations[i], i);

        var restored = new ServiceCorrelationDetector();
        DetectorSnapshot.TryRestore(DetectorSnapshot.Save(original), restored, out var error).Should().BeTrue(error);
        restored.Series.Should().Be(3);
        var expected = new long[after];
        var actual = new long[after];
        for (var i = 0; i < after; i++)
        {
            expected[i] = BitConverter.DoubleToInt64Bits(Observe(original, observations[before + i], before + i));
            actual[i] = BitConverter.DoubleToInt64Bits(Observe(restored, observations[before + i], before + i));
        }
        actual.Should().Equal(expected);
        expected.Should().Contain(s => BitConverter.Int64BitsToDouble(s) > 0.5, "the forest scores after the snapshot, retrained at least once");
    }

    [Fact]
    public void A_restored_cross_metric_detector_restarts_like_the_original_when_a_series_joins()
    {
        var original = new ServiceCorrelationDetector();
        var random = new Random(5);
        for (var i = 0; i < 700; i++) Observe(original, [random.NextDouble(), random.NextDouble()], i);
        var restored = new ServiceCorrelationDetector();
        DetectorSnapshot.TryRestore(DetectorSnapshot.Save(original), restored, out var error).Should().BeTrue(error);
        for (var i = 700; i < 1500; i++)
        {
            double[] values = [random.NextDouble(), random.NextDouble(), random.NextDouble()];
            Observe(restored, values, i).Should().Be(Observe(original, values, i));
        }
    }

    [Fact]
    public void A_snapshot_of_a_newer_or_older_format_version_is_refused_saying_so()
    {
        var snapshot = Warm();
        BinaryPrimitives.WriteUInt16LittleEndian(snapshot.AsSpan(4), (ushort)(DetectorSnapshot.Format.Version + 1));
        DetectorSnapshot.TryRestore(snapshot, new SeriesScorer(new Ensemble()), out var error).Should().BeFalse();
        error.Should().Contain($"format version {DetectorSnapshot.Format.Version + 1}").And.Contain("newer");

        BinaryPrimitives.WriteUInt16LittleEndian(snapshot.AsSpan(4), 0);
        DetectorSnapshot.TryRestore(snapshot, new SeriesScorer(new Ensemble()), out error).Should().BeFalse();
        error.Should().Contain("format version 0").And.Contain("no longer reads");
    }

    [Fact]
    public void A_truncated_snapshot_is_refused()
    {
        var snapshot = Warm();
        foreach (var length in new[] { 0, 3, 9, snapshot.Length / 2, snapshot.Length - 1 })
        {
            DetectorSnapshot.TryRestore(snapshot.AsSpan(0, length), new SeriesScorer(new Ensemble()), out var error).Should().BeFalse();
            error.Should().Match(e => e!.Contains("truncated") || e.Contains("Not a detector snapshot"), $"length {length}");
        }
    }

    [Fact]
    public void A_corrupt_snapshot_is_refused_by_its_checksum()
    {
        var snapshot = Warm();
        snapshot[snapshot.Length / 2] ^= 0x10;
        DetectorSnapshot.TryRestore(snapshot, new SeriesScorer(new Ensemble()), out var error).Should().BeFalse();
        error.Should().Contain("corrupt");
    }

    [Fact]
    public void A_snapshot_of_another_kind_or_shape_of_detector_is_refused_naming_the_difference()
    {
        var zscore = new SeasonalRobustZScore();
        var (t, v) = Series(500, 400, seed: 1);
        for (var i = 0; i < t.Length; i++) zscore.Update(t[i], v[i]);
        var snapshot = DetectorSnapshot.Save(zscore);

        DetectorSnapshot.TryRestore(snapshot, new SpectralResidual(), out var error).Should().BeFalse();
        error.Should().Contain("'zscore'").And.Contain("'sr'");
        DetectorSnapshot.TryRestore(snapshot, new SeasonalRobustZScore(new SeasonalRobustZScoreOptions { RecentWindow = 32 }), out error).Should().BeFalse();
        error.Should().Contain("recent window length of 64").And.Contain("32");
        DetectorSnapshot.TryRestore(DetectorSnapshot.Save(new Ensemble([new SeasonalRobustZScore()])), new Ensemble(), out error).Should().BeFalse();
        error.Should().Contain("1 members");
        DetectorSnapshot.TryRestore(new Foresight.Detection.Incidents.IncidentTracker().Export(), new Ensemble(), out error).Should().BeFalse();
        error.Should().Contain("Not a detector snapshot");
    }

    [Fact]
    public void Saving_a_detector_whose_parts_cannot_be_saved_says_which()
    {
        var scorer = new SeriesScorer(new Opaque());
        scorer.CanSave.Should().BeFalse();
        FluentActions.Invoking(() => DetectorSnapshot.Save(scorer)).Should().Throw<NotSupportedException>().WithMessage("*Opaque*");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(70_000)]
    public void Runs_of_doubles_round_trip_bit_for_bit_short_long_and_beyond_one_chunk(int length)
    {
        var random = new Random(length);
        double[] special = [double.NaN, -0.0, 0.0, double.PositiveInfinity, double.Epsilon, BitConverter.Int64BitsToDouble(0x7ff0000000000002)];
        var values = Enumerable.Range(0, length).Select(i => i % 97 < special.Length ? special[i % 97] : Math.Round(random.NextDouble() * 100, i % 3)).ToArray();
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) writer.WriteDoubles(values);
        stream.Position = 0;
        using var reader = new BinaryReader(stream);
        var read = new double[length];
        reader.ReadDoubles(read, "values");
        read.Select(BitConverter.DoubleToInt64Bits).Should().Equal(values.Select(BitConverter.DoubleToInt64Bits));
        stream.Position.Should().Be(stream.Length);
    }

    private static byte[] Warm()
    {
        var (t, v) = Series(800, 700, seed: 2);
        var scorer = new SeriesScorer(new Ensemble());
        for (var i = 0; i < t.Length; i++) scorer.TryScore(t[i], v[i], out _);
        return DetectorSnapshot.Save(scorer);
    }

    private static double Observe(ServiceCorrelationDetector detector, double[] values, int step)
    {
        for (var s = 0; s < values.Length; s++) detector.Set(s + 1, values[s]);
        return detector.Score(Start + step * 60_000L);
    }

    private static long[] Bits(ScoredPoint p) =>
        [BitConverter.DoubleToInt64Bits(p.Score), BitConverter.DoubleToInt64Bits(p.ExpectedLow), BitConverter.DoubleToInt64Bits(p.ExpectedHigh)];

    private sealed class Opaque : IStreamingDetector
    {
        public double Update(long timestamp, double value) => 0;
    }
}
