using Foresight.Detection.Incidents;
using Foresight.Ingestion;
using Foresight.Series;
using Foresight.Server.Forecasting;
using Foresight.Server.Http;
using Foresight.Server.Observability;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Foresight.Server.Scaling;

/// <summary>
/// Predictive scaling: the workloads (from the config file, the demo and the API, the API's kept in
/// <c>workloads.json</c>), each run by its own forecaster and policy (<see cref="ScalingService"/>), and the API
/// over workloads and decisions that KEDA polls (<see cref="ScalingApi"/>).
/// </summary>
public static class ScalingModule
{
    /// <summary>
    /// Adds the <see cref="ScalingService"/> with the <paramref name="configured"/> workloads and the API's, read from
    /// <c>workloads.json</c> in <paramref name="dataDirectory"/> (an error there throws <see cref="InvalidDataException"/>).
    /// </summary>
    public static IServiceCollection AddScaling(this IServiceCollection services, ScalingOptions options,
        IReadOnlyList<(string Tenant, WorkloadSource Source, WorkloadSpec Spec)> configured, string dataDirectory)
    {
        var file = new WorkloadFile(dataDirectory);
        var stored = file.Load();
        services.AddSingleton(sp => new ScalingService(sp.GetRequiredService<IIngestFeed>(), sp.GetRequiredService<ITimeSeriesStore>(), sp.GetRequiredService<IncidentTracker>(),
            sp.GetRequiredService<ForecasterService>(), sp.GetRequiredService<TimeProvider>(), options, sp.GetRequiredService<ServerMetrics>(), file, configured, stored,
            sp.GetRequiredService<ILogger<ScalingService>>()));
        services.AddHostedService(sp => sp.GetRequiredService<ScalingService>());
        return services;
    }

    /// <summary>
    /// Maps <c>GET/PUT/DELETE /api/v1/workloads/{name}</c>, <c>GET /api/v1/workloads</c>,
    /// <c>GET /api/v1/scaling</c>, <c>GET /api/v1/scaling/{workload}</c> and <c>GET /api/v1/scaling/{workload}/history</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapScalingApi(this IEndpointRouteBuilder app)
    {
        // Under /api/v1: a group's "" route would be /api/v1/workloads/ (the request metrics label routes by pattern).
        var api = app.MapGroup("/api/v1").WithTags("Scaling");
        api.MapGet("/workloads", ScalingApi.ListWorkloads);
        api.MapGet("/workloads/{name}", ScalingApi.GetWorkload).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPut("/workloads/{name}", ScalingApi.PutWorkload).DisableAntiforgery()
            .WithDocumentedBody("The workload: its demand series, replica capacity and bounds (docs/scaling.md).", binary: false, "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        api.MapDelete("/workloads/{name}", ScalingApi.DeleteWorkload).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        api.MapGet("/scaling", ScalingApi.ListDecisions);
        api.MapGet("/scaling/{name}", ScalingApi.GetDecision).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapGet("/scaling/{name}/history", ScalingApi.GetHistory).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }
}
