using Foresight.Series;

namespace Foresight.Ingestion;

/// <summary>
/// The write path of ingested data: stores a batch, then hands what was stored on to the consumers
/// of accepted data (detection, scaling). Endpoints, the scraper and the demo feeder write through
/// it; series derived from ingested data (anomaly scores) go to the store directly, so they never
/// come back to the consumers.
/// </summary>
public sealed class IngestWriter(ITimeSeriesStore store)
{
    /// <summary>The store written to.</summary>
    public ITimeSeriesStore Store { get; } = store;

    /// <summary>
    /// Raised after every accepted batch that stored at least one point, on the writing thread, with the
    /// tenant and what was stored per series. Handlers must be quick (hand the work to a queue).
    /// </summary>
    public event Action<string, IReadOnlyList<AppendedSeries>>? Accepted;

    /// <summary>Appends a batch to the store and, when accepted, hands it to the consumers.</summary>
    /// <exception cref="StoreWriteException">The store could not write the batch; nothing of it was stored.</exception>
    public async ValueTask<AppendResult> WriteAsync(string tenant, IReadOnlyList<SeriesWrite> batch, CancellationToken cancellationToken = default)
    {
        var result = await Store.AppendAsync(tenant, batch, cancellationToken).ConfigureAwait(false);
        if (result.Accepted && result.Stored.Count > 0) Accepted?.Invoke(tenant, result.Stored);
        return result;
    }
}
