using System.Globalization;
using Foresight.Capacity;
using Foresight.Classification;
using Foresight.Server.Http;
using Foresight.Server.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Foresight.Server.Recommendations;

/// <summary>
/// <c>GET /api/v1/capacity/{workload}[?load=RPS]</c>: the workload's class, its latency against load (a
/// queueing model fitted to its request rate and latency series, with intervals), the saturation load,
/// and, with a latency objective, the highest load that keeps it, the headroom above the recent peak, the
/// replicas needed at a load, and when the objective breaks at the current week-over-week growth.
/// </summary>
public static class CapacityApi
{
    /// <summary><c>GET /api/v1/capacity/{workload}[?load=RPS]</c>: the workload's capacity report.</summary>
    internal static async Task<Results<Ok<CapacityResponse>, ProblemHttpResult>> Get(HttpContext context, RecommendationService service, string name, string? load)
    {
        double? asked = null;
        if (load is not null)
        {
            if (!double.TryParse(load, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value) || value < 0)
                return Problems.BadRequest("Invalid load", $"load: '{load}' is not a load (a request rate of 0 or more, e.g. 250)");
            asked = value;
        }
        var tenant = TenantResolution.TenantOf(context);
        var report = await Task.Run(() => service.CapacityAsync(tenant, name, asked), context.RequestAborted);
        return report is null
            ? Problems.NotFound($"There is no workload '{name}'. Create it with PUT /api/v1/workloads/{name} or in the config file's workloads section.")
            : TypedResults.Ok(CapacityResponse.From(report));
    }

    /// <summary>A value with its interval.</summary>
    public sealed record EstimateDto(double Value, double Lower, double Upper);

    /// <summary>Predicted p95 and p99 at one load.</summary>
    public sealed record CurvePointDto(double Load, EstimateDto? P95, EstimateDto? P99);

    /// <summary>The fitted queue: servers, mean service time, service-time variability (squared coefficient of variation), fixed overhead, saturation.</summary>
    public sealed record ModelDto(string Description, int Servers, double ServiceTimeSeconds, double ServiceScv, double OverheadSeconds,
        double SaturationLoad, double RootMeanSquareLogError, int Observations);

    /// <summary>The objective's answers; <c>error</c> says why one is missing.</summary>
    public sealed record SloDto(double ObjectiveSeconds, double Quantile, double? MaxLoad, double? Headroom, DateTimeOffset? BreachAt,
        int? ReplicasAtLoad, string? Error);

    /// <summary>The body of <c>GET /api/v1/capacity/{workload}</c>.</summary>
    public sealed record CapacityResponse(string Workload, RecommendationsApi.ClassDto? Class, string? ClassWaiting, double? CurrentLoad, double? PeakLoad,
        double? GrowthPerWeek, double? AskedLoad, ModelDto? Model, string? ModelWaiting, List<CurvePointDto> Curve, SloDto? Slo)
    {
        internal static CapacityResponse From(CapacityReport r)
        {
            ModelDto? model = null;
            if (r.Model is { } m)
            {
                var q = m.Queue;
                model = new ModelDto(m.ToString(), q.Servers, Round(1 / q.ServiceRate), Math.Round(q.ServiceScv, 4), Round(q.Overhead),
                    Math.Round(m.SaturationLoad, 3), Math.Round(m.RootMeanSquareLogError, 4), r.Observations.Count);
            }
            var slo = r.Slo is { } s
                ? new SloDto(s.Objective, s.Quantile, Finite(s.MaxLoad, 3), Finite(s.Headroom, 4),
                    s.BreachAt is { } at ? DateTimeOffset.FromUnixTimeMilliseconds(at) : null, s.ReplicasAtLoad, s.Error)
                : null;
            return new CapacityResponse(r.Workload,
                r.Class is { } c ? new RecommendationsApi.ClassDto(c.Class.Name(), Math.Round(c.Confidence, 4),
                    c.Reasons.Take(3).Select(f => new RecommendationsApi.FeatureDto(f.Feature, f.Value, f.TypicalLow, f.TypicalHigh)).ToList()) : null,
                r.ClassWaiting, Finite(r.CurrentLoad, 3), Finite(r.PeakLoad, 3), Finite(r.GrowthPerWeek, 4), Finite(r.AskedLoad, 3), model, r.ModelWaiting,
                r.Curve.Select(p => new CurvePointDto(Math.Round(p.Load, 3), Estimate(p.P95), Estimate(p.P99))).ToList(), slo);
        }

        private static EstimateDto? Estimate(LatencyEstimate e) =>
            double.IsFinite(e.Value) ? new EstimateDto(Round(e.Value), Round(e.Lower), Round(e.Upper)) : null;

        private static double Round(double seconds) => Math.Round(seconds, 6);

        private static double? Finite(double? value, int digits) => value is { } v && double.IsFinite(v) ? Math.Round(v, digits) : null;
    }
}
