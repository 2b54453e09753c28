using System.Diagnostics.CodeAnalysis;
using Foresight.Security;
using Foresight.Series;
using Foresight.Storage.Sqlite;

namespace Foresight.Server.Hosting;

/// <summary>
/// The composition root of storage: the one place that chooses a store backend and opens it. The
/// server, <c>foresight import --data-dir</c> and <c>foresight keys</c> reach the store only through
/// it and see only the contracts (<see cref="ITimeSeriesStore"/>, <see cref="IStoreMaintenance"/>,
/// <see cref="IApiKeyStore"/>, <see cref="IStateStore"/>). Today the backend is the embedded SQLite store in a data directory;
/// a PostgreSQL backend is chosen here too once it exists.
/// </summary>
public static class StoreFactory
{
    /// <summary>
    /// Opens (creating when absent) the store in <paramref name="dataDirectory"/>, replaying what a
    /// previous run left in its write-ahead log; <paramref name="onRecovery"/> hears what recovery did.
    /// </summary>
    /// <exception cref="InvalidDataException">The directory holds a newer store format, or a database that cannot be read; the message says what to do.</exception>
    /// <exception cref="IOException">Another process has the directory open, or it cannot be created or written; the message says which.</exception>
    public static OpenedStore Open(string dataDirectory, StoreOptions options, Action<string>? onRecovery = null)
    {
        var store = SqliteTimeSeriesStore.Open(dataDirectory, options, onRecovery);
        return new OpenedStore(store, store, store.ApiKeys, store, store.DataDirectory);
    }

    /// <summary>
    /// Opens only the API keys of a data directory (works while a server runs on it), or says why it
    /// cannot. Only with <paramref name="create"/> are the directory and its database made when absent.
    /// </summary>
    public static bool TryOpenApiKeys(string dataDirectory, bool create, [NotNullWhen(true)] out IApiKeyStore? keys, [NotNullWhen(false)] out string? error)
    {
        var opened = SqliteApiKeyStore.TryOpen(dataDirectory, create, out var sqlite, out error);
        keys = sqlite;
        return opened;
    }
}

/// <summary>An open store: its series data, its housekeeping, its API keys, the server's live state and where it lives. Disposing it closes the store.</summary>
/// <param name="Series">The series data.</param>
/// <param name="Maintenance">Retention and checkpoints, run by the server in the background.</param>
/// <param name="ApiKeys">The API keys kept with the store (closed with it).</param>
/// <param name="State">The server's live state (detector snapshots, incidents, announced alerts), kept with the data.</param>
/// <param name="DataDirectory">The absolute path of the data directory (the server keeps <c>workloads.json</c> there too).</param>
public sealed record OpenedStore(ITimeSeriesStore Series, IStoreMaintenance Maintenance, IApiKeyStore ApiKeys, IStateStore State, string DataDirectory)
    : IAsyncDisposable
{
    /// <summary>Checkpoints and closes the store.</summary>
    public ValueTask DisposeAsync() => Series.DisposeAsync();
}
