using System.Numerics;
using System.Runtime.CompilerServices;

namespace Foresight.Series.Chunks;

public static partial class ChunkCodec
{
    /// <summary>Gorilla XOR value encoding (Pelkonen et al. 2015, §4.1.2); returns the section's length in bytes.</summary>
    private static int EncodeXor(ReadOnlySpan<double> values, Span<byte> buffer)
    {
        var writer = new BitWriter(buffer);
        var prev = (ulong)BitConverter.DoubleToInt64Bits(values[0]);
        writer.WriteBits(prev, 64);
        int lead = 0, trail = 0, meaningful = 0; // meaningful == 0: no window yet
        for (var i = 1; i < values.Length; i++)
        {
            var bits = (ulong)BitConverter.DoubleToInt64Bits(values[i]);
            var xor = bits ^ prev;
            prev = bits;
            if (xor == 0)
            {
                writer.WriteBits(0, 1);
                continue;
            }
            var l = BitOperations.LeadingZeroCount(xor);
            var t = BitOperations.TrailingZeroCount(xor);
            if (l > 31) l = 31; // five bits of leading-zero count
            if (meaningful != 0 && l >= lead && t >= trail)
            {
                var payload = xor >> trail;
                if (meaningful <= 62) writer.WriteBits((0b10UL << meaningful) | payload, meaningful + 2);
                else
                {
                    writer.WriteBits(0b10, 2);
                    writer.WriteBits(payload, meaningful);
                }
            }
            else
            {
                lead = l;
                trail = t;
                meaningful = 64 - l - t;
                // '11', 5 bits of leading zeros, 6 bits of meaningful length (64 stored as 0).
                writer.WriteBits((0b11UL << 11) | ((ulong)(uint)l << 6) | (uint)(meaningful & 63), 13);
                writer.WriteBits(xor >> t, meaningful);
            }
        }
        return writer.Finish();
    }

    private static void DecodeXor(ref BitReader source, Span<double> dst)
    {
        var reader = source; // a local copy can live in registers; written back below
        var bits = reader.ReadBits64();
        dst[0] = BitConverter.Int64BitsToDouble((long)bits);
        int lead = 0, meaningful = 0;
        for (var i = 1; i < dst.Length; i++)
        {
            var control = reader.ReadPrefix(2);
            if (control != 0)
            {
                if (control == 2)
                {
                    var window = (int)reader.ReadBits(11);
                    lead = window >> 6;
                    meaningful = window & 63;
                    if (meaningful == 0) meaningful = 64;
                    if (lead + meaningful > 64) ThrowBadWindow(i, lead, meaningful);
                }
                else if (meaningful == 0)
                {
                    throw Corrupt("value", $"reuses a bit window at point {i} before defining one");
                }
                bits ^= reader.ReadBitsWide(meaningful) << (64 - lead - meaningful);
            }
            dst[i] = BitConverter.Int64BitsToDouble((long)bits);
        }
        source = reader;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowBadWindow(int index, int lead, int meaningful) =>
        throw Corrupt("value", $"has an impossible bit window ({lead} leading zeros + {meaningful} bits) at point {index}");
}
