using Foresight.Series;

namespace Foresight.Ingestion;

/// <summary>
/// The write path of ingested data: stores a batch, then publishes what was stored on the ingest feed
/// for its consumers (detection, scaling). Endpoints, the scraper and the demo feeder write through
/// it; series derived from ingested data (anomaly scores) go to the store directly, so they never
/// come back to the consumers; <c>foresight import --data-dir</c> writes to the store only.
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

    /// <summary>
    /// Like <see cref="WriteAsync"/>, but hands what was stored to each consumer at its pace (<see cref="IIngestFeed.PublishPacedAsync"/>)
    /// instead of shedding it when the consumer is behind: for a backfill the server makes itself (the demo's two weeks), which
    /// would otherwise arrive faster than detection scores it. Never for client ingest, which must not wait for a consumer.
    /// <paramref name="cancellationToken"/> gives up the wait only: the batch is stored by then, and a consumer not handed it has it shed and counted.
    /// </summary>
    /// <exception cref="StoreWriteException">The store could not write the batch; nothing of it was stored.</exception>
    /// <exception cref="OperationCanceledException">The wait for a consumer was given up; the batch is stored.</exception>
    public async ValueTask<AppendResult> WritePacedAsync(string tenant, IReadOnlyList<SeriesWrite> batch, CancellationToken cancellationToken)
    {
        var result = await Store.AppendAsync(tenant, batch, CancellationToken.None).ConfigureAwait(false);
        if (result.Stored.Count > 0) await Feed.PublishPacedAsync(new IngestBatch(tenant, result.Stored), cancellationToken).ConfigureAwait(false);
        return result;
    }
}
