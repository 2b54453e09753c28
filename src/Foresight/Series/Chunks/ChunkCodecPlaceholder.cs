using System.Runtime.InteropServices;

namespace Foresight.Series.Chunks;

// TEMPORARY raw codec so the store compiles until the Gorilla codec branch lands; replaced on merge.
internal static class ChunkCodec
{
    public static byte[] Encode(ReadOnlySpan<long> timestamps, ReadOnlySpan<double> values)
    {
        var data = new byte[4 + timestamps.Length * 16];
        BitConverter.TryWriteBytes(data, timestamps.Length);
        MemoryMarshal.AsBytes(timestamps).CopyTo(data.AsSpan(4));
        MemoryMarshal.AsBytes(values).CopyTo(data.AsSpan(4 + timestamps.Length * 8));
        return data;
    }

    public static int Count(ReadOnlySpan<byte> chunk) => BitConverter.ToInt32(chunk);

    public static void DecodeInto(ReadOnlySpan<byte> chunk, List<Point> into, long from, long to)
    {
        var n = Count(chunk);
        var ts = MemoryMarshal.Cast<byte, long>(chunk.Slice(4, n * 8));
        var vs = MemoryMarshal.Cast<byte, double>(chunk.Slice(4 + n * 8, n * 8));
        for (var i = 0; i < n; i++)
        {
            if (ts[i] >= to) break;
            if (ts[i] >= from) into.Add(new Point(ts[i], vs[i]));
        }
    }

    public static int Decode(ReadOnlySpan<byte> chunk, Span<long> timestamps, Span<double> values)
    {
        var n = Count(chunk);
        MemoryMarshal.Cast<byte, long>(chunk.Slice(4, n * 8)).CopyTo(timestamps);
        MemoryMarshal.Cast<byte, double>(chunk.Slice(4 + n * 8, n * 8)).CopyTo(values);
        return n;
    }
}
