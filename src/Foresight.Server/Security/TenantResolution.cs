using System.Globalization;
using System.Net;
using System.Text;
using Foresight.Security;
using Foresight.Server.Http;
using Microsoft.AspNetCore.Http;

namespace Foresight.Server.Security;

/// <summary>Settings of the API-key check.</summary>
public sealed class SecurityOptions
{
    /// <summary>
    /// Serve without a key whenever no key is active (<c>--insecure</c>), to clients on any host; without it a server
    /// serves without keys only while no key was ever created in its data directory, and only to loopback clients.
    /// </summary>
    public bool Insecure { get; set; }
}

/// <summary>
/// Decides, for every request, who is asking. There are two modes:
/// <list type="bullet">
/// <item><b>Open</b>: no key is needed and every API request belongs to the tenant <c>default</c>. Only while no key
/// is active and either no key was ever created in the data directory (then for loopback clients only) or the server
/// was started with <c>--insecure</c>. Revoking keys never leads back here without <c>--insecure</c>.</item>
/// <item><b>Keys</b>: everything else. Every request but <c>/healthz</c> and <c>/readyz</c> needs a valid key, as
/// <c>Authorization: Bearer KEY</c>, <c>X-API-Key: KEY</c> or HTTP Basic with the key as password (what Prometheus'
/// <c>basic_auth</c> sends). A tenant key (<see cref="ApiKeyScope.Tenant"/>) reads its tenant's <c>/api</c> and
/// <c>/v1</c>; <c>/metrics</c>, which names every tenant's workloads, needs a scrape key (<see cref="ApiKeyScope.Metrics"/>),
/// which reads no tenant's API.</item>
/// </list>
/// A key that is sent is checked in either mode: a revoked key gets 401 saying it was revoked (and when), an unknown
/// one 401, never the tenant <c>default</c>; neither answer names a tenant.
/// </summary>
internal sealed class TenantResolution(RequestDelegate next, IApiKeyStore keys, SecurityOptions options)
{
    public const string DefaultTenant = "default";
    private const string ItemKey = "foresight.tenant";

    public static string TenantOf(HttpContext context) => (string)context.Items[ItemKey]!;

    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz"))
        {
            await next(context);
            return;
        }
        var api = path.StartsWithSegments("/api") || path.StartsWithSegments("/v1");
        var ct = context.RequestAborted;
        var secret = ExtractKey(context.Request);
        if (secret is null)
        {
            var active = await keys.ListAsync(ct);
            if (active.Count > 0)
            {
                await Unauthorized(context, "API key required",
                    "This server has API keys: send one as 'Authorization: Bearer KEY', 'X-API-Key: KEY' or HTTP Basic with the key as password.");
                return;
            }
            if (!options.Insecure && (await keys.ListAllAsync(ct)).Count > 0)
            {
                await Unauthorized(context, "API key required",
                    "Every API key of this server was revoked, and a server that had keys never serves without one: create a key " +
                    "(foresight keys create --tenant NAME) and send it, or restart the server with --insecure to serve without keys.");
                return;
            }
            if (!options.Insecure && context.Connection.RemoteIpAddress is { } remote
                && !IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote))
            {
                await Unauthorized(context, "API key required",
                    "This server has no API key, so it serves only loopback clients: create a key (foresight keys create --tenant NAME) " +
                    "and send it, or restart with --insecure to accept the risk.");
                return;
            }
            if (api) context.Items[ItemKey] = DefaultTenant;
            await next(context);
            return;
        }
        var record = await keys.FindAsync(ApiKeys.Hash(secret), ct);
        if (record is null)
        {
            await Unauthorized(context, "Unknown API key", "The API key is not valid on this server.");
            return;
        }
        if (record.RevokedUnixMs is { } revoked)
        {
            var at = DateTimeOffset.FromUnixTimeMilliseconds(revoked).ToString("u", CultureInfo.InvariantCulture);
            await Unauthorized(context, "API key revoked",
                $"The API key {record.Id} was revoked at {at} and no longer authenticates; ask for a new key.");
            return;
        }
        if (api)
        {
            if (record.Scope != ApiKeyScope.Tenant)
            {
                await Problems.Write(context, StatusCodes.Status403Forbidden, "Scrape key",
                    $"The API key {record.Id} is a scrape key: it reads /metrics and the other operational endpoints, not a tenant's API.");
                return;
            }
            context.Items[ItemKey] = record.Tenant;
        }
        else if (path.StartsWithSegments("/metrics") && record.Scope != ApiKeyScope.Metrics)
        {
            await Problems.Write(context, StatusCodes.Status403Forbidden, "Scrape key required",
                $"/metrics names every tenant's workloads, so it needs a scrape key (foresight keys create --scope metrics); the API key {record.Id} is scoped to one tenant.");
            return;
        }
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
