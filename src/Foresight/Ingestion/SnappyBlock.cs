using System.Buffers.Binary;

namespace Foresight.Ingestion;

/// <summary>
/// Decompresses the snappy block format (https://github.com/google/snappy/blob/main/format_description.txt)
/// into a caller-provided span. IronSnappy only decodes into a new array, which for a typical
/// remote-write body lands on the large-object heap on every request; this lets the decoder use a
/// pooled buffer instead. Every malformed input returns false; nothing throws.
/// </summary>
internal static class SnappyBlock
{
    /// <summary>Reads the decoded length from the block's varint preamble.</summary>
    public static bool TryGetDecodedLength(ReadOnlySpan<byte> source, out int length, out int headerSize)
    {
        length = 0;
        headerSize = 0;
        ulong value = 0;
        for (var shift = 0; headerSize < source.Length && shift < 35; shift += 7)
        {
            var b = source[headerSize++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                if (value > int.MaxValue) return false;
                length = (int)value;
                return true;
            }
        }
        return false;
    }

    /// <summary>Decodes the elements after the preamble into exactly <paramref name="destination"/>.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        var s = 0;
        var d = 0;
        while (s < source.Length)
        {
            var tag = source[s++];
            int length;
            switch (tag & 3)
            {
                case 0:
                    length = tag >> 2;
                    if (length >= 60)
                    {
                        var extra = length - 59; // 1..4 little-endian length bytes
                        if (source.Length - s < extra) return false;
                        uint value = 0;
                        for (var i = 0; i < extra; i++) value |= (uint)source[s + i] << (8 * i);
                        s += extra;
                        if (value >= int.MaxValue) return false;
                        length = (int)value;
                    }
                    length++;
                    if (source.Length - s < length || destination.Length - d < length) return false;
                    source.Slice(s, length).CopyTo(destination[d..]);
                    s += length;
                    d += length;
                    continue;
                case 1:
                    if (s >= source.Length) return false;
                    length = 4 + ((tag >> 2) & 7);
                    if (!TryCopy(destination, ref d, ((tag & 0xE0) << 3) | source[s++], length)) return false;
                    continue;
                case 2:
                    if (source.Length - s < 2) return false;
                    length = 1 + (tag >> 2);
                    if (!TryCopy(destination, ref d, BinaryPrimitives.ReadUInt16LittleEndian(source[s..]), length)) return false;
                    s += 2;
                    continue;
                default:
                    if (source.Length - s < 4) return false;
                    length = 1 + (tag >> 2);
                    var offset = BinaryPrimitives.ReadUInt32LittleEndian(source[s..]);
                    if (offset > int.MaxValue || !TryCopy(destination, ref d, (int)offset, length)) return false;
                    s += 4;
                    continue;
            }
        }
        return d == destination.Length;
    }

    private static bool TryCopy(Span<byte> destination, ref int d, int offset, int length)
    {
        if (offset <= 0 || offset > d || destination.Length - d < length) return false;
        if (offset >= length)
        {
            destination.Slice(d - offset, length).CopyTo(destination[d..]);
        }
        else
        {
            // Overlapping copy: a run that repeats the last `offset` bytes.
            for (var i = 0; i < length; i++) destination[d + i] = destination[d - offset + i];
        }
        d += length;
        return true;
    }
}
