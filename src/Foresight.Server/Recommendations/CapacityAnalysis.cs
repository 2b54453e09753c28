using Foresight.Capacity;
using Foresight.Classification;
using Foresight.Server.Scaling;

namespace Foresight.Server.Recommendations;

/// <summary>Latency at one load from the fitted model, each with its interval.</summary>
public sealed record LatencyPoint(double Load, LatencyEstimate P95, LatencyEstimate P99);

/// <summary>What the latency objective allows.</summary>
/// <param name="Objective">The objective in seconds.</param>
/// <param name="Quantile">The quantile it is for.</param>
/// <param name="MaxLoad">Highest load that keeps the quantile within the objective, or null with <paramref name="Error"/>.</param>
/// <param name="Headroom">How much more than the recent peak fits (0.4 = 40%), or null.</param>
/// <param name="BreachAt">When the peak, growing as it has week over week, first exceeds <paramref name="MaxLoad"/>; null when it does not within two years or growth is unknown.</param>
/// <param name="ReplicasAtLoad">Copies of the measured unit needed to hold the objective at <see cref="CapacityReport.AskedLoad"/>, or null.</param>
/// <param name="Error">Why an answer is missing (with <paramref name="MaxLoad"/> set, why <paramref name="ReplicasAtLoad"/> is), or null.</param>
public sealed record SloAnswer(double Objective, double Quantile, double? MaxLoad, double? Headroom, long? BreachAt, int? ReplicasAtLoad, string? Error);

/// <summary>Latency against load for one workload, and what that means for its objective.</summary>
/// <param name="Workload">The workload.</param>
/// <param name="Class">Its class, or null (see <paramref name="ClassWaiting"/>).</param>
/// <param name="ClassWaiting">Why there is no class, or null.</param>
/// <param name="CurrentLoad">Mean request rate of the last 5 minutes, or NaN.</param>
/// <param name="PeakLoad">The typical daily peak: median over the last 7 days of each day's highest 5-minute request rate (one surge does not set it), or NaN.</param>
/// <param name="GrowthPerWeek">Median week-over-week growth of daily peaks (0.02 = 2%), or null with less than 8 days.</param>
/// <param name="AskedLoad">The load the replica answer is for: the caller's, else the recent peak.</param>
/// <param name="Model">The fitted queue, or null (see <paramref name="ModelWaiting"/>).</param>
/// <param name="ModelWaiting">Why there is no model, or null.</param>
/// <param name="Observations">Load bins the model was fitted to.</param>
/// <param name="Curve">Predicted p95 and p99 from low load to 95% of saturation.</param>
/// <param name="Slo">The objective's answers, or null when the workload has none.</param>
public sealed record CapacityReport(string Workload, WorkloadClassification? Class, string? ClassWaiting, double CurrentLoad, double PeakLoad,
    double? GrowthPerWeek, double AskedLoad, LatencyModel? Model, string? ModelWaiting, IReadOnlyList<LatencyObservation> Observations,
    IReadOnlyList<LatencyPoint> Curve, SloAnswer? Slo);

/// <summary>
/// Latency against load for a workload from its stored request rate and latency series: 5-minute
/// (rate, latency) pairs are grouped into load bins (median rate and latency per bin, which keeps
/// incidents and noise from steering the fit), a <see cref="LatencyModel"/> (a G/G/c queue, see
/// <c>Foresight.Capacity</c>) is fitted to them, and the model answers the operator's questions: the
/// highest load that keeps the objective, the headroom above the recent peak, the replicas needed at a
/// load, and the date the objective breaks if the peak keeps growing as it has week over week.
/// </summary>
internal static class CapacityAnalysis
{
    /// <summary>Load bins the pairs are grouped into (fewer when there are few distinct loads).</summary>
    public const int Bins = 24;

    private const long Day = 86_400_000;

