using System.Net;
using System.Text;
using Foresight.Security;
using Foresight.Server.Http;
using Microsoft.AspNetCore.Http;

namespace Foresight.Server.Security;

/// <summary>Settings of the API-key check.</summary>
public sealed class SecurityOptions
{
    /// <summary>Serve clients on other hosts without an API key when the store holds none (<c>--insecure</c>).</summary>
    public bool Insecure { get; set; }
}

/// <summary>
/// Scopes every API request to a tenant. With no API key in the store, every request belongs to
/// the tenant <c>default</c> (allowed only on loopback unless <c>--insecure</c>). Once a key exists,
/// each request to <c>/api</c> and <c>/v1</c> must carry one, as <c>Authorization: Bearer KEY</c>,
/// <c>X-API-Key: KEY</c> or HTTP Basic with the key as password (what Prometheus' remote_write
/// <c>basic_auth</c> sends), and sees only its tenant's series. When the last key is revoked while
/// the server listens on a public address (allowed at start because keys existed), requests from other
/// hosts are refused rather than served as <c>default</c> without a key, unless <c>--insecure</c>.
/// </summary>
internal sealed class TenantResolution(RequestDelegate next, IApiKeyStore keys, SecurityOptions options)
{
    public const string DefaultTenant = "default";
    private const string ItemKey = "foresight.tenant";

    public static string TenantOf(HttpContext context) => (string)context.Items[ItemKey]!;

    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (!path.StartsWithSegments("/api") && !path.StartsWithSegments("/v1"))
        {
            await next(context);
            return;
        }
        if ((await keys.ListAsync(context.RequestAborted)).Count == 0)
        {
            if (!options.Insecure && context.Connection.RemoteIpAddress is { } remote
                && !IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote))
            {
                await Unauthorized(context, "API key required",
                    "This server has no API key (the last one was revoked), so it serves only loopback clients: create a key " +
                    "(foresight keys create --tenant NAME) and send it, or restart with --insecure to accept the risk.");
                return;
            }
            context.Items[ItemKey] = DefaultTenant;
            await next(context);
            return;
        }
        var key = ExtractKey(context.Request);
        if (key is null)
        {
            await Unauthorized(context, "API key required",
                "This server has API keys configured: send one as 'Authorization: Bearer KEY' or 'X-API-Key: KEY'.");
            return;
        }
        var record = await keys.FindAsync(ApiKeys.Hash(key), context.RequestAborted);
        if (record is null)
        {
            await Unauthorized(context, "Unknown API key",
                "The API key is not valid on this server (it may have been revoked).");
            return;
        }
        context.Items[ItemKey] = record.Tenant;
        await next(context);
    }

    /// <summary>A 401 problem with the <c>WWW-Authenticate</c> challenge RFC 9110 §11.6.1 asks of one: the schemes accepted.</summary>
    private static Task Unauthorized(HttpContext context, string title, string detail)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer realm=\"foresight\", Basic realm=\"foresight\"";
        return Problems.Write(context, StatusCodes.Status401Unauthorized, title, detail);
    }

    private static string? ExtractKey(HttpRequest request)
    {
        if (request.Headers.TryGetValue("X-API-Key", out var header) && !string.IsNullOrWhiteSpace(header)) return header.ToString().Trim();
        var auth = request.Headers.Authorization.ToString();
        if (auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return auth[7..].Trim();
        if (auth.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth[6..].Trim()));
                var colon = decoded.IndexOf(':');
                return colon >= 0 ? decoded[(colon + 1)..] : decoded;
            }
            catch (FormatException)
            {
                return null;
            }
        }
        return null;
    }
}
