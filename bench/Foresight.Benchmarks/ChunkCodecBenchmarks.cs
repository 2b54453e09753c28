using BenchmarkDotNet.Attributes;
using Foresight.Series;
using Foresight.Series.Chunks;

namespace Foresight.Benchmarks;

/// <summary>
/// Encode and decode of one 240-point chunk (an hour at a 15 s scrape interval), the store's
/// default chunk. Points/s = 240 / reported time; bytes/point is printed during setup.
/// </summary>
[MemoryDiagnoser]
public class ChunkCodecBenchmarks
{
    private const int N = 240;
    private long[] _timestamps = [];
    private double[] _values = [];
    private byte[] _chunk = [];
    private readonly long[] _tsOut = new long[N];
    private readonly double[] _valuesOut = new double[N];
    private readonly List<Point> _points = new(N);

    /// <summary>
    /// Telemetry: regular 15 s timestamps, a CPU-like gauge rounded to 2 decimals (decimal encoding).
    /// Jittered: timestamps ±40 ms around the 15 s grid, full-precision doubles (XOR encoding).
    /// </summary>
    [Params("Telemetry", "Jittered")]
    public string Series { get; set; } = "Telemetry";

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        _timestamps = new long[N];
        _values = new double[N];
        for (var i = 0; i < N; i++)
        {
            var jitter = Series == "Jittered" ? rng.Next(-40, 41) : 0;
            _timestamps[i] = 1_700_000_000_000 + i * 15_000L + jitter;
            var v = 50 + 20 * Math.Sin(i / 30.0) + (rng.NextDouble() - 0.5) * 4;
            _values[i] = Series == "Jittered" ? v : Math.Round(v, 2);
        }
        _chunk = ChunkCodec.Encode(_timestamps, _values);
        Console.WriteLine($"// {Series}: {_chunk.Length} bytes for {N} points = {(double)_chunk.Length / N:F2} bytes/point");
    }

    [Benchmark]
    public byte[] Encode() => ChunkCodec.Encode(_timestamps, _values);

    [Benchmark]
    public int Decode() => ChunkCodec.Decode(_chunk, _tsOut, _valuesOut);

    [Benchmark]
    public int DecodeInto()
    {
        _points.Clear();
        ChunkCodec.DecodeInto(_chunk, _points, long.MinValue, long.MaxValue);
        return _points.Count;
    }
}
