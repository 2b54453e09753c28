using Foresight.Series;
using Foresight.Tests.Series;
using Foresight.Tests.Support;

namespace Foresight.Storage.Sqlite.Tests;

/// <summary>The store contract on the embedded store: a data directory per test, a kill is a close without checkpoint.</summary>
public sealed class SqliteStoreContractTests : StoreContractTests, IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    protected override ValueTask<ITimeSeriesStore> OpenAsync(StoreOptions options) =>
        ValueTask.FromResult<ITimeSeriesStore>(SqliteTimeSeriesStore.Open(_dir.Path, options));

    protected override ValueTask KillAsync(ITimeSeriesStore store)
    {
        ((SqliteTimeSeriesStore)store).CloseWithoutCheckpoint();
        return ValueTask.CompletedTask;
    }

    protected override IStoreMaintenance MaintenanceOf(ITimeSeriesStore store) => (SqliteTimeSeriesStore)store;
}
