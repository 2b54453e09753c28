using System.Diagnostics;
using Foresight.Detection;
using Foresight.Detection.State;

namespace Foresight.Benchmarks;

/// <summary>
/// <c>--detector-memory [--series N] [--points P] [--step-seconds S]</c>: the managed memory one series' default detector
/// holds. Builds N detectors of each kind, feeds each P points of a realistic signal (a daily cycle plus a slower weekly
/// one, Gaussian noise and an occasional spike, at an S-second step: 300 by default, a 5-minute scrape, where the daily
/// period of 288 steps makes the seasonal members keep their per-phase state; at 15 s a day is 5,760 steps, past the
/// seasonal members' MaxPeriod of 1,440, so they keep none), and prints GC.GetTotalMemory(true) after minus before, divided
/// by N: for the whole ensemble (<see cref="Detectors.Create"/> <c>ensemble</c>), for each member wrapped in
/// <see cref="AnomalyLikelihood"/> with the options the ensemble gives it, and for each member alone with its own defaults; then the mean snapshot size
/// (<see cref="DetectorSnapshot.Save"/>) of the ensemble and what its detectors hold once restored from those snapshots
/// (as after a restart). Memory is measured after construction too, so eager
/// allocations show; one detector of each kind is built and fed before, so what all series share (FFT tables, the
/// context members' layout, per-thread buffers) is not counted per series. Deterministic (seeded), single-threaded; a noisy machine changes the time, not the bytes.
/// </summary>
internal static class DetectorMemory
{
    public const string Usage = "--detector-memory [--series N (1000)] [--points P (3000)] [--step-seconds S (300)]";

    public static int Run(string[] args)
    {
        int series = 1000, points = 3000, stepSeconds = 300;
        if (!MemoryBenchArgs.TryParse(args, Usage, ref series, ref points, ref stepSeconds)) return 2;

        var ensemble = new EnsembleOptions();
        var likelihood = ensemble.Likelihood;
        (string Name, Func<IStreamingDetector> Create)[] kinds =
        [
            ("ensemble", () => Detectors.Create("ensemble")),
            ("zscore (in likelihood)", () => new AnomalyLikelihood(new SeasonalRobustZScore(), likelihood)),
            ("sr (in likelihood)", () => new AnomalyLikelihood(new SpectralResidual(), likelihood)),
            ("context (in likelihood)", () => new AnomalyLikelihood(new ContextNovelty(new() { MaxEntries = ensemble.ContextMaxEntries }), likelihood)),
            ("context-values (in likelihood)",
                () => new AnomalyLikelihood(new ContextNovelty(new() { Differences = false, MaxEntries = ensemble.ContextMaxEntries }), likelihood)),
            ("forecast (in likelihood)", () => new AnomalyLikelihood(new ForecastResidual(), likelihood)),
            ("zscore alone", () => new SeasonalRobustZScore()),
            ("sr alone", () => new SpectralResidual()),
            ("context alone", () => new ContextNovelty()),
            ("context-values alone", () => new ContextNovelty(new() { Differences = false })),
            ("forecast alone", () => new ForecastResidual()),
        ];
        Console.WriteLine($"{series:N0} series x {points:N0} points at a {stepSeconds} s step; bytes per series (managed heap)");
        Console.WriteLine($"{"detector",-32} {"constructed",12} {"fed",12} {"seconds",8}");
        var signal = Generate(series, points, stepSeconds);
        foreach (var (name, create) in kinds)
        {
            var sw = Stopwatch.StartNew();
            var (constructed, fed, snapshot, restored) = Measure(create, series, signal);
            Console.WriteLine($"{name,-32} {constructed,12:N0} {fed,12:N0} {sw.Elapsed.TotalSeconds,8:0.0}");
            if (snapshot > 0) Console.WriteLine($"{"  snapshot of the ensemble",-32} {"",12} {snapshot,12:N0}");
            if (restored > 0) Console.WriteLine($"{"  the ensemble restored from it",-32} {"",12} {restored,12:N0}");
        }
        return 0;
    }

    private static (long Constructed, long Fed, long Snapshot, long Restored) Measure(Func<IStreamingDetector> create, int series, Signal signal)
    {
        var detectors = new IStreamingDetector[series];
        // One detector first, so tables shared by every series (transforms, context layouts, per-thread buffers) are
        // built before the measurement rather than charged to the N series.
        var first = create();
        for (var i = 0; i < signal.Timestamps.Length; i++) first.Update(signal.Timestamps[i], signal.Values[0][i]);
        GC.KeepAlive(first);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var s = 0; s < series; s++) detectors[s] = create();
        var constructed = (GC.GetTotalMemory(forceFullCollection: true) - before) / series;
        for (var s = 0; s < series; s++)
        {
            var values = signal.Values[s];
            for (var i = 0; i < values.Length; i++) detectors[s].Update(signal.Timestamps[i], values[i]);
        }
        var fed = (GC.GetTotalMemory(forceFullCollection: true) - before) / series;
        long snapshot = 0, restored = 0;
        if (detectors[0] is Ensemble)
        {
            var sampled = Math.Min(series, 100);
            for (var s = 0; s < sampled; s++) snapshot += DetectorSnapshot.Save((IRestorableState)detectors[s]).Length;
            snapshot /= sampled;
            // What a restart holds: every detector restored from its snapshot (the fed ones dropped first).
            var snapshots = detectors.Select(d => DetectorSnapshot.Save((IRestorableState)d)).ToArray();
            Array.Clear(detectors);
            var beforeRestore = GC.GetTotalMemory(forceFullCollection: true);
            for (var s = 0; s < series; s++)
            {
                detectors[s] = create();
                if (!DetectorSnapshot.TryRestore(snapshots[s], (IRestorableState)detectors[s], out var error)) throw new InvalidOperationException(error);
            }
            restored = (GC.GetTotalMemory(forceFullCollection: true) - beforeRestore) / series;
        }
        GC.KeepAlive(detectors);
        return (constructed, fed, snapshot, restored);
    }

    private sealed record Signal(long[] Timestamps, double[][] Values);

    /// <summary>
    /// Per series: a level and amplitude of its own, a daily sine, a weekly one at a fifth of its amplitude, Gaussian
    /// noise at a tenth, values rounded to 3 decimals as exporters print them, and a spike of 5 amplitudes every ~1,000 points.
    /// </summary>
    private static Signal Generate(int series, int points, int stepSeconds)
    {
        var start = 1_700_000_000_000L / 86_400_000 * 86_400_000;
        var timestamps = new long[points];
        for (var i = 0; i < points; i++) timestamps[i] = start + (long)i * stepSeconds * 1000;
        var values = new double[series][];
        var random = new Random(18);
        for (var s = 0; s < series; s++)
        {
            var level = 10 + random.NextDouble() * 1000;
            var amplitude = level * (0.05 + 0.3 * random.NextDouble());
            var v = values[s] = new double[points];
            for (var i = 0; i < points; i++)
            {
                var day = 2 * Math.PI * (timestamps[i] % 86_400_000) / 86_400_000.0;
                var week = 2 * Math.PI * (timestamps[i] % 604_800_000) / 604_800_000.0;
                var noise = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                var spike = random.Next(1000) == 0 ? 5 * amplitude : 0;
                v[i] = Math.Round(level + amplitude * (Math.Sin(day) + 0.2 * Math.Sin(week) + 0.1 * noise) + spike, 3);
            }
        }
        return new Signal(timestamps, values);
    }
}
