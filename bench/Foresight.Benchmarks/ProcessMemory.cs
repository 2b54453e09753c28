using System.Diagnostics;

namespace Foresight.Benchmarks;

/// <summary>A process' resident memory, <c>VmRSS</c> from <c>/proc/PID/status</c> (Linux), in MB (10^6 bytes).</summary>
internal static class ProcessMemory
{
    /// <summary>The resident memory of <paramref name="pid"/>, or null when the process is gone or the file is unreadable.</summary>
    public static double? RssMb(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (!line.StartsWith("VmRSS:", StringComparison.Ordinal)) continue;
                var kb = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0]);
                return kb * 1024 / 1e6;
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }
}

/// <summary>Samples a process' resident memory every interval in the background, with the time since it started.</summary>
internal sealed class RssSampler : IAsyncDisposable
{
    private readonly int _pid;
    private readonly List<(double Seconds, double Mb)> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Task _loop;

    private readonly double _limitMb;
    private readonly Action? _onLimit;

    /// <summary>Samples <paramref name="pid"/>; when a sample passes <paramref name="limitMb"/>, <paramref name="onLimit"/> runs (once).</summary>
    public RssSampler(int pid, TimeSpan interval, int? limitMb = null, Action? onLimit = null)
    {
        _pid = pid;
        _limitMb = limitMb ?? double.PositiveInfinity;
        _onLimit = onLimit;
        _loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(interval);
            try
            {
                do Sample();
                while (await timer.WaitForNextTickAsync(_stop.Token));
            }
            catch (OperationCanceledException) { }
        });
    }

    public double Seconds => _clock.Elapsed.TotalSeconds;

    /// <summary>When (seconds since the sampler started) and at what size the memory first passed the limit.</summary>
    public (double Seconds, double Mb)? LimitPassedAt { get; private set; }

    /// <summary>Takes a sample now and returns it.</summary>
    public double? Sample()
    {
        var mb = ProcessMemory.RssMb(_pid);
        if (mb is { } v) lock (_samples) _samples.Add((_clock.Elapsed.TotalSeconds, v));
        if (mb > _limitMb && LimitPassedAt is null)
        {
            LimitPassedAt = (_clock.Elapsed.TotalSeconds, mb.Value);
            _onLimit?.Invoke();
        }
        return mb;
    }

    public IReadOnlyList<(double Seconds, double Mb)> Samples
    {
        get { lock (_samples) return [.. _samples]; }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}

/// <summary>Latencies in milliseconds, from any thread; percentiles by the nearest-rank method.</summary>
internal sealed class LatencyRecorder
{
    private List<double> _values = [];
    private readonly Lock _lock = new();

    public void Add(double ms)
    {
        lock (_lock) _values.Add(ms);
    }

    /// <summary>Everything recorded since the last call, sorted (the recorder starts empty again).</summary>
    public List<double> TakeSorted()
    {
        List<double> taken;
        lock (_lock) (taken, _values) = (_values, []);
        taken.Sort();
        return taken;
    }

    /// <summary>The nearest-rank percentile <paramref name="p"/> (0..1) of sorted values; NaN when empty.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
