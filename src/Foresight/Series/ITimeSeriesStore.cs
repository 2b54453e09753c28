namespace Foresight.Series;

/// <summary>
/// The one interface through which the engine reads and writes series data. The embedded default
/// is <c>SqliteTimeSeriesStore</c>; a PostgreSQL implementation will sit behind the same
/// contract, so nothing outside a store implementation may talk SQL. API keys live behind
/// <see cref="Foresight.Security.IApiKeyStore"/> and housekeeping behind <see cref="IStoreMaintenance"/>.
/// </summary>
/// <remarks>
/// Contract: <see cref="AppendAsync"/> stores the points of a batch that pass <see cref="AppendValidator"/>
/// and refuses the others, reporting them (as Prometheus' receiver appends a batch's good samples and
/// reports the out-of-order ones), so one bad series never holds back the rest; what it reports stored is
/// durable when it returns, and a failure of the store itself (<see cref="StoreWriteException"/>) stores
/// nothing of the batch. Readers see a series' points in timestamp order with at
/// most one value per timestamp (the newest write wins). All members are thread-safe. A store
/// raises no events: the caller of <see cref="AppendAsync"/> hands <see cref="AppendResult.Stored"/>
/// on to whoever consumes accepted data (the ingest feed).
/// </remarks>
public interface ITimeSeriesStore : IAsyncDisposable
{
    /// <summary>
    /// Validates a batch against <see cref="StoreOptions"/> and makes the points that pass durable
    /// (write-ahead log synced) and visible; the refused ones are listed in <see cref="AppendResult.Rejections"/>.
    /// A series is created only when at least one of its points is stored.
    /// </summary>
    /// <exception cref="StoreWriteException">The batch could not be written (a full disk, an I/O error); nothing of it was stored, and sending it again once the cause is gone stores it.</exception>
    ValueTask<AppendResult> AppendAsync(string tenant, IReadOnlyList<SeriesWrite> batch, CancellationToken cancellationToken = default);

    /// <summary>The tenant's series that match a selector, in id order.</summary>
    ValueTask<IReadOnlyList<SeriesInfo>> FindAsync(string tenant, SeriesSelector selector, CancellationToken cancellationToken = default);

    /// <summary>The tenants that have at least one series, in ordinal order.</summary>
    ValueTask<IReadOnlyList<string>> TenantsAsync(CancellationToken cancellationToken = default);

    /// <summary>One series by id, or null when it does not exist or belongs to another tenant.</summary>
    ValueTask<SeriesInfo?> GetAsync(string tenant, long seriesId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends the points of a series with <paramref name="from"/> ≤ timestamp &lt; <paramref name="to"/>
    /// to <paramref name="into"/> in timestamp order. Returns false when the series does not
    /// exist for this tenant.
    /// </summary>
    ValueTask<bool> ReadAsync(string tenant, long seriesId, long from, long to, List<Point> into, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads many series at once over [<paramref name="from"/>, <paramref name="to"/>): one entry per id
    /// that exists for this tenant, in the order asked (an id asked twice is answered twice); ids that do
    /// not exist or belong to another tenant are left out. Each entry's points are as <see cref="ReadAsync"/>
    /// gives them.
    /// </summary>
    ValueTask<IReadOnlyList<SeriesPoints>> ReadManyAsync(string tenant, IReadOnlyList<long> seriesIds, long from, long to,
        CancellationToken cancellationToken = default);

    /// <summary>Sizes and counts for self-observability.</summary>
    ValueTask<StoreStats> GetStatsAsync(CancellationToken cancellationToken = default);
}

/// <summary>Points for one series in an append batch.</summary>
/// <param name="Metric">Metric name (<c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>).</param>
/// <param name="Labels">The series' labels.</param>
/// <param name="Points">The points, in any order.</param>
public sealed record SeriesWrite(string Metric, Labels Labels, IReadOnlyList<Point> Points);

/// <summary>The points one accepted batch stored for one series (staleness markers and dropped points left out).</summary>
public sealed record AppendedSeries(SeriesInfo Series, IReadOnlyList<Point> Points);

/// <summary>One series' points from <see cref="ITimeSeriesStore.ReadManyAsync"/>, in timestamp order.</summary>
public sealed record SeriesPoints(long SeriesId, List<Point> Points);

/// <summary>A stored series.</summary>
public sealed record SeriesInfo(long Id, string Tenant, string Metric, Labels Labels);

/// <summary>Why one point of a batch was refused.</summary>
/// <param name="SeriesIndex">Index of the series in the batch.</param>
/// <param name="Series">The series' canonical name.</param>
/// <param name="PointIndex">Index of the point within the series, or -1 for a problem with the series itself.</param>
/// <param name="Reason">What is wrong, in words a user can act on.</param>
public sealed record PointRejection(int SeriesIndex, string Series, int PointIndex, string Reason);

/// <summary>The outcome of <see cref="ITimeSeriesStore.AppendAsync"/>: what was stored and what was refused.</summary>
/// <param name="PointsAccepted">Points stored.</param>
/// <param name="PointsDropped">Points left out by policy (staleness markers, NaN with policy drop); not refusals.</param>
/// <param name="PointsRejected">Points refused (out of order, out of bounds, of a series with an invalid name or one that could not be recorded); the rest of the batch was stored.</param>
/// <param name="Rejections">Why (at most 20 listed, then a summary entry), each naming its series and point.</param>
/// <param name="Stored">Each series and the points stored for it: what the caller hands to the ingest feed.</param>
public sealed record AppendResult(int PointsAccepted, int PointsDropped, int PointsRejected, IReadOnlyList<PointRejection> Rejections,
    IReadOnlyList<AppendedSeries> Stored)
{
    /// <summary>Whether nothing of the batch was refused (every point stored or dropped by policy).</summary>
    public bool Accepted => Rejections.Count == 0;

    /// <summary>A batch stored whole.</summary>
    public static AppendResult Ok(int accepted, int dropped, IReadOnlyList<AppendedSeries> stored) => new(accepted, dropped, 0, [], stored);

    /// <summary>A batch of which nothing was stored, for the reasons given (one point each).</summary>
    public static AppendResult Rejected(IReadOnlyList<PointRejection> rejections) => new(0, 0, rejections.Count, rejections, []);
}

/// <summary>Store figures for <c>/metrics</c> and benchmarks.</summary>
public sealed record StoreStats(long SeriesCount, long StoredChunks, long StoredPoints, long StoredChunkBytes,
    long HeadPoints, long WalBytes, long DatabaseBytes);
