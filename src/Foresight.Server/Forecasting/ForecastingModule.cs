using Foresight.Series;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Foresight.Server.Forecasting;

/// <summary>
/// Forecasting: the server's model fitting (<see cref="ForecasterService"/>, which scaling builds its demand
/// forecasters through too) and forecasts of stored series (<see cref="ForecastApi"/>), served from the
/// <see cref="ForecastCache"/> that refreshes them in the background.
/// </summary>
public static class ForecastingModule
{
    /// <summary>Adds the <see cref="ForecasterService"/> (every model fit of the server) and the <see cref="ForecastCache"/>, refreshing every <paramref name="refreshInterval"/>.</summary>
    public static IServiceCollection AddForecasting(this IServiceCollection services, TimeSpan refreshInterval)
    {
        services.AddSingleton<ForecasterService>();
        services.AddSingleton(sp => new ForecastCache(sp.GetRequiredService<ITimeSeriesStore>(), sp.GetRequiredService<ForecasterService>(),
            sp.GetRequiredService<TimeProvider>(), refreshInterval,
            sp.GetRequiredService<ILogger<ForecastCache>>()));
        services.AddHostedService(sp => sp.GetRequiredService<ForecastCache>());
        return services;
    }

    /// <summary>Maps <c>GET /api/v1/series/{id}/forecast?horizon=H&amp;quantiles=0.1,0.5,0.9</c>.</summary>
    public static IEndpointRouteBuilder MapForecastingApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1").WithTags("Forecasting")
            .MapGet("/series/{id:long}/forecast", ForecastApi.GetForecast).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }
}
