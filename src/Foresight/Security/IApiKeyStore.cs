namespace Foresight.Security;

/// <summary>
/// Where API keys are kept (only the SHA-256 hash of each secret), apart from series data. The
/// embedded store keeps them in its SQLite database; <c>foresight keys ...</c> edits the same table
/// while a server runs, and the server sees the change within a second. A revoked key is kept, marked
/// with its revocation time, so it is answered as revoked rather than unknown and the store knows that
/// keys were ever created (a server never falls back to serving without keys after revocation).
/// Disposing an instance closes what it opened itself (a store's own key store closes with the store).
/// </summary>
public interface IApiKeyStore : IAsyncDisposable
{
    /// <summary>Stores a new key (only its hash).</summary>
    ValueTask AddAsync(ApiKeyRecord key, CancellationToken cancellationToken = default);

    /// <summary>The key with this hash, active or revoked (<see cref="ApiKeyRecord.RevokedUnixMs"/> set), or null.</summary>
    ValueTask<ApiKeyRecord?> FindAsync(string keyHash, CancellationToken cancellationToken = default);

    /// <summary>The active keys (hashes only), oldest first.</summary>
    ValueTask<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Every key ever created, active ones first then revoked ones, each oldest first.</summary>
    ValueTask<IReadOnlyList<ApiKeyRecord>> ListAllAsync(CancellationToken cancellationToken = default);

    /// <summary>Revokes an active key by its id, for good; false when no active key has this id.</summary>
    ValueTask<bool> RevokeAsync(string keyId, CancellationToken cancellationToken = default);
}

/// <summary>What a key may read.</summary>
public enum ApiKeyScope
{
    /// <summary>The API (<c>/api</c>, <c>/v1</c>) of its tenant, and the OpenAPI document; not <c>/metrics</c>, which names every tenant's workloads.</summary>
    Tenant,

    /// <summary>A scrape key: the operational endpoints (<c>/metrics</c>, the OpenAPI document, the index), no tenant's API.</summary>
    Metrics,
}

/// <summary>
/// An API key as stored: only the SHA-256 hash of the secret is kept. <see cref="Tenant"/> is empty for a
/// <see cref="ApiKeyScope.Metrics"/> key; <see cref="RevokedUnixMs"/> is set once the key is revoked.
/// </summary>
public sealed record ApiKeyRecord(string Id, string Tenant, string KeyHash, string Name, long CreatedUnixMs,
    ApiKeyScope Scope = ApiKeyScope.Tenant, long? RevokedUnixMs = null)
{
    /// <summary>True until the key is revoked.</summary>
    public bool Active => RevokedUnixMs is null;
}
