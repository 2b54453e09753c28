using System.Threading.Channels;
using Foresight.Series;

namespace Foresight.Ingestion;

/// <summary>
/// Accepted batches on their way to the consumers of ingested data (detection, scaling demand; later
/// root-cause analysis). A batch is published once the store has made it durable, and every consumer
/// reads every batch published after it subscribed, at its own pace. A consumer that falls behind is
/// never dropped silently: what the feed could not queue for it is counted in <see cref="Consumers"/>
/// (and logged). Series derived from ingested data (anomaly scores) are written to the store directly
/// and never published, so no consumer sees its own output again. In-process today
/// (<see cref="InProcessIngestFeed"/>); a broker between nodes implements the same contract.
/// </summary>
public interface IIngestFeed
{
    /// <summary>
    /// Adds a consumer; from now on every published batch is queued for it. Read the batches from the
    /// returned reader (for example with <c>ReadAllAsync</c>); a batch counts as delivered once read.
    /// </summary>
    /// <exception cref="ArgumentException">A consumer of that name already exists.</exception>
    ChannelReader<IngestBatch> Subscribe(string consumer);

    /// <summary>Hands an accepted, durable batch to every consumer without waiting for any of them.</summary>
    ValueTask PublishAsync(IngestBatch batch, CancellationToken cancellationToken = default);

    /// <summary>
    /// Hands a durable batch to every consumer, waiting for each whose queue is full until it has read enough to
    /// take the batch, instead of shedding it: the pace of the slowest consumer. Only for a producer of its own
    /// data that can wait (the demo's backfill), never for client ingest, which is answered at once and must
    /// not be held back by a consumer. Cancelling gives up the wait: the consumers not yet handed the batch
    /// have it shed, counted as by <see cref="PublishAsync"/>, and the call throws <see cref="OperationCanceledException"/>.
    /// </summary>
    ValueTask PublishPacedAsync(IngestBatch batch, CancellationToken cancellationToken);

    /// <summary>Per consumer, in subscription order: what waits, what was delivered and what was shed.</summary>
    IReadOnlyList<IngestConsumerStats> Consumers();
}

/// <summary>Figures of one consumer of the ingest feed (batches and points since the server started).</summary>
/// <param name="Consumer">The consumer's name (<c>detection</c>, <c>scaling</c>).</param>
/// <param name="PendingBatches">Batches queued, not yet read.</param>
/// <param name="PendingPoints">Points in those batches.</param>
/// <param name="DeliveredBatches">Batches the consumer has read.</param>
/// <param name="DeliveredPoints">Points in those batches.</param>
/// <param name="ShedBatches">Batches not queued because the consumer's queue was full.</param>
/// <param name="ShedPoints">Points in those batches: accepted and stored, never seen by this consumer.</param>
/// <param name="RecentShedPoints">Points shed within the last <see cref="IngestFeedOptions.RecentShedWindow"/>.</param>
/// <param name="LastShed">When a batch was last shed for this consumer, or null when never.</param>
public sealed record IngestConsumerStats(string Consumer, int PendingBatches, long PendingPoints, long DeliveredBatches, long DeliveredPoints,
    long ShedBatches, long ShedPoints, long RecentShedPoints = 0, DateTimeOffset? LastShed = null);

/// <summary>Settings of the in-process ingest feed.</summary>
public sealed class IngestFeedOptions
{
    /// <summary>Batches queued per consumer before the feed sheds new ones for it. Default 10,000.</summary>
    public int Capacity { get; set; } = 10_000;

    /// <summary>
    /// Points queued per consumer before the feed sheds new batches for it (a batch larger than this
    /// still passes an empty queue). Default 1,000,000: what bounds a slow consumer's queue in memory
    /// (about 19 MB as compact <see cref="IngestBatch"/>es), some 15 s of the default detection worker's steady
    /// rate (<c>--detection-throughput</c> in the benchmarks) and ten 15 s scrapes of 100,000 series.
    /// </summary>
    public long CapacityPoints { get; set; } = 1_000_000;

    /// <summary>The window of <see cref="IngestConsumerStats.RecentShedPoints"/>, 1 to 60 minutes. Default 5 minutes.</summary>
    public TimeSpan RecentShedWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A consumer's shedding is logged at most once per this interval (with what was shed since). Default 10 s.</summary>
    public TimeSpan ShedLogInterval { get; set; } = TimeSpan.FromSeconds(10);
}
