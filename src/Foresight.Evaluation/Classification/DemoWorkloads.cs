using Foresight.Classification;
using Foresight.Evaluation.Demo;

namespace Foresight.Evaluation.Classification;

/// <summary>A demo service's metrics, ready for <see cref="WorkloadClassifier.TryClassify"/>.</summary>
/// <param name="Service">The service name.</param>
/// <param name="Label">The class the demo fleet labels it with (its <c>kind</c>).</param>
/// <param name="Metrics">Its series over the requested window.</param>
public sealed record DemoWorkload(string Service, string Label, WorkloadMetrics Metrics);

/// <summary>Turns the demo fleet's series (<see cref="DemoFleet"/>: requests, CPU, memory, p95 latency at 15-s steps) into <see cref="WorkloadMetrics"/>, one per service.</summary>
public static class DemoWorkloads
{
    /// <summary>The metrics of every demo service over [<paramref name="fromMs"/>, <paramref name="toMs"/>).</summary>
    public static IReadOnlyList<DemoWorkload> FromDemoFleet(DemoFleet fleet, long fromMs, long toMs)
    {
        var writes = fleet.Generate(fromMs, toMs);
        var workloads = new List<DemoWorkload>();
        foreach (var service in DemoFleet.Services)
        {
            var series = writes.Where(w => w.Labels.Get("service") == service.Name)
                .ToDictionary(w => w.Metric, w => w.Points.Select(p => p.Value).ToArray());
            var first = writes.First(w => w.Labels.Get("service") == service.Name).Points[0].Timestamp;
            if (!WorkloadMetrics.TryFromNamedSeries(series, DemoFleet.Interval, DateTimeOffset.FromUnixTimeMilliseconds(first), out var metrics, out var error))
                throw new InvalidOperationException($"demo service {service.Name}: {error}");
            workloads.Add(new DemoWorkload(service.Name, service.Kind, metrics));
        }
        return workloads;
    }
}
