using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace Foresight.Series.Chunks;

/// <summary>
/// Encodes up to 65,535 points of one series into a compact, self-describing byte chunk and
/// decodes it again bit-exactly. This is the storage format of sealed chunks in the store.
/// </summary>
/// <remarks>
/// <para>
/// Layout (format version 1): a byte-aligned header (version, value encoding, point count, first
/// timestamp, length of the timestamp section, and the decimal scale when used), then a
/// timestamp bit section, then a value bit section. Integers in the header are LEB128 varints;
/// the first timestamp is zigzag-encoded so negative times stay short.
/// </para>
/// <para>
/// Timestamps use the delta-of-delta scheme of Gorilla (T. Pelkonen et al., "Gorilla: A Fast,
/// Scalable, In-Memory Time Series Database", PVLDB 8(12), 2015, §4.1.1), with bucket widths
/// chosen for millisecond timestamps as Prometheus' chunkenc does: a zigzag delta-of-delta d is
/// written as <c>0</c> (d = 0), <c>10</c>+14 bits, <c>110</c>+17 bits, <c>1110</c>+20 bits, or
/// <c>11110</c>+64 bits. One extension: <c>11111</c>+16 bits is a run of that many zero
/// delta-of-deltas, so a regular series costs a few bytes per chunk instead of a bit per point.
/// </para>
/// <para>
/// Values use whichever of two encodings is smaller for the chunk:
/// <list type="bullet">
/// <item><description><b>XOR</b> (Gorilla §4.1.2): the first value's 64 bits, then per value
/// <c>0</c> when it repeats, <c>10</c> + the XOR's meaningful bits inside the previous
/// leading/trailing-zero window, or <c>11</c> + 5 bits of leading zeros + 6 bits of meaningful
/// length + the meaningful bits. Every double, including NaN payloads such as Prometheus'
/// staleness marker <c>0x7ff0000000000002</c>, round-trips bit for bit.</description></item>
/// <item><description><b>Decimal</b> (the decimal scaling idea of VictoriaMetrics): when every
/// value v is finite and equals <c>round(v·10^k)/10^k</c> exactly for one k in 0..9 with
/// |v·10^k| &lt; 2^53, the smallest such k is stored and the integers m = v·10^k are written as
/// zigzag delta-of-deltas: <c>0</c>, <c>10</c>+7, <c>110</c>+12, <c>1110</c>+20, <c>11110</c>+32,
/// <c>111110</c>+64 bits, or <c>111111</c>+16 bits for a run of zeros. Decoding computes
/// <c>m / 10^k</c>, which the encoder has checked reproduces each value's bits. Rounded telemetry
/// (integer counters, percentages with two decimals) shrinks far below XOR.</description></item>
/// </list>
/// </para>
/// <para>
/// Decoding never trusts the input: a truncated or damaged chunk throws
/// <see cref="InvalidDataException"/> naming the problem (never an index exception, never a
/// loop beyond the stored count), and <see cref="TryValidate"/> reports the same as a value.
/// </para>
/// </remarks>
public static partial class ChunkCodec
{
    /// <summary>The most points one chunk holds.</summary>
    public const int MaxPoints = ChunkHeader.MaxPoints;

    /// <summary>
    /// Encodes points into a new chunk, choosing the smaller of the XOR and decimal value encodings.
    /// </summary>
    /// <param name="timestamps">1..65,535 Unix-millisecond timestamps, strictly increasing (any
    /// <see cref="long"/> range, including negative times).</param>
    /// <param name="values">One value per timestamp; any double, NaN and infinities included.</param>
    /// <returns>The chunk, sized exactly.</returns>
    /// <exception cref="ArgumentException">Lengths differ, the count is outside 1..65,535, or the
    /// timestamps are not strictly increasing.</exception>
    public static byte[] Encode(ReadOnlySpan<long> timestamps, ReadOnlySpan<double> values) =>
        EncodeWith(timestamps, values, force: null);