    public static CapacityReport Analyze(WorkloadHistory history, double? askedLoad, long now)
    {
        var spec = history.Spec;
        var (cls, classWaiting) = RecommendationService.Classify(history);
        var totals = history.DemandTotals(WorkloadHistory.AlignedStep);
        var current = totals.Count > 0 && totals[^1].Timestamp >= now - 2 * WorkloadHistory.AlignedStep ? totals[^1].Value : double.NaN;
        var recent = TypicalPeak(totals, now);
        var growth = WeeklyGrowth(totals);
        var load = askedLoad ?? recent;

        LatencyModel? model = null;
        string? waiting = null;
        var observations = new List<LatencyObservation>();
        if (spec.Latency is null) waiting = "set latency (a series selector of a latency quantile in seconds) to model latency against load";
        else if (spec.LatencyQuantile is not (0.95 or 0.99)) waiting = $"latency_quantile {spec.LatencyQuantile} is not supported by the latency model: use a p95 or p99 series";
        else
        {
            observations = Bin(history.LoadLatencyPairs(), spec.LatencyQuantile);
            if (!LatencyModel.TryFit(observations, out model, out var error, new LatencyFitOptions { BootstrapResamples = 20 })) waiting = error;
        }

        var curve = new List<LatencyPoint>();
        SloAnswer? slo = null;
        if (model is not null)
        {
            for (var i = 1; i <= 19; i++)
            {
                var p = model.Predict(model.SaturationLoad * i * 0.05);
                curve.Add(new LatencyPoint(p.ArrivalRate, p.P95, p.P99));
            }
        }
        if (spec.LatencySlo is { } objective)
        {
            var seconds = objective.TotalSeconds;
            if (model is null) slo = new SloAnswer(seconds, spec.SloQuantile, null, null, null, null, waiting);
            else if (!model.TryMaxLoad(seconds, out var max, out var error, spec.SloQuantile)) slo = new SloAnswer(seconds, spec.SloQuantile, null, null, null, null, error);
            else
            {
                double? headroom = recent > 0 ? max / recent - 1 : null;
                long? breach = null;
                if (growth is { } g && recent > 0 && model.TryBreach(recent, now, Math.Pow(1 + g, 1 / 7.0) - 1, seconds, out var b, out _, spec.SloQuantile)
                    && b!.BreachAt is { } at && at <= now + 730 * Day)
                {
                    breach = at;
                }
                int? replicas = null;
                string? replicasError = "there is no load to size replicas for (no recent request rate; pass load)";
                if (load >= 0 && model.TryReplicasFor(load, seconds, out var n, out replicasError, spec.SloQuantile)) (replicas, replicasError) = (n, null);
                slo = new SloAnswer(seconds, spec.SloQuantile, max, headroom, breach, replicas, replicasError);
            }
        }
        return new CapacityReport(spec.Name, cls, classWaiting, current, recent, growth, load, model, waiting, observations, curve, slo);
    }

    /// <summary>
    /// Pairs sorted by load and cut into up to <see cref="Bins"/> groups of equal count; each group is one
    /// observation at its median load with its median latency in the column <paramref name="quantile"/> names.
    /// </summary>
    public static List<LatencyObservation> Bin(List<(double Rate, double Latency)> pairs, double quantile)
    {
        var result = new List<LatencyObservation>();
        if (pairs.Count == 0) return result;
        pairs.Sort((a, b) => a.Rate.CompareTo(b.Rate));
        var bins = Math.Min(Bins, pairs.Count);
        for (var b = 0; b < bins; b++)
        {
            var from = b * pairs.Count / bins;
            var to = (b + 1) * pairs.Count / bins;
            if (to <= from) continue;
            var rate = Median(pairs.GetRange(from, to - from).Select(p => p.Rate));
            var latency = Median(pairs.GetRange(from, to - from).Select(p => p.Latency));
            if (!(rate > 0)) continue;
            result.Add(quantile == 0.99
                ? new LatencyObservation(rate, double.NaN, P99: latency)
                : new LatencyObservation(rate, double.NaN, P95: latency));
        }
        return result;
    }

    /// <summary>Median of the daily peaks (highest 5-minute total of each UTC day) of the last 7 days; NaN without data.</summary>
    public static double TypicalPeak(List<Foresight.Series.Point> totals, long now) =>
        Median(DailyPeaks(totals, now - 7 * Day).Values.Select(d => d.Peak));

    /// <summary>
    /// Median over days of (peak of day d) / (peak of day d − 7) − 1, comparing each day with the same weekday
    /// so the weekly cycle cancels; only (UTC) days with at least 90% of their 5-minute steps count. Null
    /// without two such days a week apart.
    /// </summary>
    public static double? WeeklyGrowth(List<Foresight.Series.Point> totals)
    {
        var peaks = DailyPeaks(totals, long.MinValue);
        var full = 0.9 * Day / WorkloadHistory.AlignedStep;
        var ratios = new List<double>();
        foreach (var (day, (peak, count)) in peaks)
        {
            if (count >= full && peaks.TryGetValue(day - 7 * Day, out var before) && before.Count >= full && before.Peak > 0 && peak > 0)
                ratios.Add(peak / before.Peak - 1);
        }
        return ratios.Count == 0 ? null : Median(ratios);
    }

    /// <summary>Per UTC day (its start, Unix ms), the highest total at or after <paramref name="from"/> and how many totals it had.</summary>
    private static SortedDictionary<long, (double Peak, int Count)> DailyPeaks(List<Foresight.Series.Point> totals, long from)
    {
        var peaks = new SortedDictionary<long, (double Peak, int Count)>();
        foreach (var p in totals)
        {
            if (p.Timestamp < from) continue;
            var day = p.Timestamp - ((p.Timestamp % Day) + Day) % Day;
            peaks[day] = peaks.TryGetValue(day, out var v) ? (Math.Max(v.Peak, p.Value), v.Count + 1) : (p.Value, 1);
        }
        return peaks;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
    }
}
