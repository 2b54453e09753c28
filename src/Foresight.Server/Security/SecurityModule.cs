using System.Net;
using Foresight.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Foresight.Server.Security;

/// <summary>
/// Tenancy and API keys: every request to <c>/api</c> and <c>/v1</c> is scoped to a tenant by
/// <see cref="TenantResolution"/>, and a server refuses to listen on a public address while no key was ever created in its
/// store (it would serve anyone as tenant <c>default</c>) unless <c>--insecure</c>. Once a key was created the server needs
/// keys for good (revoking them all leaves it answering 401), so a public address is then safe.
/// </summary>
public static class SecurityModule
{
    /// <summary>Adds the <see cref="SecurityOptions"/> (<paramref name="insecure"/>: serve other hosts without a key).</summary>
    public static IServiceCollection AddSecurity(this IServiceCollection services, bool insecure)
    {
        services.AddSingleton(new SecurityOptions { Insecure = insecure });
        return services;
    }

    /// <summary>Resolves each API request's tenant from its API key (see <see cref="TenantResolution"/>).</summary>
    public static IApplicationBuilder UseTenantResolution(this IApplicationBuilder app) => app.UseMiddleware<TenantResolution>();

    /// <summary>
    /// Throws <see cref="InvalidOperationException"/> with a user-facing message when one of <paramref name="urls"/>
    /// (';'-separated) is not loopback while no key was ever created in <paramref name="keys"/> and <paramref name="insecure"/>
    /// is false, or is not a URL.
    /// </summary>
    public static async ValueTask CheckBindingAsync(string urls, bool insecure, IApiKeyStore keys, CancellationToken cancellationToken)
    {
        if (insecure || (await keys.ListAllAsync(cancellationToken)).Count > 0) return;
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0").Replace("://+", "://0.0.0.0"), UriKind.Absolute, out var uri))
            {
                throw new InvalidOperationException($"--urls: '{url}' is not a valid URL (expected e.g. http://127.0.0.1:5080)");
            }
            var loopback = uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
            if (!loopback)
            {
                throw new InvalidOperationException(
                    $"Refusing to listen on {url} with no API keys configured: anyone who can reach it could read and write every series. " +
                    "Create a key first (foresight keys create --tenant NAME), or pass --insecure to accept the risk.");
            }
        }
    }
}
