using Foresight.Series;
using Foresight.Series.Chunks;

namespace Foresight.Tests.Series;

public class HeadChunkTests
{
    private const long StalenessNaNBits = 0x7ff0000000000002;
    private const long Start = 1_700_000_000_000;

    public static TheoryData<int> Seeds()
    {
        var data = new TheoryData<int>();
        for (var seed = 0; seed < 24; seed++) data.Add(seed);
        return data;
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.125)]
    public void A_resend_of_points_the_head_holds_changes_nothing_and_a_changed_value_still_wins(double fraction)
    {
        // 3-decimal gauges take the decimal stream, values with a fraction of 1/8 and noise the XOR one.
        var head = new HeadChunk();
        var model = new SortedDictionary<long, double>();
        var rng = new Random(7);
        for (var i = 0; i < 200; i++)
        {
            var v = fraction == 0 ? Math.Round(rng.NextDouble() * 100, 3) : rng.NextDouble() + fraction;
            head.Add(Start + i * 15_000L, v);
            model[Start + i * 15_000L] = v;
        }
        var before = head.Encode();

        foreach (var (ts, v) in model) head.Add(ts, v);

        head.LateCount.Should().Be(0, "every resent point repeats one the stream holds");
        head.Encode().Should().Equal(before);
        head.Add(Start + 50 * 15_000L, -1.5);
        model[Start + 50 * 15_000L] = -1.5;
        head.LateCount.Should().Be(1);
        AssertHolds(head, model, $"fraction {fraction}");
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void In_order_points_read_back_bit_exactly_and_seal_into_the_same_chunk(int seed)
    {
        // The chunk codec's timestamp and value shapes: NaN payloads, infinities, the whole long range of timestamps.
        for (var shape = 0; shape < ChunkCodecTests.TimestampShapes * ChunkCodecTests.ValueShapes; shape++)
        {
            var rng = new Random(seed * 1000 + shape);
            var n = Math.Min(ChunkCodecTests.RandomLength(rng), ChunkCodec.MaxPoints);
            var ts = ChunkCodecTests.MakeTimestamps(rng, shape % ChunkCodecTests.TimestampShapes, n);
            var values = ChunkCodecTests.MakeValues(rng, shape / ChunkCodecTests.TimestampShapes, n);
            var head = new HeadChunk();
            var model = new SortedDictionary<long, double>();
            for (var i = 0; i < n; i++)
            {
                head.Add(ts[i], values[i]);
                model[ts[i]] = values[i];
            }
            AssertHolds(head, model, $"seed {seed}, shape {shape}, n {n}");
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Out_of_order_points_and_overwrites_read_back_with_the_newest_write_winning(int seed)
    {
        var rng = new Random(seed);
        var head = new HeadChunk();
        var model = new SortedDictionary<long, double>();
        var next = Start;
        for (var i = 0; i < 600; i++)
        {
            long ts;
            switch (rng.Next(10))
            {
                case 0 when model.Count > 0: // a new value for a timestamp already held, stream or buffer
                    ts = model.Keys.ElementAt(rng.Next(model.Count));
                    break;
                case 1 when model.Count > 0: // the newest timestamp again
                    ts = model.Keys.Last();
                    break;
                case 2 or 3: // out of order, within the last hour
                    ts = next - rng.Next(1, 240) * 15_000L + rng.Next(-3, 4);
                    break;
                default:
                    ts = next += 15_000 + rng.Next(-20, 21);
                    break;
            }
            var value = rng.Next(6) switch
            {
                0 => BitConverter.Int64BitsToDouble(StalenessNaNBits),
                1 => double.NaN,
                2 => model.TryGetValue(ts, out var old) ? old : 1.5,
                _ => Math.Round(rng.NextDouble() * 100, rng.Next(4)),
            };
            head.Add(ts, value);
            model[ts] = value;
            if (i % 37 == 0) AssertHolds(head, model, $"seed {seed}, after {i + 1} writes");
        }
        AssertHolds(head, model, $"seed {seed}, at the end");
    }

    [Fact]
    public void An_overwrite_of_the_newest_point_and_of_a_buffered_one_both_take_the_last_value()
    {
        var head = new HeadChunk();
        head.Add(Start, 1);
        head.Add(Start + 15_000, 2);
        head.Add(Start + 15_000, 3);           // the stream's last point, new value: buffered
        head.Add(Start + 15_000, 2);           // back to the stream's value: the buffer must not keep 3
        head.Add(Start + 5_000, 4);            // out of order: buffered
        head.Add(Start + 5_000, 5);            // overwrite inside the buffer
        head.Add(Start, BitConverter.Int64BitsToDouble(StalenessNaNBits)); // overwrite of the stream's first point
        AssertHolds(head, new SortedDictionary<long, double>
        {
            [Start] = BitConverter.Int64BitsToDouble(StalenessNaNBits), [Start + 5_000] = 5, [Start + 15_000] = 2,
        }, "mixed overwrites");
    }

    [Fact]
    public void Decimal_values_keep_every_bit_as_the_scale_grows_and_when_a_value_has_none()
    {
        var head = new HeadChunk();
        var model = new SortedDictionary<long, double>();
        double[] values = [3, 4, 4.5, 4.25, 1e-9, -7.125, 9007199254740991, -0.0, 0.1, double.NaN, 2.5, 1.0 / 3];
        for (var i = 0; i < values.Length; i++)
        {
            Add(head, model, Start + i * 15_000L, values[i]);
            AssertHolds(head, model, $"after {values[i]}");
        }
        // A value overwritten in the buffer and merged back: the head may go back to decimal values.
        for (var i = 0; i < values.Length; i++) Add(head, model, Start + i * 15_000L, i * 0.5);
        for (var i = 0; i < HeadChunk.LateLimit; i++) Add(head, model, Start + i * 15_000L + 1, i);
        Add(head, model, Start + values.Length * 15_000L, 0.75);
        AssertHolds(head, model, "after the merge");
    }

    [Fact]
    public void A_full_buffer_is_merged_into_the_stream_and_appends_go_on_after_it()
    {
        var head = new HeadChunk();
        var model = new SortedDictionary<long, double>();
        for (var i = 0; i < 100; i++) Add(head, model, Start + i * 2 * 15_000L, i);
        // Fill the gaps backwards: more than the buffer holds, so it merges (twice) on the way.
        for (var i = 99; i >= 0; i--) Add(head, model, Start + (i * 2 + 1) * 15_000L, -i);
        for (var i = 200; i < 230; i++) Add(head, model, Start + i * 15_000L, i * 0.5);
        AssertHolds(head, model, "after merges");
    }

    [Fact]
    public void A_clone_holds_the_same_points_and_does_not_follow_later_writes()
    {
        var head = new HeadChunk();
        var model = new SortedDictionary<long, double>();
        for (var i = 0; i < 50; i++) Add(head, model, Start + i * 15_000L, i % 7);
        Add(head, model, Start + 7 * 15_000L, 99);
        var clone = head.Clone();
        var snapshot = new SortedDictionary<long, double>(model);
        Add(head, model, Start + 3 * 15_000L, -1);
        Add(head, model, Start + 60 * 15_000L, 60);
        AssertHolds(clone, snapshot, "clone");
        AssertHolds(head, model, "original");
        Add(clone, snapshot, Start + 61 * 15_000L, 61);
        AssertHolds(clone, snapshot, "clone after its own append");
    }

    [Fact]
    public void A_cleared_head_is_empty_and_starts_again()
    {
        var head = new HeadChunk();
        head.Add(Start, 1);
        head.Add(Start - 1, 2);
        head.Clear();
        Assert.Equal(0, head.Count);
        var into = new List<Point>();
        head.CopyRange(long.MinValue, long.MaxValue, into);
        Assert.Empty(into);
        Assert.Throws<InvalidOperationException>(() => head.Encode());
        head.Add(Start - 100, 3);
        AssertHolds(head, new SortedDictionary<long, double> { [Start - 100] = 3 }, "after clear");
    }

    private static void Add(HeadChunk head, SortedDictionary<long, double> model, long ts, double value)
    {
        head.Add(ts, value);
        model[ts] = value;
    }

    private static void AssertHolds(HeadChunk head, SortedDictionary<long, double> model, string what)
    {
        Assert.True(model.Count == head.Count, $"{what}: count {head.Count}, expected {model.Count}");
        var expectedTs = model.Keys.ToArray();
        var expectedBits = model.Values.Select(BitConverter.DoubleToInt64Bits).ToArray();
        Assert.True(expectedTs[0] == head.First, $"{what}: first {head.First}, expected {expectedTs[0]}");
        Assert.True(expectedTs[^1] == head.Last, $"{what}: last {head.Last}, expected {expectedTs[^1]}");

        var ts = new long[model.Count];
        var values = new double[model.Count];
        Assert.Equal(model.Count, head.CopyTo(ts, values));
        Assert.Equal(expectedTs, ts);
        Assert.Equal(expectedBits, values.Select(BitConverter.DoubleToInt64Bits).ToArray());

        var decodedTs = new long[model.Count];
        var decoded = new double[model.Count];
        Assert.Equal(model.Count, ChunkCodec.Decode(head.Encode(), decodedTs, decoded));
        Assert.Equal(expectedTs, decodedTs);
        Assert.Equal(expectedBits, decoded.Select(BitConverter.DoubleToInt64Bits).ToArray());

        // A range from inside to inside, and one past both ends.
        var from = expectedTs[expectedTs.Length / 3];
        var to = expectedTs[expectedTs.Length * 2 / 3];
        var range = new List<Point>();
        head.CopyRange(from, to, range);
        Assert.Equal(expectedTs.Where(t => t >= from && t < to), range.Select(p => p.Timestamp));
        range.Clear();
        head.CopyRange(long.MinValue, long.MaxValue, range); // half-open: long.MaxValue itself is left out
        var below = expectedTs.Count(t => t < long.MaxValue);
        Assert.Equal(expectedBits.Take(below), range.Select(p => BitConverter.DoubleToInt64Bits(p.Value)));
    }
}
