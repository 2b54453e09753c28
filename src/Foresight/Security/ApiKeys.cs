using System.Security.Cryptography;
using System.Text;

namespace Foresight.Security;

/// <summary>
/// API keys: <c>fs_&lt;id&gt;_&lt;secret&gt;</c>, of which only the SHA-256 hash is stored. A tenant key
/// scopes every API request to one tenant; a scrape key reads only the operational endpoints (<see cref="ApiKeyScope"/>).
/// </summary>
public static class ApiKeys
{
    /// <summary>Creates a key for a tenant, stores its hash, and returns the secret (shown once).</summary>
    /// <exception cref="ArgumentException">The tenant name is not valid (see <see cref="IsValidTenant"/>).</exception>
    public static ValueTask<(string Secret, ApiKeyRecord Record)> CreateAsync(IApiKeyStore keys, string tenant, string name, TimeProvider time,
        CancellationToken cancellationToken = default)
    {
        if (!IsValidTenant(tenant)) throw new ArgumentException($"tenant '{tenant}' is not valid: use 1-64 characters of [a-zA-Z0-9_.-]", nameof(tenant));
        return CreateCoreAsync(keys, tenant, ApiKeyScope.Tenant, name, time, cancellationToken);
    }

    /// <summary>
    /// Creates a scrape key (<see cref="ApiKeyScope.Metrics"/>): it reads <c>/metrics</c> and the other operational
    /// endpoints, never a tenant's API. Stores its hash and returns the secret (shown once).
    /// </summary>
    public static ValueTask<(string Secret, ApiKeyRecord Record)> CreateScrapeKeyAsync(IApiKeyStore keys, string name, TimeProvider time,
        CancellationToken cancellationToken = default) => CreateCoreAsync(keys, "", ApiKeyScope.Metrics, name, time, cancellationToken);

    private static async ValueTask<(string Secret, ApiKeyRecord Record)> CreateCoreAsync(IApiKeyStore keys, string tenant, ApiKeyScope scope, string name,
        TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(time);
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = $"fs_{id}_{Base64Url(RandomNumberGenerator.GetBytes(24))}";
        var record = new ApiKeyRecord(id, tenant, Hash(secret), name, time.GetUtcNow().ToUnixTimeMilliseconds(), scope);
        await keys.AddAsync(record, cancellationToken);
        return (secret, record);
    }

    /// <summary>The stored form of a key: lowercase hex SHA-256 of its UTF-8 bytes.</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>Tenant names: 1-64 characters of <c>[a-zA-Z0-9_.-]</c>.</summary>
    public static bool IsValidTenant(string? tenant) =>
        !string.IsNullOrEmpty(tenant) && tenant.Length <= 64 && tenant.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-');

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
