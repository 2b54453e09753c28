using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Foresight.Server.Demo;

/// <summary>The demo (<c>serve --demo</c>): the synthetic fleet fed into the <c>default</c> tenant, and its workloads (<see cref="DemoFeeder.Workloads"/>).</summary>
public static class DemoModule
{
    /// <summary>Adds the <see cref="DemoFeeder"/>.</summary>
    public static IServiceCollection AddDemo(this IServiceCollection services)
    {
        services.AddSingleton<IHostedService, DemoFeeder>();
        return services;
    }
}
