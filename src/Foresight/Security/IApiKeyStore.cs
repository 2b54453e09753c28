namespace Foresight.Security;

/// <summary>
/// Where API keys are kept (only the SHA-256 hash of each secret), apart from series data. The
/// embedded store keeps them in its SQLite database; <c>foresight keys ...</c> edits the same table
/// while a server runs, and the server sees the change within a second. Disposing an instance closes
/// what it opened itself (a store's own key store closes with the store).
/// </summary>
public interface IApiKeyStore : IAsyncDisposable
{
    /// <summary>Stores a new key (only its hash) for a tenant.</summary>
    ValueTask AddAsync(ApiKeyRecord key, CancellationToken cancellationToken = default);

    /// <summary>The key with this hash, or null.</summary>
    ValueTask<ApiKeyRecord?> FindAsync(string keyHash, CancellationToken cancellationToken = default);

    /// <summary>All keys (hashes only), oldest first.</summary>
    ValueTask<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Removes a key by its id; false when there is none.</summary>
    ValueTask<bool> RevokeAsync(string keyId, CancellationToken cancellationToken = default);
}

/// <summary>An API key as stored: only the SHA-256 hash of the secret is kept.</summary>
public sealed record ApiKeyRecord(string Id, string Tenant, string KeyHash, string Name, long CreatedUnixMs);
