using Foresight.Series;

namespace Foresight.Ingestion;

/// <summary>
/// The write path of ingested data: stores a batch, then publishes what was stored on the ingest feed
/// for its consumers (detection, scaling). Endpoints, the scraper and the demo feeder's live points write
/// through it; series derived from ingested data (anomaly scores) go to the store directly, so they never
/// come back to the consumers; <c>foresight import --data-dir</c> writes to the store only, and the demo's
/// backfill is stored directly and then handed to the feed at its consumers' pace (<see cref="IIngestFeed.PublishPacedAsync"/>).
/// </summary>
public sealed class IngestWriter(ITimeSeriesStore store, IIngestFeed feed)
{
    /// <summary>The store written to.</summary>
    public ITimeSeriesStore Store { get; } = store;

    /// <summary>The feed accepted batches are published on.</summary>
    public IIngestFeed Feed { get; } = feed;

    /// <summary>Appends a batch to the store and, once it is durable, publishes what it stored (the refused points are left out).</summary>
    /// <exception cref="StoreWriteException">The store could not write the batch; nothing of it was stored.</exception>
    public async ValueTask<AppendResult> WriteAsync(string tenant, IReadOnlyList<SeriesWrite> batch, CancellationToken cancellationToken = default)
    {
        var result = await Store.AppendAsync(tenant, batch, cancellationToken).ConfigureAwait(false);
        // Stored is stored: the consumers get it even if the caller has gone away meanwhile.
        if (result.Stored.Count > 0) await Feed.PublishAsync(new IngestBatch(tenant, result.Stored), CancellationToken.None).ConfigureAwait(false);
        return result;
    }
}
