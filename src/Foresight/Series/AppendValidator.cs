using System.Globalization;

namespace Foresight.Series;

/// <summary>
/// The acceptance rules of every store backend, so a batch is accepted or refused the same way and
/// with the same words whichever backend holds it: a valid metric name, values allowed by the
/// <see cref="StoreOptions.NonFinite"/> policy, timestamps that are Unix milliseconds within the years
/// 1 to 9999, at most <see cref="StoreOptions.FutureTolerance"/> ahead of the store's clock, not older
/// than <see cref="StoreOptions.Retention"/>, and not older than the series' newest point by more than
/// <see cref="StoreOptions.OutOfOrderWindow"/> (the newest point as it would be after the batch's
/// earlier points of the same series). Prometheus staleness markers are never stored and never refused.
/// </summary>
/// <remarks>
/// A backend calls <see cref="Validate{TKey}"/> under whatever lock makes "the series' newest stored
/// timestamp" stable until it has written the batch, and stores exactly the points
/// <see cref="AppendVerdict.Stores"/> names: not the refused ones (reported, as Prometheus' receiver
/// reports out-of-order and out-of-bounds samples while appending the rest), not those <see cref="Keeps"/>
/// leaves out (counted as dropped). A series none of whose points is stored is not created, so a batch of
/// staleness markers alone leaves no empty series behind.
/// </remarks>
public sealed class AppendValidator(StoreOptions options)
{
    /// <summary>Rejections listed in full; beyond these one entry says how many more there were.</summary>
    public const int MaxListedRejections = 20;

    /// <summary>The bit pattern Prometheus writes to mark a series as stale; never stored.</summary>
    public const ulong StaleNaNBits = 0x7ff0000000000002UL;

    /// <summary>The rules in force.</summary>
    public StoreOptions Options { get; } = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>Whether a value is Prometheus' staleness marker.</summary>
    public static bool IsStale(double value) => BitConverter.DoubleToUInt64Bits(value) == StaleNaNBits;

    /// <summary>Whether a point of an accepted batch is stored: not a staleness marker, and not a non-finite value under policy drop.</summary>
    public bool Keeps(double value) =>
        !IsStale(value) && (double.IsFinite(value) || Options.NonFinite != NonFinitePolicy.Drop);

    /// <summary>
    /// Checks every point of a batch in batch order and says which are refused, as Prometheus' TSDB
    /// appender does: a refused point (or a series with an invalid name) is left out and the rest of the
    /// batch is stored. <see cref="AppendVerdict.Rejections"/> lists the refusals: those of invalid metric
    /// names first, then those of points, at most <see cref="MaxListedRejections"/> of them followed by a
    /// <c>... and N more rejected points</c> entry.
    /// </summary>
    /// <param name="batch">The batch.</param>
    /// <param name="seriesKeys">Per entry of <paramref name="batch"/>, a key naming its series: entries with equal keys are one series.</param>
    /// <param name="storedNewest">The newest timestamp stored for a series key, or <see cref="long.MinValue"/> when it has none (a new series).</param>
    public AppendVerdict Validate<TKey>(IReadOnlyList<SeriesWrite> batch, IReadOnlyList<TKey> seriesKeys, Func<TKey, long> storedNewest)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(seriesKeys);
        ArgumentNullException.ThrowIfNull(storedNewest);
        if (seriesKeys.Count != batch.Count) throw new ArgumentException("one key per entry of the batch is needed", nameof(seriesKeys));
        var verdict = new AppendVerdict(this);

