using System.Diagnostics;
using System.Text.Json;

namespace Foresight.Benchmarks;

/// <summary>
/// Read latency over the soak's series, measured after the load (the issue-18 bars: a series selector over 100,000
/// series in ≤ 50 ms p99, a warm forecast in ≤ 20 ms p99). One request at a time, so each figure is the server's
/// answer time, not queueing behind the client's own requests:
/// <list type="bullet">
/// <item>the whole listing, <c>GET /api/v1/series?match=fleet_load</c> (every series), a few times;</item>
/// <item>one series by label, <c>fleet_load{instance="..."}</c>, for random series;</item>
/// <item>one namespace, <c>fleet_load{namespace="ns-K"}</c> (1/40 of the series);</item>
/// <item>forecasts, <c>GET /api/v1/series/{id}/forecast</c>: each of 20 series asked once to warm the cache, then
/// again, measured.</item>
/// </list>
/// </summary>
internal static class QueryLatency
{
    public static async Task<QueryLatencyResult> MeasureAsync(HttpClient http, int count, CancellationToken cancellationToken)
    {
        var random = new Random(18);
        var listing = new List<double>();
        var ids = new List<(long Id, string Instance)>();
        for (var i = 0; i < 3; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            using var response = await http.GetAsync($"/api/v1/series?match={Uri.EscapeDataString(ScrapeLoad.Metric)}", cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            listing.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            if (i > 0 || !response.IsSuccessStatusCode) continue;
            using var doc = JsonDocument.Parse(body);
            foreach (var s in doc.RootElement.GetProperty("series").EnumerateArray())
            {
                if (s.GetProperty("labels").TryGetProperty("instance", out var instance)) ids.Add((s.GetProperty("id").GetInt64(), instance.GetString()!));
            }
        }
        if (ids.Count == 0) return new QueryLatencyResult(Stats(listing), null, null, null, "no series listed");

        var one = await TimeAsync(http, count, _ => $"/api/v1/series?match={Uri.EscapeDataString($"{ScrapeLoad.Metric}{{instance=\"{ids[random.Next(ids.Count)].Instance}\"}}")}", cancellationToken);
        var ns = await TimeAsync(http, count, i => $"/api/v1/series?match={Uri.EscapeDataString($"{ScrapeLoad.Metric}{{namespace=\"ns-{i % 40}\"}}")}", cancellationToken);
        var picked = Enumerable.Range(0, 20).Select(_ => ids[random.Next(ids.Count)].Id).ToArray();
        var warm = await TimeAsync(http, picked.Length, i => $"/api/v1/series/{picked[i]}/forecast", cancellationToken);
        var forecast = await TimeAsync(http, count, i => $"/api/v1/series/{picked[i % picked.Length]}/forecast", cancellationToken);
        var note = warm.Failures > 0 ? $"{warm.Failures} of {picked.Length} first forecasts failed ({warm.FirstError})" : null;
        return new QueryLatencyResult(Stats(listing), one, ns, forecast with { FirstCallP50Ms = warm.P50Ms }, note);
    }

    private static async Task<RequestStats> TimeAsync(HttpClient http, int count, Func<int, string> path, CancellationToken cancellationToken)
    {
        var ms = new List<double>(count);
        var failures = 0;
        string? firstError = null;
        for (var i = 0; i < count; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            using var response = await http.GetAsync(path(i), cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            ms.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            if (response.IsSuccessStatusCode) continue;
            failures++;
            firstError ??= $"{(int)response.StatusCode}: {(body.Length > 200 ? body[..200] : body)}";
        }
        return Stats(ms) with { Failures = failures, FirstError = firstError };
    }

    private static RequestStats Stats(List<double> ms)
    {
        ms.Sort();
        return new RequestStats(ms.Count, Math.Round(LatencyRecorder.Percentile(ms, 0.5), 2), Math.Round(LatencyRecorder.Percentile(ms, 0.99), 2),
            ms.Count == 0 ? double.NaN : Math.Round(ms[^1], 2), 0, null, null);
    }
}

/// <summary>Latencies (ms, nearest rank) of one kind of read; <c>FirstCallP50Ms</c> is the forecasts' cold first call.</summary>
internal sealed record RequestStats(int Requests, double P50Ms, double P99Ms, double MaxMs, int Failures, string? FirstError, double? FirstCallP50Ms);

/// <summary>The read latencies measured after the soak's load.</summary>
internal sealed record QueryLatencyResult(RequestStats Listing, RequestStats? OneSeries, RequestStats? OneNamespace, RequestStats? Forecast, string? Note);
