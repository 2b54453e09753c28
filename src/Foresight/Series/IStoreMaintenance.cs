namespace Foresight.Series;

/// <summary>
/// Housekeeping of a store, run in the background by the server: retention (deleting data older
/// than <see cref="StoreOptions.Retention"/>) and checkpoints (making the store's in-memory state
/// durable in its main storage so its log can be truncated). A backend without a log of its own
/// implements <see cref="CheckpointAsync"/> as a no-op.
/// </summary>
public interface IStoreMaintenance
{
    /// <summary>Deletes data older than the retention period; returns the number of chunks removed.</summary>
    ValueTask<int> EnforceRetentionAsync(CancellationToken cancellationToken = default);

    /// <summary>Seals open head chunks into stored chunks and truncates the write-ahead log.</summary>
    ValueTask CheckpointAsync(CancellationToken cancellationToken = default);

    /// <summary>Raised (on an appending thread) when the store wants a checkpoint sooner than the schedule (its log has grown).</summary>
    event Action? CheckpointRequested;
}
