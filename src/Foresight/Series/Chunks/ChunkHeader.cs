namespace Foresight.Series.Chunks;

/// <summary>How the values of a chunk are encoded (the chunk's second byte).</summary>
internal enum ChunkValueEncoding : byte
{
    /// <summary>Gorilla XOR of consecutive IEEE 754 bit patterns; handles every double bit-exactly.</summary>
    Xor = 1,

    /// <summary>Values scaled by 10^k to integers, stored as delta-of-delta.</summary>
    Decimal = 2,
}

/// <summary>
/// The byte-aligned front of a chunk:
/// <c>version(1 byte) · encoding(1 byte) · count(varint) · zigzag(first timestamp)(varint) ·
/// timestamp section length in bytes(varint) · [k (1 byte), decimal encoding only]</c>,
/// followed by the timestamp bit section and the value bit section, each padded to a byte.
/// </summary>
internal readonly struct ChunkHeader
{
    public const byte CurrentVersion = 1;
    public const int MaxPoints = 65535;
    public const int MaxScale = 9;
    public const int MaxLength = 2 + 3 + 10 + 5 + 1;

    public ChunkValueEncoding Encoding { get; init; }
    public int Count { get; init; }
    public long FirstTimestamp { get; init; }
    public int TimestampBytes { get; init; }
    public int Scale { get; init; }

    /// <summary>Bytes taken by the header itself; the timestamp section starts here.</summary>
    public int Length { get; init; }

    /// <summary>Writes the header; returns its length.</summary>
    public int Write(Span<byte> dst)
    {
        dst[0] = CurrentVersion;
        dst[1] = (byte)Encoding;
        var pos = 2;
        WriteVarint(dst, ref pos, (ulong)Count);
        WriteVarint(dst, ref pos, ChunkCodec.ZigZag(FirstTimestamp));
        WriteVarint(dst, ref pos, (ulong)TimestampBytes);
        if (Encoding == ChunkValueEncoding.Decimal) dst[pos++] = (byte)Scale;
        return pos;
    }

    /// <summary>Reads the version, encoding and count only (what <see cref="ChunkCodec.Count"/> needs).</summary>
    public static int ReadCount(ReadOnlySpan<byte> chunk, out ChunkValueEncoding encoding, out int pos)
    {
        if (chunk.Length < 3)
        {
            throw new InvalidDataException($"Corrupt chunk: {chunk.Length} bytes is shorter than any chunk header.");
        }
        if (chunk[0] != CurrentVersion)
        {
            throw new InvalidDataException(
                $"Chunk format version {chunk[0]} is not supported; this build reads version {CurrentVersion}.");
        }
        encoding = (ChunkValueEncoding)chunk[1];
        if (encoding is not (ChunkValueEncoding.Xor or ChunkValueEncoding.Decimal))
        {
            throw new InvalidDataException($"Corrupt chunk: unknown value encoding {chunk[1]}.");
        }
        pos = 2;
        var count = ReadVarint(chunk, ref pos, "point count");
        if (count is 0 or > MaxPoints)
        {
            throw new InvalidDataException($"Corrupt chunk: point count {count} is outside 1..{MaxPoints}.");
        }
        return (int)count;
    }

    /// <summary>Reads and checks the whole header.</summary>
    public static ChunkHeader Read(ReadOnlySpan<byte> chunk)
    {
        var count = ReadCount(chunk, out var encoding, out var pos);
        var first = ChunkCodec.UnZigZag(ReadVarint(chunk, ref pos, "first timestamp"));
        var tsBytes = ReadVarint(chunk, ref pos, "timestamp section length");
        var scale = 0;
        if (encoding == ChunkValueEncoding.Decimal)
        {
            if (pos >= chunk.Length) throw Truncated("decimal scale");
            scale = chunk[pos++];
            if (scale > MaxScale)
            {
                throw new InvalidDataException($"Corrupt chunk: decimal scale {scale} is outside 0..{MaxScale}.");
            }
        }
        if (tsBytes > (ulong)(chunk.Length - pos))
        {
            throw new InvalidDataException(
                $"Corrupt chunk: the timestamp section claims {tsBytes} bytes but only {chunk.Length - pos} remain (truncated?).");
        }
        return new ChunkHeader
        {
            Encoding = encoding, Count = count, FirstTimestamp = first,
            TimestampBytes = (int)tsBytes, Scale = scale, Length = pos,
        };
    }

    private static void WriteVarint(Span<byte> dst, ref int pos, ulong value)
    {
        while (value >= 0x80)
        {
            dst[pos++] = (byte)(value | 0x80);
            value >>= 7;
        }
        dst[pos++] = (byte)value;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> src, ref int pos, string field)
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (pos >= src.Length) throw Truncated(field);
            var b = src[pos++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                if (shift == 63 && b > 1) break;
                return result;
            }
        }
        throw new InvalidDataException($"Corrupt chunk: the {field} varint is longer than 64 bits.");
    }

    private static InvalidDataException Truncated(string field) =>
        new($"Corrupt chunk: the header ends inside the {field} (truncated data).");
}
