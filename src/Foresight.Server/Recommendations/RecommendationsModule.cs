using Foresight.Series;
using Foresight.Server.Scaling;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Foresight.Server.Recommendations;

/// <summary>
/// Recommendations: right-sizing and cost of the workloads (<see cref="RecommendationsApi"/>) and their capacity,
/// latency against load (<see cref="CapacityApi"/>), both computed by the <see cref="RecommendationService"/>.
/// </summary>
public static class RecommendationsModule
{
    /// <summary>Adds the <see cref="RecommendationService"/> over the scaling service's workloads.</summary>
    public static IServiceCollection AddRecommendations(this IServiceCollection services, RecommendationOptions options)
    {
        services.AddSingleton(sp => new RecommendationService(sp.GetRequiredService<ITimeSeriesStore>(), sp.GetRequiredService<ScalingService>(),
            sp.GetRequiredService<TimeProvider>(), options));
        return services;
    }

    /// <summary>Maps <c>GET /api/v1/recommendations</c> and <c>GET /api/v1/capacity/{workload}</c>.</summary>
    public static IEndpointRouteBuilder MapRecommendationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("Recommendations");
        api.MapGet("/recommendations", RecommendationsApi.Get).ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/capacity/{name}", CapacityApi.Get).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }
}