    /// <summary>Encodes with a forced value encoding (tests compare the two on the same data).</summary>
    internal static byte[] EncodeWith(ReadOnlySpan<long> timestamps, ReadOnlySpan<double> values, ChunkValueEncoding? force)
    {
        if (timestamps.Length != values.Length)
        {
            throw new ArgumentException(
                $"timestamps ({timestamps.Length}) and values ({values.Length}) must have the same length.", nameof(values));
        }
        var n = timestamps.Length;
        if (n is 0 or > MaxPoints)
        {
            throw new ArgumentException($"A chunk holds 1..{MaxPoints} points, not {n}.", nameof(timestamps));
        }

        var tsSize = BitWriter.BufferSize((n - 1) * 69L);
        var xorSize = force == ChunkValueEncoding.Decimal ? 0 : BitWriter.BufferSize(64 + (n - 1) * 77L);
        var decSize = force == ChunkValueEncoding.Xor ? 0 : BitWriter.BufferSize(n * 70L);
        var bytes = ArrayPool<byte>.Shared.Rent(tsSize + xorSize + decSize);
        var scaled = ArrayPool<long>.Shared.Rent(n);
        try
        {
            var tsSection = bytes.AsSpan(0, tsSize);
            var tsLength = EncodeTimestamps(timestamps, tsSection);

            var scale = force == ChunkValueEncoding.Xor ? -1 : FindDecimalScale(values, scaled.AsSpan(0, n));
            if (force == ChunkValueEncoding.Decimal && scale < 0)
            {
                throw new ArgumentException("The values have no exact decimal scale 0..9.", nameof(values));
            }
            var decSection = bytes.AsSpan(tsSize + xorSize, decSize);
            var decLength = scale < 0 ? int.MaxValue : EncodeDecimal(scaled.AsSpan(0, n), decSection);
            var xorSection = bytes.AsSpan(tsSize, xorSize);
            var xorLength = force == ChunkValueEncoding.Decimal ? int.MaxValue : EncodeXor(values, xorSection);

            var useDecimal = decLength < xorLength;
            var header = new ChunkHeader
            {
                Encoding = useDecimal ? ChunkValueEncoding.Decimal : ChunkValueEncoding.Xor,
                Count = n,
                FirstTimestamp = timestamps[0],
                TimestampBytes = tsLength,
                Scale = useDecimal ? scale : 0,
            };
            Span<byte> head = stackalloc byte[ChunkHeader.MaxLength];
            var headLength = header.Write(head);
            var valueSection = useDecimal ? decSection[..decLength] : xorSection[..xorLength];

            var chunk = new byte[headLength + tsLength + valueSection.Length];
            head[..headLength].CopyTo(chunk);
            tsSection[..tsLength].CopyTo(chunk.AsSpan(headLength));
            valueSection.CopyTo(chunk.AsSpan(headLength + tsLength));
            return chunk;
        }
        finally
        {
            ArrayPool<long>.Shared.Return(scaled);
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>The number of points in a chunk, read from its header.</summary>
    /// <exception cref="InvalidDataException">The header is truncated, of an unknown version, or damaged.</exception>
    public static int Count(ReadOnlySpan<byte> chunk) => ChunkHeader.ReadCount(chunk, out _, out _);

    /// <summary>
    /// Decodes a whole chunk and checks it end to end (every point decoded, no bytes left over).
    /// </summary>
    /// <param name="chunk">A chunk from <see cref="Encode"/>.</param>
    /// <param name="timestamps">Receives the timestamps; must hold at least <see cref="Count"/> elements.</param>
    /// <param name="values">Receives the values; must hold at least <see cref="Count"/> elements.</param>
    /// <returns>The number of points written.</returns>
    /// <exception cref="InvalidDataException">The chunk is truncated or corrupt.</exception>
    /// <exception cref="ArgumentException">A destination is shorter than the chunk's count.</exception>
    public static int Decode(ReadOnlySpan<byte> chunk, Span<long> timestamps, Span<double> values)
    {
        var header = ChunkHeader.Read(chunk);
        var n = header.Count;
        if (timestamps.Length < n || values.Length < n)
        {
            throw new ArgumentException(
                $"The chunk holds {n} points but the destinations hold {timestamps.Length} timestamps and {values.Length} values.");
        }

        var tsReader = new BitReader(chunk.Slice(header.Length, header.TimestampBytes), "timestamp");
        DecodeTimestamps(ref tsReader, header.FirstTimestamp, n, timestamps, long.MaxValue);
        tsReader.EnsureExhausted();

        var valueReader = new BitReader(chunk[(header.Length + header.TimestampBytes)..], "value");
        DecodeValues(ref valueReader, header, values[..n]);
        valueReader.EnsureExhausted();
        return n;
    }

    /// <summary>
    /// Appends the points with <paramref name="from"/> ≤ timestamp &lt; <paramref name="to"/> to
    /// <paramref name="into"/>, in timestamp order. Decoding stops at the first timestamp at or
    /// after <paramref name="to"/>, so a range near the chunk's start costs only that prefix.
    /// </summary>
    /// <exception cref="InvalidDataException">The decoded part of the chunk is truncated or corrupt.</exception>
    public static void DecodeInto(ReadOnlySpan<byte> chunk, List<Point> into, long from, long to)
    {
        ArgumentNullException.ThrowIfNull(into);
        var header = ChunkHeader.Read(chunk);
        if (from >= to || header.FirstTimestamp >= to) return;

        var n = header.Count;
        var timestamps = ArrayPool<long>.Shared.Rent(n);
        var values = ArrayPool<double>.Shared.Rent(n);
        try
        {
            var tsReader = new BitReader(chunk.Slice(header.Length, header.TimestampBytes), "timestamp");
            var end = DecodeTimestamps(ref tsReader, header.FirstTimestamp, n, timestamps, to - 1);
            var start = 0;
            if (from > header.FirstTimestamp)
            {
                start = timestamps.AsSpan(0, end).BinarySearch(from);
                if (start < 0) start = ~start;
            }
            if (start >= end) return;

            var valueReader = new BitReader(chunk[(header.Length + header.TimestampBytes)..], "value");
            DecodeValues(ref valueReader, header, values.AsSpan(0, end));
            var offset = into.Count;
            CollectionsMarshal.SetCount(into, offset + end - start);
            var dst = CollectionsMarshal.AsSpan(into)[offset..];
            for (var i = start; i < end; i++) dst[i - start] = new Point(timestamps[i], values[i]);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(values);
            ArrayPool<long>.Shared.Return(timestamps);
        }
    }

    /// <summary>
    /// Checks a chunk by decoding it completely; on failure <paramref name="error"/> says what is
    /// wrong (the message <see cref="Decode"/> would throw).
    /// </summary>
    public static bool TryValidate(ReadOnlySpan<byte> chunk, [NotNullWhen(false)] out string? error)
    {
        try
        {
            var n = Count(chunk);
            var timestamps = ArrayPool<long>.Shared.Rent(n);
            var values = ArrayPool<double>.Shared.Rent(n);
            try
            {
                Decode(chunk, timestamps, values);
            }
            finally
            {
                ArrayPool<double>.Shared.Return(values);
                ArrayPool<long>.Shared.Return(timestamps);
            }
            error = null;
            return true;
        }
        catch (InvalidDataException e)
        {
            error = e.Message;
            return false;
        }
    }

    private static void DecodeValues(ref BitReader reader, in ChunkHeader header, Span<double> values)
    {
        if (header.Encoding == ChunkValueEncoding.Decimal) DecodeDecimal(ref reader, header.Scale, header.Count, values);
        else DecodeXor(ref reader, values);
    }

    internal static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    internal static long UnZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);

    private static InvalidDataException Corrupt(string section, string problem) =>
        new($"Corrupt chunk: the {section} section {problem}.");
}
