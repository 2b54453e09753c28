using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Foresight.Server.Series;

/// <summary>Series: discovery and point queries over the store (<see cref="SeriesApi"/>); the store itself is registered by the server.</summary>
public static class SeriesModule
{
    /// <summary>Maps <c>GET /api/v1/series</c> and <c>GET /api/v1/series/{id}/points</c>.</summary>
    public static IEndpointRouteBuilder MapSeriesApi(this IEndpointRouteBuilder app)
    {
        // Under /api/v1 rather than /api/v1/series: a group's "" route would be /api/v1/series/ (the request metrics label routes by pattern).
        var series = app.MapGroup("/api/v1").WithTags("Series");
        series.MapGet("/series", SeriesApi.ListSeries).ProducesProblem(StatusCodes.Status400BadRequest);
        series.MapGet("/series/{id:long}/points", SeriesApi.ReadPoints).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }
}
