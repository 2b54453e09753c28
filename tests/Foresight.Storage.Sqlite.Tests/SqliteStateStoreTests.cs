using Foresight.Series;
using Foresight.Tests.Series;
using Foresight.Tests.Support;

namespace Foresight.Storage.Sqlite.Tests;

/// <summary>The state contract on the embedded store: a table in <c>foresight.db</c>, a data directory per test.</summary>
public sealed class SqliteStateStoreTests : StateStoreContractTests, IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    protected override Task<(IStateStore State, IAsyncDisposable Owner)> OpenAsync()
    {
        var store = SqliteTimeSeriesStore.Open(_dir.Path, new StoreOptions { SyncWrites = false });
        return Task.FromResult<(IStateStore, IAsyncDisposable)>((store, store));
    }

    protected override ValueTask KillAsync(IAsyncDisposable owner)
    {
        ((SqliteTimeSeriesStore)owner).CloseWithoutCheckpoint();
        return ValueTask.CompletedTask;
    }
}
