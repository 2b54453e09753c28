using Foresight.Detection.Incidents;
using Foresight.Series;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Foresight.Server.Detection;

/// <summary>
/// Detection and alerts: live scoring of ingested points (<see cref="DetectionPipeline"/>), the incidents it
/// opens (<see cref="IncidentTracker"/>), their webhooks (<see cref="WebhookAlerter"/>) and the API over
/// anomalies and incidents (<see cref="DetectionApi"/>).
/// </summary>
public static class DetectionModule
{
    /// <summary>
    /// Adds the incident tracker, the webhook alerter and the detection pipeline; with an <see cref="IStateStore"/>
    /// registered, both keep their state there across restarts.
    /// </summary>
    public static IServiceCollection AddDetection(this IServiceCollection services, DetectionOptions detection, AlertOptions alerts)
    {
        services.AddSingleton(new IncidentTracker());
        services.AddSingleton(alerts);
        services.AddSingleton(sp => new WebhookAlerter(alerts, sp.GetRequiredService<IncidentTracker>(), new HttpClient(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<WebhookAlerter>>(), sp.GetService<IStateStore>()));
        // Started first: the alerter reads back what it announced before detection restores and replays incidents.
        services.AddHostedService(sp => sp.GetRequiredService<WebhookAlerter>());
        services.AddSingleton(detection);
        services.AddSingleton<DetectionPipeline>();
        services.AddHostedService(sp => sp.GetRequiredService<DetectionPipeline>());
        return services;
    }

    /// <summary>Maps <c>GET /api/v1/anomalies</c> and <c>GET /api/v1/incidents</c>.</summary>
    public static IEndpointRouteBuilder MapDetectionApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("Detection");
        api.MapGet("/anomalies", DetectionApi.Anomalies).ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/incidents", DetectionApi.Incidents);
        return app;
    }
}