        // Pass 1: the series themselves. The table is the validator's own between calls: a store validates batches of
        // thousands of series, and a fresh table that size, per request, is a large-object allocation.
        var newest = Interlocked.Exchange(ref _newest, null) as Dictionary<TKey, long> ?? new Dictionary<TKey, long>(batch.Count);
        try
        {
            Check(batch, seriesKeys, storedNewest, verdict, newest);
        }
        finally
        {
            newest.Clear();
            if (newest.EnsureCapacity(0) <= MaxKeptEntries) _newest = newest;
        }
        return verdict;
    }

    /// <summary>Series tables larger than this are not kept between batches.</summary>
    private const int MaxKeptEntries = 1 << 16;

    private object? _newest;

    private void Check<TKey>(IReadOnlyList<SeriesWrite> batch, IReadOnlyList<TKey> seriesKeys, Func<TKey, long> storedNewest, AppendVerdict verdict,
        Dictionary<TKey, long> newest)
        where TKey : notnull
    {
        var now = Options.Time.GetUtcNow().ToUnixTimeMilliseconds();
        var futureMs = (long)Options.FutureTolerance.TotalMilliseconds;
        var futureLimit = now + futureMs;
        var retentionMs = (long)Options.Retention.TotalMilliseconds;
        var oldestAllowed = retentionMs > 0 ? now - retentionMs : long.MinValue;
        var windowMs = (long)Options.OutOfOrderWindow.TotalMilliseconds;
        var rejectNonFinite = Options.NonFinite == NonFinitePolicy.Reject;
        for (var i = 0; i < batch.Count; i++)
        {
            var w = batch[i];
            if (!SeriesNames.IsValidMetricName(w.Metric))
            {
                verdict.RefuseSeries(i, w.Points.Count(p => !IsStale(p.Value)),
                    new PointRejection(i, w.Metric, -1, $"metric name '{w.Metric}' is not valid (expected [a-zA-Z_:][a-zA-Z0-9_:]*)"));
                continue;
            }
            if (!newest.ContainsKey(seriesKeys[i])) newest[seriesKeys[i]] = storedNewest(seriesKeys[i]);
        }

        // Pass 2: every point in batch order, tracking each series' newest timestamp as it is after the
        // points before it that are stored (a refused point does not move it).
        for (var i = 0; i < batch.Count; i++)
        {
            if (verdict.RefusesSeries(i)) continue;
            var w = batch[i];
            var newestTs = newest[seriesKeys[i]];
            var points = w.Points;
            for (var j = 0; j < points.Count; j++)
            {
                var p = points[j];
                if (IsStale(p.Value)) continue;
                string? reason = null;
                if (rejectNonFinite && !double.IsFinite(p.Value))
                {
                    reason = $"value {Format(p.Value)} is not finite and this server rejects NaN/Inf (non-finite policy 'reject')";
                }
                else if (p.Timestamp is < Point.MinTimestamp or > Point.MaxTimestamp)
                {
                    reason = $"timestamp {p.Timestamp} is not a Unix time in milliseconds between the years 1 and 9999 (is it in microseconds or nanoseconds?)";
                }
                else if (p.Timestamp > futureLimit)
                {
                    reason = $"timestamp {p.Timestamp} is {Ms(p.Timestamp - now)} in the future; at most {Ms(futureMs)} ahead of the server clock is accepted";
                }
                else if (p.Timestamp < oldestAllowed)
                {
                    reason = $"timestamp {p.Timestamp} is older than the retention period ({Ms(retentionMs)}); start the server with a longer --retention (0 keeps data forever) to import history";
                }
                else if (newestTs != long.MinValue && p.Timestamp < newestTs - windowMs)
                {
                    reason = $"timestamp {p.Timestamp} is out of order: {Ms(newestTs - p.Timestamp)} older than the series' newest point ({newestTs}); the out-of-order window is {Ms(windowMs)}";
                }
                else if (p.Timestamp > newestTs)
                {
                    newestTs = p.Timestamp;
                }
                if (reason is not null) Refuse(verdict, i, w, j, reason);
            }
            newest[seriesKeys[i]] = newestTs;
        }
    }

    /// <summary>Refuses one point (apart, so that the loop above allocates no closure for the points it accepts).</summary>
    private static void Refuse(AppendVerdict verdict, int entry, SeriesWrite write, int point, string reason) =>
        verdict.RefusePoint(entry, point, () => new PointRejection(entry, Describe(write), point, reason));

    /// <summary>
    /// The points of a batch as stored: per entry with at least one point <paramref name="verdict"/> stores,
    /// its series (from <paramref name="seriesOf"/>, by entry index) and those points: the entry's own list when it
    /// stores all of them, so a caller must not change a batch's lists while it uses the result.
    /// </summary>
    public static List<AppendedSeries> Stored(IReadOnlyList<SeriesWrite> batch, AppendVerdict verdict, Func<int, SeriesInfo> seriesOf)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(verdict);
        ArgumentNullException.ThrowIfNull(seriesOf);
        var result = new List<AppendedSeries>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            if (!verdict.StoresAny(batch, i)) continue;
            var source = batch[i].Points;
            var all = true;
            for (var j = 0; j < source.Count && all; j++) all = verdict.Stores(i, j, source[j].Value);
            if (all)
            {
                // The common case: the entry's own list, not copied.
                result.Add(new AppendedSeries(seriesOf(i), source));
                continue;
            }
            var points = new List<Point>(source.Count);
            for (var j = 0; j < source.Count; j++)
            {
                if (verdict.Stores(i, j, source[j].Value)) points.Add(source[j]);
            }
            result.Add(new AppendedSeries(seriesOf(i), points));
        }
        return result;
    }

    /// <summary>A duration in its two largest units (<c>2d3h</c>, <c>1h1m</c>, <c>5m30s</c>, <c>12.5s</c>), so 61 minutes does not read as 1h.</summary>
    public static string Ms(long ms)
    {
        var t = TimeSpan.FromMilliseconds(Math.Min(Math.Abs((double)ms), TimeSpan.MaxValue.TotalMilliseconds - 1));
        if (t.TotalDays >= 1) return Two((long)t.TotalDays, "d", t.Hours, "h");
        if (t.TotalHours >= 1) return Two(t.Hours, "h", t.Minutes, "m");
        if (t.TotalMinutes >= 1) return Two(t.Minutes, "m", t.Seconds, "s");
        return string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.###}s");

        static string Two(long major, string majorUnit, int minor, string minorUnit) =>
            minor == 0 ? $"{major}{majorUnit}" : $"{major}{majorUnit}{minor}{minorUnit}";
    }

    private static string Describe(SeriesWrite w) => new SeriesKey("", w.Metric, w.Labels).Canonical();

    private static string Format(double v) => v.ToString(CultureInfo.InvariantCulture);
}
