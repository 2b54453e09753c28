using System.Runtime.CompilerServices;

namespace Foresight.Series.Chunks;

public static partial class ChunkCodec
{
    private const double TwoPow53 = 9007199254740992.0;

    // A run code ('111111' + 16 bits) pays off beyond 22 zero delta-of-deltas.
    private const int DecimalRunMin = 23;

    internal static readonly double[] Pow10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

    /// <summary>
    /// The smallest k in 0..9 at which every value v satisfies <c>(double)m / 10^k == v</c> bit for
    /// bit with <c>m = round(v·10^k)</c>, |m| &lt; 2^53; fills <paramref name="scaled"/> with the m
    /// at that k. Returns -1 when there is none (non-finite values, -0.0, too many digits).
    /// </summary>
    /// <remarks>k only grows, and each increase re-checks from the start, so the cost is
    /// O(n) for data whose first values already need the final k and at most O(10n) overall.</remarks>
    internal static int FindDecimalScale(ReadOnlySpan<double> values, Span<long> scaled)
    {
        var k = 0;
        var p = 1.0;
        for (var i = 0; i < values.Length;)
        {
            if (TryScale(values[i], p, out scaled[i]))
            {
                i++;
                continue;
            }
            do
            {
                if (++k > ChunkHeader.MaxScale) return -1;
                p = Pow10[k];
            }
            while (!TryScale(values[i], p, out scaled[i]));
            i = 0;
        }
        return k;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool TryScale(double value, double pow10, out long scaled)
    {
        var r = Math.Round(value * pow10);
        if (!(Math.Abs(r) < TwoPow53))
        {
            scaled = 0;
            return false; // also NaN and infinities
        }
        scaled = (long)r;
        // Compare bits, not values, so -0.0 (which would decode as +0.0) is refused.
        return BitConverter.DoubleToInt64Bits(scaled / pow10) == BitConverter.DoubleToInt64Bits(value);
    }

    /// <summary>Writes the scaled integers as zigzag delta-of-deltas; returns the section's length in bytes.</summary>
    private static int EncodeDecimal(ReadOnlySpan<long> scaled, Span<byte> buffer)
    {
        var writer = new BitWriter(buffer);
        var prev = scaled[0];
        WriteDecimalCode(ref writer, ZigZag(prev));
        var prevDelta = 0L;
        var run = 0;
        for (var i = 1; i < scaled.Length; i++)
        {
            var m = scaled[i];
            var delta = m - prev; // |m| < 2^53, so no overflow here or below
            var dod = delta - prevDelta;
            prev = m;
            prevDelta = delta;
            if (dod == 0)
            {
                run++;
                continue;
            }
            if (run > 0)
            {
                WriteDecimalRun(ref writer, run);
                run = 0;
            }
            WriteDecimalCode(ref writer, ZigZag(dod));
        }
        if (run > 0) WriteDecimalRun(ref writer, run);
        return writer.Finish();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WriteDecimalCode(ref BitWriter writer, ulong zz)
    {
        if (zz == 0) writer.WriteBits(0, 1);
        else if (zz < 1UL << 7) writer.WriteBits((0b10UL << 7) | zz, 9);
        else if (zz < 1UL << 12) writer.WriteBits((0b110UL << 12) | zz, 15);
        else if (zz < 1UL << 20) writer.WriteBits((0b1110UL << 20) | zz, 24);
        else if (zz < 1UL << 32) writer.WriteBits((0b11110UL << 32) | zz, 37);
        else
        {
            writer.WriteBits(0b111110, 6);
            writer.WriteBits(zz, 64);
        }
    }

    private static void WriteDecimalRun(ref BitWriter writer, int run)
    {
        if (run < DecimalRunMin) writer.WriteBits(0, run);
        else writer.WriteBits((0b111111UL << 16) | (uint)run, 22);
    }

    /// <summary>Reads the payload after a prefix of <paramref name="ones"/> (0..5) one bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static long ReadDecimalCode(ref BitReader reader, int ones)
    {
        if (ones == 0) return 0;
        if (ones == 5) return UnZigZag(reader.ReadBits64());
        // Buckets 1..4 carry 7, 12, 20 and 32 bits: one byte each of this constant.
        var width = (int)((0x20_14_0C_07UL >> ((ones - 1) << 3)) & 0xFF);
        return UnZigZag(reader.ReadBits(width));
    }

    /// <summary>Decodes the first <c>dst.Length</c> values of a chunk of <paramref name="total"/> points.</summary>
    private static void DecodeDecimal(ref BitReader source, int scale, int total, Span<double> dst)
    {
        var reader = source; // a local copy can live in registers; written back below
        var p = Pow10[scale];
        var ones = reader.ReadPrefix(6);
        if (ones == 6) throw Corrupt("value", "starts with a run code instead of a first value");
        var m = ReadDecimalCode(ref reader, ones);
        dst[0] = m / p;
        var delta = 0L;
        var i = 1;
        var n = dst.Length;
        while (i < n)
        {
            ones = reader.ReadPrefix(6);
            if (ones == 6)
            {
                var run = (int)reader.ReadBits(16);
                if (run == 0 || run > total - i) throw Corrupt("value", $"has a run of {run} points at point {i} of {total}");
                var end = Math.Min(i + run, n);
                for (; i < end; i++)
                {
                    m = unchecked(m + delta);
                    dst[i] = m / p;
                }
                continue;
            }
            delta = unchecked(delta + ReadDecimalCode(ref reader, ones));
            m = unchecked(m + delta);
            dst[i++] = m / p;
        }
        source = reader;
    }
}
