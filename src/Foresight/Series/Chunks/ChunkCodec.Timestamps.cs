using System.Runtime.CompilerServices;

namespace Foresight.Series.Chunks;

public static partial class ChunkCodec
{
    // Zero delta-of-deltas in a row cost one bit each; a run code (5 + 16 bits) pays off beyond 21.
    private const int TimestampRunMin = 22;

    /// <summary>Writes timestamps 1..n-1 as delta-of-deltas; returns the section's length in bytes.</summary>
    private static int EncodeTimestamps(ReadOnlySpan<long> timestamps, Span<byte> buffer)
    {
        var writer = new BitWriter(buffer);
        var prev = timestamps[0];
        var prevDelta = 0L;
        var run = 0;
        for (var i = 1; i < timestamps.Length; i++)
        {
            var t = timestamps[i];
            if (t <= prev) ThrowNotIncreasing(i, t, prev);
            // Deltas are below 2^64 and dod arithmetic wraps identically in the decoder, so every
            // long range round-trips.
            var delta = unchecked(t - prev);
            var dod = unchecked(delta - prevDelta);
            prev = t;
            prevDelta = delta;
            if (dod == 0)
            {
                run++;
                continue;
            }
            if (run > 0)
            {
                WriteTimestampRun(ref writer, run);
                run = 0;
            }
            WriteTimestampDod(ref writer, ZigZag(dod));
        }
        if (run > 0) WriteTimestampRun(ref writer, run);
        return writer.Finish();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WriteTimestampDod(ref BitWriter writer, ulong zz)
    {
        if (zz < 1UL << 14) writer.WriteBits((0b10UL << 14) | zz, 16);
        else if (zz < 1UL << 17) writer.WriteBits((0b110UL << 17) | zz, 20);
        else if (zz < 1UL << 20) writer.WriteBits((0b1110UL << 20) | zz, 24);
        else
        {
            writer.WriteBits(0b11110, 5);
            writer.WriteBits(zz, 64);
        }
    }

    private static void WriteTimestampRun(ref BitWriter writer, int run)
    {
        if (run < TimestampRunMin) writer.WriteBits(0, run);
        else writer.WriteBits((0b11111UL << 16) | (uint)run, 21);
    }

    /// <summary>
    /// Decodes timestamps into <paramref name="dst"/> until <paramref name="total"/> are done or one
    /// exceeds <paramref name="last"/>; returns how many were stored (all of them ≤ last).
    /// </summary>
    private static int DecodeTimestamps(ref BitReader source, long first, int total, Span<long> dst, long last)
    {
        if (first > last) return 0;
        var reader = source; // a local copy can live in registers; written back on return
        dst[0] = first;
        var prev = first;
        var delta = 0L;
        var i = 1;
        while (i < total)
        {
            var ones = reader.ReadPrefix(5);
            if (ones != 0)
            {
                if (ones < 4)
                {
                    // Buckets 1..3 carry 14, 17 and 20 bits.
                    delta = unchecked(delta + UnZigZag(reader.ReadBits(11 + 3 * ones)));
                }
                else if (ones == 4)
                {
                    delta = unchecked(delta + UnZigZag(reader.ReadBits64()));
                }
                else
                {
                    var run = (int)reader.ReadBits(16);
                    if (run == 0 || run > total - i) throw Corrupt("timestamp", $"has a run of {run} points at point {i} of {total}");
                    var end = i + run;
                    for (; i < end; i++)
                    {
                        var next = unchecked(prev + delta);
                        if (next <= prev) ThrowNotIncreasingData(i);
                        if (next > last)
                        {
                            source = reader;
                            return i;
                        }
                        dst[i] = next;
                        prev = next;
                    }
                    continue;
                }
            }
            var t = unchecked(prev + delta);
            if (t <= prev) ThrowNotIncreasingData(i);
            if (t > last)
            {
                source = reader;
                return i;
            }
            dst[i++] = t;
            prev = t;
        }
        source = reader;
        return i;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowNotIncreasing(int index, long t, long prev) =>
        throw new ArgumentException(
            $"Timestamps must be strictly increasing, but timestamps[{index}] = {t} follows {prev}.", "timestamps");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowNotIncreasingData(int index) =>
        throw Corrupt("timestamp", $"decodes to a timestamp at point {index} that does not increase (damaged data)");
}
