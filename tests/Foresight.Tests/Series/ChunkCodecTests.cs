using Foresight.Series;
using Foresight.Series.Chunks;

namespace Foresight.Tests.Series;

public class ChunkCodecTests
{
    private const long StalenessNaNBits = 0x7ff0000000000002;
    private const long Start = 1_700_000_000_000; // 2023-11-14 in Unix ms

    // ---- round trips -------------------------------------------------------------------------

    public static TheoryData<int> Seeds()
    {
        var data = new TheoryData<int>();
        for (var seed = 0; seed < 48; seed++) data.Add(seed);
        return data;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Random_series_round_trip_bit_exactly(int seed)
    {
        // Each seed covers every timestamp shape against every value shape at a random length.
        for (var ts = 0; ts < TimestampShapes; ts++)
        {
            for (var vs = 0; vs < ValueShapes; vs++)
            {
                var rng = new Random(seed * 1000 + ts * 31 + vs);
                var n = RandomLength(rng);
                var timestamps = MakeTimestamps(rng, ts, n);
                var values = MakeValues(rng, vs, n);
                AssertRoundTrip(timestamps, values, $"seed {seed}, timestamp shape {ts}, value shape {vs}, n {n}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Both_value_encodings_round_trip_when_forced(int seed)
    {
        var rng = new Random(seed);
        var n = RandomLength(rng);
        var timestamps = MakeTimestamps(rng, seed % TimestampShapes, n);
        var values = MakeValues(rng, 3, n); // rounded decimals: both encodings apply
        foreach (var encoding in new[] { ChunkValueEncoding.Xor, ChunkValueEncoding.Decimal })
        {
            var chunk = ChunkCodec.EncodeWith(timestamps, values, encoding);
            ChunkHeader.Read(chunk).Encoding.Should().Be(encoding);
            AssertDecodes(chunk, timestamps, values, $"seed {seed}, forced {encoding}");
        }
    }

    [Fact]
    public void A_single_point_round_trips()
    {
        foreach (var (t, v) in new[] { (0L, 0.0), (Start, 42.5), (long.MinValue, double.NaN), (long.MaxValue, -1e300), (-5L, -0.0) })
        {
            AssertRoundTrip([t], [v], $"({t}, {v})");
        }
        ChunkCodec.Encode([Start], [1.0]).Length.Should().BeLessThan(16);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void The_largest_chunk_of_65535_points_round_trips(int valueShape)
    {
        var rng = new Random(valueShape);
        var n = ChunkCodec.MaxPoints;
        AssertRoundTrip(MakeTimestamps(rng, valueShape % TimestampShapes, n), MakeValues(rng, valueShape, n), $"shape {valueShape}");
    }

    [Fact]
    public void Non_finite_values_and_the_staleness_marker_keep_their_bits()
    {
        var specials = new[]
        {
            double.NaN, BitConverter.Int64BitsToDouble(StalenessNaNBits), double.PositiveInfinity,
            double.NegativeInfinity, BitConverter.Int64BitsToDouble(unchecked((long)0xfff8000000000001)),
            -0.0, 0.0, double.Epsilon, double.MaxValue, double.MinValue, 1.5,
        };
        var n = 500;
        var rng = new Random(7);
        var values = new double[n];
        for (var i = 0; i < n; i++) values[i] = specials[rng.Next(specials.Length)];
        var timestamps = Regular(n, 15_000);
        var chunk = ChunkCodec.Encode(timestamps, values);
        ChunkHeader.Read(chunk).Encoding.Should().Be(ChunkValueEncoding.Xor);
        AssertDecodes(chunk, timestamps, values, "specials");

        var stale = ChunkCodec.Encode([Start, Start + 15_000], [1.0, BitConverter.Int64BitsToDouble(StalenessNaNBits)]);
        var vs = new double[2];
        ChunkCodec.Decode(stale, new long[2], vs);
        BitConverter.DoubleToInt64Bits(vs[1]).Should().Be(StalenessNaNBits);
    }

    [Theory]
    [InlineData(new[] { 1.0, 2.0, 3.0 }, 0)]
    [InlineData(new[] { 0.1, 0.2, 0.3 }, 1)]
    [InlineData(new[] { 1.5, 2.25, 3.0 }, 2)]
    [InlineData(new[] { 12.5, 99.99, -0.07 }, 2)]
    [InlineData(new[] { 0.000000001, 1.0 }, 9)]
    [InlineData(new[] { 9007199254740991.0, -9007199254740991.0 }, 0)]
    public void Decimal_encoding_picks_the_smallest_exact_scale(double[] values, int scale)
    {
        var chunk = ChunkCodec.EncodeWith(Regular(values.Length, 1000), values, ChunkValueEncoding.Decimal);
        ChunkHeader.Read(chunk).Scale.Should().Be(scale);
        AssertDecodes(chunk, Regular(values.Length, 1000), values, "scale");
    }

    [Theory]
    [InlineData(0.30000000000000004)] // 0.1 + 0.2: needs 17 digits
    [InlineData(-0.0)]                // would decode as +0.0
    [InlineData(1e17)]                // beyond 2^53
    [InlineData(0.0000000001)]        // needs k = 10
    [InlineData(double.NaN)]
    public void Values_without_an_exact_decimal_form_use_xor(double odd)
    {
        var values = new[] { 1.0, odd, 2.0 };
        var chunk = ChunkCodec.Encode(Regular(3, 1000), values);
        ChunkHeader.Read(chunk).Encoding.Should().Be(ChunkValueEncoding.Xor);
        AssertDecodes(chunk, Regular(3, 1000), values, odd.ToString("R"));
        var forced = () => ChunkCodec.EncodeWith(Regular(3, 1000), values, ChunkValueEncoding.Decimal);
        forced.Should().Throw<ArgumentException>();
    }

    // ---- range reads -------------------------------------------------------------------------

    [Fact]
    public void DecodeInto_returns_exactly_the_points_in_the_half_open_range()
    {
        var rng = new Random(11);
        for (var round = 0; round < 300; round++)
        {
            var n = rng.Next(1, 400);
            var timestamps = MakeTimestamps(rng, round % 3, n);
            var values = MakeValues(rng, round % ValueShapes, n);
            var chunk = ChunkCodec.Encode(timestamps, values);
            var span = timestamps[^1] - timestamps[0];
            var from = timestamps[0] - 10 + (long)(rng.NextDouble() * (span + 20));
            var to = rng.Next(4) == 0 ? from : from + (long)(rng.NextDouble() * (span + 20));

            var into = new List<Point> { new(-1, -1) };
            ChunkCodec.DecodeInto(chunk, into, from, to);

            var expected = new List<Point> { new(-1, -1) };
            for (var i = 0; i < n; i++)
            {
                if (timestamps[i] >= from && timestamps[i] < to) expected.Add(new Point(timestamps[i], values[i]));
            }
            into.Should().HaveCount(expected.Count, $"round {round}: [{from}, {to})");
            for (var i = 0; i < expected.Count; i++)
            {
                into[i].Timestamp.Should().Be(expected[i].Timestamp);
                BitConverter.DoubleToInt64Bits(into[i].Value).Should().Be(BitConverter.DoubleToInt64Bits(expected[i].Value));
            }
        }
    }

    [Fact]
    public void DecodeInto_stops_at_the_end_of_the_range_without_reading_further()
    {
        var n = 240;
        var timestamps = Jittered(new Random(3), n);
        var values = MakeValues(new Random(3), 1, n); // random bits: XOR, ~8 bytes per point
        var chunk = ChunkCodec.Encode(timestamps, values);
        // Cut the chunk in the middle of its value section: a full decode must fail...
        var damaged = chunk.AsSpan(0, chunk.Length - 800).ToArray();
        var decode = () => ChunkCodec.Decode(damaged, new long[n], new double[n]);
        decode.Should().Throw<InvalidDataException>();
        // ...but a range that ends early never touches the missing bytes.
        var into = new List<Point>();
        ChunkCodec.DecodeInto(damaged, into, long.MinValue, timestamps[10]);
        into.Should().HaveCount(10);
        into[9].Should().Be(new Point(timestamps[9], values[9]));
    }

    // ---- misuse and corrupt input ------------------------------------------------------------

    [Fact]
    public void Encode_refuses_unordered_or_mismatched_input()
    {
        var act = () => ChunkCodec.Encode([1, 2, 2], [1, 2, 3]);
        act.Should().Throw<ArgumentException>().WithMessage("*strictly increasing*timestamps[2]*");
        act = () => ChunkCodec.Encode([5, 4], [1, 2]);
        act.Should().Throw<ArgumentException>().WithMessage("*strictly increasing*");
        act = () => ChunkCodec.Encode([1, 2], [1]);
        act.Should().Throw<ArgumentException>().WithMessage("*same length*");
        act = () => ChunkCodec.Encode([], []);
        act.Should().Throw<ArgumentException>().WithMessage("*1..65535*");
        act = () => ChunkCodec.Encode(Regular(65536, 1), new double[65536]);
        act.Should().Throw<ArgumentException>().WithMessage("*1..65535*");
    }

    [Fact]
    public void Decode_refuses_destinations_shorter_than_the_chunk()
    {
        var chunk = ChunkCodec.Encode(Regular(10, 1000), new double[10]);
        var act = () => ChunkCodec.Decode(chunk, new long[9], new double[10]);
        act.Should().Throw<ArgumentException>().WithMessage("*10 points*");
    }

    [Fact]
    public void Every_truncation_of_a_chunk_throws_InvalidDataException()
    {
        foreach (var (timestamps, values, name) in CorruptionSamples())
        {
            var chunk = ChunkCodec.Encode(timestamps, values);
            for (var length = 0; length < chunk.Length; length++)
            {
                var cut = chunk.AsSpan(0, length).ToArray();
                var act = () => ChunkCodec.Decode(cut, new long[timestamps.Length], new double[values.Length]);
                act.Should().Throw<InvalidDataException>($"{name} cut to {length} of {chunk.Length} bytes")
                    .Which.Message.Should().StartWith("Corrupt chunk");
                ChunkCodec.TryValidate(cut, out var error).Should().BeFalse();
                error.Should().NotBeNullOrEmpty();
            }
            ChunkCodec.TryValidate(chunk, out var none).Should().BeTrue(none);
        }
    }

    [Fact]
    public void Trailing_bytes_and_unknown_versions_are_reported_clearly()
    {
        var chunk = ChunkCodec.Encode(Regular(50, 15_000), MakeValues(new Random(1), 3, 50));

        var longer = chunk.Append((byte)0).ToArray();
        ChunkCodec.TryValidate(longer, out var error).Should().BeFalse();
        error.Should().Contain("left over");

        var newer = (byte[])chunk.Clone();
        newer[0] = 2;
        var count = () => ChunkCodec.Count(newer);
        count.Should().Throw<InvalidDataException>().WithMessage("*version 2 is not supported*version 1*");

        var unknown = (byte[])chunk.Clone();
        unknown[1] = 9;
        ChunkCodec.TryValidate(unknown, out error).Should().BeFalse();
        error.Should().Contain("unknown value encoding 9");

        ChunkCodec.TryValidate([], out error).Should().BeFalse();
        ChunkCodec.Count(chunk).Should().Be(50);
    }

    [Fact]
    public void Damaged_chunks_never_throw_anything_but_InvalidDataException()
    {
        var rng = new Random(99);
        var detected = 0;
        var trials = 0;
        foreach (var (timestamps, values, _) in CorruptionSamples())
        {
            var chunk = ChunkCodec.Encode(timestamps, values);
            var capacity = ChunkCodec.MaxPoints;
            var ts = new long[capacity];
            var vs = new double[capacity];
            for (var trial = 0; trial < 400; trial++, trials++)
            {
                var damaged = (byte[])chunk.Clone();
                var flips = 1 + rng.Next(3);
                for (var f = 0; f < flips; f++)
                {
                    var at = rng.Next(damaged.Length);
                    if (rng.Next(2) == 0) damaged[at] ^= (byte)(1 << rng.Next(8));
                    else damaged[at] = (byte)rng.Next(256);
                }
                try
                {
                    var n = ChunkCodec.Decode(damaged, ts, vs);
                    n.Should().BeInRange(1, capacity);
                    ChunkCodec.DecodeInto(damaged, [], long.MinValue, long.MaxValue);
                }
                catch (InvalidDataException e)
                {
                    e.Message.Should().NotBeNullOrWhiteSpace();
                    detected++;
                }
            }
        }
        // Most damage is caught (many flips hit payload bits, which decode to other valid numbers).
        detected.Should().BeGreaterThan(trials / 4);
    }

    // ---- sizes -------------------------------------------------------------------------------

    [Theory]
    [InlineData(0.0)]
    [InlineData(42.5)]
    [InlineData(1.0)]
    public void A_regular_constant_series_of_240_points_fits_in_40_bytes(double value)
    {
        var values = Enumerable.Repeat(value, 240).ToArray();
        var chunk = ChunkCodec.Encode(Regular(240, 15_000), values);
        chunk.Length.Should().BeLessThan(40);
        AssertDecodes(chunk, Regular(240, 15_000), values, "constant");
    }

    [Fact]
    public void Regular_timestamps_cost_a_few_bytes_per_chunk_and_jittered_ones_about_two_per_point()
    {
        var values = new double[240];
        ChunkHeader.Read(ChunkCodec.Encode(Regular(240, 15_000), values)).TimestampBytes.Should().BeLessThanOrEqualTo(8);
        var jittered = ChunkHeader.Read(ChunkCodec.Encode(Jittered(new Random(5), 240), values)).TimestampBytes;
        jittered.Should().BeLessThan(240 * 2 + 8);
    }

    [Fact]
    public void An_integer_counter_with_small_increments_takes_far_less_than_8_bytes_per_point()
    {
        var rng = new Random(21);
        var values = new double[240];
        var total = 123_456.0;
        for (var i = 0; i < values.Length; i++) values[i] = total += rng.Next(0, 6);
        var chunk = ChunkCodec.Encode(Regular(240, 15_000), values);
        var header = ChunkHeader.Read(chunk);
        header.Encoding.Should().Be(ChunkValueEncoding.Decimal);
        header.Scale.Should().Be(0);
        ((double)chunk.Length / 240).Should().BeLessThan(1.5);
        chunk.Length.Should().BeLessThan(ChunkCodec.EncodeWith(Regular(240, 15_000), values, ChunkValueEncoding.Xor).Length);
    }

    [Fact]
    public void Two_decimal_values_with_noise_use_the_decimal_encoding_and_beat_xor()
    {
        var timestamps = Regular(240, 15_000);
        var values = Telemetry(new Random(8), 240, 2);
        var chunk = ChunkCodec.Encode(timestamps, values);
        var header = ChunkHeader.Read(chunk);
        header.Encoding.Should().Be(ChunkValueEncoding.Decimal);
        header.Scale.Should().Be(2);
        var xor = ChunkCodec.EncodeWith(timestamps, values, ChunkValueEncoding.Xor);
        chunk.Length.Should().BeLessThan(xor.Length * 2 / 3, $"decimal {chunk.Length} bytes vs XOR {xor.Length} bytes");
        AssertDecodes(chunk, timestamps, values, "telemetry");
    }

    [Fact]
    public void Random_doubles_stay_close_to_their_raw_size()
    {
        var rng = new Random(4);
        var values = new double[240];
        for (var i = 0; i < values.Length; i++) values[i] = rng.NextDouble() * 1000;
        var chunk = ChunkCodec.Encode(Regular(240, 15_000), values);
        ChunkHeader.Read(chunk).Encoding.Should().Be(ChunkValueEncoding.Xor);
        chunk.Length.Should().BeLessThan(240 * 8 + 40);
    }

    // ---- helpers -----------------------------------------------------------------------------

    internal const int TimestampShapes = 6;
    internal const int ValueShapes = 8;

    private static void AssertRoundTrip(long[] timestamps, double[] values, string because)
    {
        var chunk = ChunkCodec.Encode(timestamps, values);
        AssertDecodes(chunk, timestamps, values, because);
        ChunkCodec.EncodeWith(timestamps, values, ChunkValueEncoding.Xor).Length.Should().BeGreaterThanOrEqualTo(chunk.Length, because);
    }

    private static void AssertDecodes(byte[] chunk, long[] timestamps, double[] values, string because)
    {
        var n = timestamps.Length;
        ChunkCodec.Count(chunk).Should().Be(n, because);
        ChunkCodec.TryValidate(chunk, out var error).Should().BeTrue($"{because}: {error}");
        var ts = new long[n + 3];
        var vs = new double[n + 3];
        ChunkCodec.Decode(chunk, ts, vs).Should().Be(n, because);
        for (var i = 0; i < n; i++)
        {
            if (ts[i] != timestamps[i]) ts[i].Should().Be(timestamps[i], $"{because}: timestamp {i}");
            var (got, want) = (BitConverter.DoubleToInt64Bits(vs[i]), BitConverter.DoubleToInt64Bits(values[i]));
            if (got != want) got.Should().Be(want, $"{because}: value bits {i} ({values[i]:R})");
        }

        var into = new List<Point>();
        ChunkCodec.DecodeInto(chunk, into, long.MinValue, long.MaxValue);
        var expected = timestamps[^1] == long.MaxValue ? n - 1 : n; // `to` is exclusive
        into.Should().HaveCount(expected, because);
        for (var i = 0; i < expected; i++)
        {
            if (into[i].Timestamp != timestamps[i]
                || BitConverter.DoubleToInt64Bits(into[i].Value) != BitConverter.DoubleToInt64Bits(values[i]))
            {
                into[i].Should().Be(new Point(timestamps[i], values[i]), $"{because}: point {i}");
            }
        }
    }

    private static IEnumerable<(long[] Timestamps, double[] Values, string Name)> CorruptionSamples()
    {
        var rng = new Random(17);
        yield return (Regular(240, 15_000), Telemetry(rng, 240, 2), "decimal telemetry");
        yield return (Jittered(rng, 240), MakeValues(rng, 1, 240), "xor random bits");
        yield return (Regular(240, 15_000), Enumerable.Repeat(3.0, 240).ToArray(), "constant");
        yield return (MakeTimestamps(rng, 4, 100), MakeValues(rng, 0, 100), "extreme timestamps, counter");
        yield return ([Start], [double.NaN], "single NaN");
        yield return ([Start], [7.0], "single decimal");
    }

    internal static int RandomLength(Random rng) => rng.Next(5) switch
    {
        0 => rng.Next(1, 4),
        1 or 2 => rng.Next(1, 300),
        3 => 240,
        _ => rng.Next(1, 5000),
    };

    private static long[] Regular(int n, long step)
    {
        var ts = new long[n];
        for (var i = 0; i < n; i++) ts[i] = Start + i * step;
        return ts;
    }

    private static long[] Jittered(Random rng, int n)
    {
        var ts = new long[n];
        for (var i = 0; i < n; i++) ts[i] = Start + i * 15_000L + rng.Next(-40, 41);
        return ts;
    }

    internal static long[] MakeTimestamps(Random rng, int shape, int n)
    {
        var ts = new long[n];
        switch (shape)
        {
            case 0:
                var step = new[] { 1L, 1000, 15_000, 60_000 }[rng.Next(4)];
                for (var i = 0; i < n; i++) ts[i] = Start + i * step;
                return ts;
            case 1:
                return Jittered(rng, n);
            case 2: // regular with occasional gaps of minutes to decades
                ts[0] = Start;
                for (var i = 1; i < n; i++)
                {
                    ts[i] = ts[i - 1] + (rng.Next(20) == 0 ? (long)Math.Pow(10, rng.Next(5, 12)) + rng.Next(1000) : 10_000);
                }
                return ts;
            case 3: // negative times crossing zero
                ts[0] = -rng.NextInt64(0, 1_000_000_000L);
                for (var i = 1; i < n; i++) ts[i] = ts[i - 1] + rng.NextInt64(1, 2_000_000);
                return ts;
            case 4: // the whole long range, from MinValue towards MaxValue with huge deltas
                var maxStep = (ulong)long.MaxValue / (ulong)Math.Max(n, 1) * 2 - 1;
                ts[0] = long.MinValue;
                for (var i = 1; i < n; i++) ts[i] = unchecked(ts[i - 1] + (long)(1 + (ulong)rng.NextInt64(0, (long)(maxStep >> rng.Next(0, 40)))));
                if (n > 1 && ts[n - 2] < long.MaxValue) ts[n - 1] = long.MaxValue;
                return ts;
            default: // tiny random steps: many zero and small delta-of-deltas
                ts[0] = rng.NextInt64(-1000, 1000);
                for (var i = 1; i < n; i++) ts[i] = ts[i - 1] + rng.Next(1, 4);
                return ts;
        }
    }

    internal static double[] MakeValues(Random rng, int shape, int n)
    {
        var vs = new double[n];
        switch (shape)
        {
            case 0: // integer counter with resets
                var total = (double)rng.Next(0, 1_000_000);
                for (var i = 0; i < n; i++) vs[i] = rng.Next(200) == 0 ? total = 0 : total += rng.Next(0, 50);
                return vs;
            case 1: // arbitrary bit patterns: NaN payloads, subnormals, infinities
                for (var i = 0; i < n; i++) vs[i] = BitConverter.Int64BitsToDouble(rng.NextInt64(long.MinValue, long.MaxValue));
                return vs;
            case 2:
                for (var i = 0; i < n; i++) vs[i] = (rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-5, 10));
                return vs;
            case 3:
                return Telemetry(rng, n, rng.Next(0, 10));
            case 4:
                Array.Fill(vs, new[] { 0.0, 1.0, -273.15, Math.PI, double.NaN }[rng.Next(5)]);
                return vs;
            case 5: // rounded telemetry with staleness markers, NaN and infinities sprinkled in
                vs = Telemetry(rng, n, 2);
                for (var i = 0; i < n; i++)
                {
                    if (rng.Next(10) == 0) vs[i] = rng.Next(4) switch
                    {
                        0 => BitConverter.Int64BitsToDouble(StalenessNaNBits),
                        1 => double.NaN,
                        2 => double.PositiveInfinity,
                        _ => double.NegativeInfinity,
                    };
                }
                return vs;
            case 6: // big integers around 2^53, where decimal scaling must give up
                for (var i = 0; i < n; i++) vs[i] = 9007199254740990.0 + rng.Next(0, 8) * (rng.Next(2) == 0 ? 1 : -1);
                return vs;
            default: // a mostly constant gauge with rare steps
                var level = rng.Next(0, 100) / 4.0;
                for (var i = 0; i < n; i++) vs[i] = rng.Next(50) == 0 ? level += 0.25 : level;
                return vs;
        }
    }

    /// <summary>A CPU-like gauge: a slow wave plus noise, rounded to <paramref name="digits"/> decimals.</summary>
    private static double[] Telemetry(Random rng, int n, int digits)
    {
        var vs = new double[n];
        for (var i = 0; i < n; i++) vs[i] = Math.Round(50 + 20 * Math.Sin(i / 30.0) + (rng.NextDouble() - 0.5) * 4, digits);
        return vs;
    }
}
