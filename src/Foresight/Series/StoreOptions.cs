namespace Foresight.Series;

/// <summary>What the store does with NaN and ±Infinity values.</summary>
public enum NonFinitePolicy
{
    /// <summary>Store them as they are (Prometheus does); analyses treat NaN as a gap.</summary>
    Store,

    /// <summary>Silently drop such points (they are counted as dropped).</summary>
    Drop,

    /// <summary>Reject the batch, naming the series and point.</summary>
    Reject,
}

/// <summary>
/// Acceptance rules and housekeeping settings of a store. The defaults suit live telemetry;
/// importing history older than <see cref="Retention"/> needs a longer retention (or
/// <see cref="TimeSpan.Zero"/> to keep data forever).
/// </summary>
public sealed class StoreOptions
{
    /// <summary>
    /// How much older than the newest point of its series a point may be and still be accepted
    /// (out-of-order writes). Default 1 hour. Older points are rejected with a reason.
    /// </summary>
    public TimeSpan OutOfOrderWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How far ahead of the store's clock a timestamp may be. Default 10 minutes.</summary>
    public TimeSpan FutureTolerance { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long data is kept (by wall clock); points older than this are rejected on write and
    /// removed in the background. Default 30 days; <see cref="TimeSpan.Zero"/> keeps data forever.
    /// </summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>What to do with NaN/±Inf values. Default <see cref="NonFinitePolicy.Store"/>.
    /// Prometheus staleness markers (a specific NaN bit pattern) are always dropped.</summary>
    public NonFinitePolicy NonFinite { get; set; } = NonFinitePolicy.Store;

    /// <summary>Points per sealed chunk (default 240, bounded 16..4096).</summary>
    public int ChunkPoints { get; set; } = 240;

    /// <summary>A head chunk is sealed once it spans this long even when not full. Default 4 hours.</summary>
    public TimeSpan ChunkSpan { get; set; } = TimeSpan.FromHours(4);

    /// <summary>
    /// Whether each append waits for the write-ahead log to reach the disk (fsync). Default true:
    /// an acknowledged point survives a crash. Turning it off trades that for speed.
    /// </summary>
    public bool SyncWrites { get; set; } = true;

    /// <summary>The clock used for future/retention checks; tests inject a fake one.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;
}
