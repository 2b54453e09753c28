using Foresight.Detection;

namespace Foresight.Tests.Detection;

/// <summary>The compact state the default detectors keep per series: the likelihood's blocked window and the context table.</summary>
public class BoundedStateTests
{
    [Fact]
    public void Blocked_moments_match_the_mean_and_variance_of_the_last_blocks_computed_directly()
    {
        var rng = new Random(4);
        var window = new BlockedMoments(capacity: 5);
        var blocks = new List<double[]>();
        foreach (var size in new[] { 37, 100, 100, 100, 100, 100, 100, 100, 100 })
        {
            var block = Enumerable.Range(0, size).Select(_ => 3 + rng.NextDouble() * rng.NextDouble()).ToArray();
            foreach (var v in block) window.Add(v);
            window.Close();
            blocks.Add(block);
            var kept = blocks.TakeLast(5).SelectMany(b => b).ToArray();
            var mean = kept.Average();
            var variance = kept.Sum(v => (v - mean) * (v - mean)) / kept.Length;
            var (count, m, var2) = window.Estimate();
            count.Should().Be(kept.Length);
            m.Should().BeApproximately(mean, 1e-6 * mean);
            var2.Should().BeApproximately(variance, 1e-5 * variance);
        }
        window.Blocks.Should().Be(5);
    }

    [Fact]
    public void Blocked_moments_refuse_a_later_block_of_another_size()
    {
        var window = new BlockedMoments(4);
        foreach (var size in new[] { 7, 5, 5 })
        {
            for (var i = 0; i < size; i++) window.Add(i);
            window.Close();
        }
        window.Add(1);
        var close = () => window.Close();
        close.Should().Throw<InvalidOperationException>().WithMessage("*1 values*holds 5*");
    }

    [Fact]
    public void Blocked_moments_with_nothing_closed_estimate_nan_and_empty_blocks_are_not_kept()
    {
        var window = new BlockedMoments(3);
        window.Close();
        window.Blocks.Should().Be(0);
        var (count, mean, variance) = window.Estimate();
        count.Should().Be(0);
        double.IsNaN(mean).Should().BeTrue();
        double.IsNaN(variance).Should().BeTrue();
    }

    [Fact]
    public void The_likelihood_window_is_the_historic_window_rounded_up_to_whole_reestimation_periods()
    {
        // An inner detector whose raw score jumps from 0.1 to 0.9 after 5,000 points: with W = 1,000 the
        // estimate forgets the old level once ten 100-point blocks of the new one are in; with W = 1,050
        // it takes eleven (W rounded up), so between the two the likelihoods differ.
        static double[] Run(int historic)
        {
            var i = 0;
            var likelihood = new AnomalyLikelihood(new Replay(() => i++ < 5_000 ? 0.1 + 0.01 * (i % 3) : 0.9 + 0.01 * (i % 3)),
                new() { HistoricWindow = historic, HistoricBlock = 100, AveragingWindow = 1 });
            return Enumerable.Range(0, 7_000).Select(k => likelihood.Update(k * 300_000L, 0)).ToArray();
        }
        var exact = Run(1_000);
        var rounded = Run(1_050);
        var same = Run(1_001);
        exact.Take(1_000).Should().Equal(rounded.Take(1_000), "until ten blocks are closed both windows hold every block");
        exact.Skip(6_100).Take(50).Should().NotEqual(rounded.Skip(6_100).Take(50));
        rounded.Should().Equal(same);
    }

    [Fact]
    public void The_recency_set_remembers_every_key_while_well_under_its_bound()
    {
        // A key is forgotten only when its set of 8 is full at the bound: 500 keys in 512 sets of a 4,096 bound never fill one.
        var set = new RecencySet(4096);
        var rng = new Random(2);
        var keys = Enumerable.Range(0, 500).Select(_ => (long)rng.Next(1 << 24)).Distinct().ToArray();
        foreach (var k in keys) set.Touch(k).Should().BeFalse();
        foreach (var k in keys) set.Touch(k).Should().BeTrue();
        set.Count.Should().Be(keys.Length);
        set.Touch(1L << 50).Should().BeFalse();
        set.Touch(1L << 50).Should().BeTrue();
    }

    [Fact]
    public void The_recency_set_stays_within_its_bound_and_keeps_the_keys_in_use()
    {
        var set = new RecencySet(256);
        var hot = Enumerable.Range(0, 16).Select(i => (long)i * 7919).ToArray();
        var rng = new Random(3);
        for (var round = 0; round < 2000; round++)
        {
            foreach (var k in hot) set.Touch(k);
            for (var j = 0; j < 20; j++) set.Touch(1_000_000 + rng.Next(1 << 22));
        }
        set.Allocated.Should().Be(256);
        set.Count.Should().BeLessThanOrEqualTo(256);
        foreach (var k in hot) set.Touch(k).Should().BeTrue("a key touched every round is never the least recent of its set for long");
    }

    [Fact]
    public void The_recency_set_round_trips_with_its_recency_order()
    {
        var set = new RecencySet(64);
        for (var k = 0; k < 500; k++) set.Touch(k * 31L);
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) set.WriteState(writer);
        stream.Position = 0;
        var copy = new RecencySet(64);
        using (var reader = new BinaryReader(stream)) copy.ReadState(reader, "keys");
        copy.Count.Should().Be(set.Count);
        for (var k = 0; k < 700; k++) copy.Touch(k * 17L).Should().Be(set.Touch(k * 17L));
    }

    [Fact]
    public void A_table_of_packed_tags_keeps_and_drops_exactly_the_keys_a_table_of_32_bit_entries_does()
    {
        // Dense keys 0..19,999 stand for sparse ones spread over 24 bits; 512 entries, so the sets overflow and drop keys.
        static long Sparse(int i) => (long)i * 761 + 13;
        var layout = RecencySet.Layout.TryCreate(20_000, 512, Sparse)!;
        var tags = new RecencySet(layout);
        var keys = new RecencySet(512);
        tags.Allocated.Should().Be(512);
        var rng = new Random(4);
        var hits = 0;
        for (var n = 0; n < 200_000; n++)
        {
            var i = n % 3 == 0 ? rng.Next(20_000) : rng.Next(400); // a hot range that is mostly kept, and rare keys
            var hit = tags.Touch(i);
            hit.Should().Be(keys.Touch(Sparse(i)));
            if (hit) hits++;
        }
        tags.Count.Should().Be(keys.Count);
        hits.Should().BeGreaterThan(0);

        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) tags.WriteState(writer);
        layout.TagBits.Should().BeLessThan(16, "a set of 20,000 / 64 keys is numbered in fewer bits");
        stream.Length.Should().Be(8 + 512 / 8 * layout.TagBits, "a set of 8 tags is TagBits bytes");
        stream.Position = 0;
        var copy = new RecencySet(layout);
        using (var reader = new BinaryReader(stream)) copy.ReadState(reader, "keys");
        for (var i = 0; i < 1_000; i++) copy.Touch(i).Should().Be(keys.Touch(Sparse(i)));
    }

    [Theory]
    [InlineData(300)]
    [InlineData(15)]
    public void The_default_ensemble_sharing_its_members_clock_and_window_scores_bit_for_bit_like_members_with_their_own(int stepSeconds)
    {
        var shared = new Ensemble();
        var own = new Ensemble(
        [
            new SeasonalRobustZScore(), new SpectralResidual(), new ContextNovelty(new() { MaxEntries = 512 }),
            new ContextNovelty(new() { Differences = false, MaxEntries = 512 }), new ForecastResidual(),
        ]);
        var rng = new Random(5);
        var alarms = 0;
        for (var i = 0; i < 3_000; i++)
        {
            var t = 1_700_000_000_000L + i * stepSeconds * 1000L + (i == 4 ? 7_000 : 0); // one odd spacing while the clock probes
            var v = 100 + 20 * Math.Sin(2 * Math.PI * i / (86_400 / stepSeconds)) + rng.NextDouble() + (i % 997 == 500 ? 80 : 0);
            var expected = own.Update(t, v);
            BitConverter.DoubleToInt64Bits(shared.Update(t, v)).Should().Be(BitConverter.DoubleToInt64Bits(expected), $"point {i}");
            if (expected >= 0.5) alarms++;
        }
        alarms.Should().BeGreaterThan(0, "the spikes are scored");
        shared.Fired.Should().Equal(own.Fired);
    }

    private sealed class Replay(Func<double> next) : IStreamingDetector
    {
        public double Update(long timestamp, double value) => next();
    }
}
