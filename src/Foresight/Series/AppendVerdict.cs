namespace Foresight.Series;

/// <summary>
/// What <see cref="AppendValidator.Validate{TKey}"/> decided for one batch: which series and points are
/// refused (and why), so the store writes the others. Costs nothing beyond the object when nothing is
/// refused, the common case.
/// </summary>
public sealed class AppendVerdict
{
    private readonly AppendValidator _validator;
    private readonly List<PointRejection> _listed = [];
    private HashSet<int>? _refusedSeries;
    private HashSet<(int Entry, int Point)>? _refusedPoints;
    private int _refusals;

    internal AppendVerdict(AppendValidator validator) => _validator = validator;

    /// <summary>The refusals, at most <see cref="AppendValidator.MaxListedRejections"/> then one <c>... and N more rejected points</c> entry.</summary>
    public IReadOnlyList<PointRejection> Rejections => _refusals > _listed.Count
        ? [.. _listed, new PointRejection(-1, "", -1, $"... and {_refusals - _listed.Count} more rejected points")]
        : _listed;

    /// <summary>Points refused in all (those of a refused series included; staleness markers never count).</summary>
    public int RejectedPoints { get; private set; }

    /// <summary>Whether nothing was refused.</summary>
    public bool AllAccepted => RejectedPoints == 0 && _refusedSeries is null;

    /// <summary>Whether the whole entry is refused (its metric name is not valid).</summary>
    public bool RefusesSeries(int entry) => _refusedSeries?.Contains(entry) == true;

    /// <summary>Whether point <paramref name="point"/> of entry <paramref name="entry"/> is refused (its series included).</summary>
    public bool Refuses(int entry, int point) => RefusesSeries(entry) || _refusedPoints?.Contains((entry, point)) == true;

    /// <summary>Whether point <paramref name="point"/> of entry <paramref name="entry"/>, whose value is <paramref name="value"/>, is stored: not refused, and kept by <see cref="AppendValidator.Keeps"/>.</summary>
    public bool Stores(int entry, int point, double value) => _validator.Keeps(value) && !Refuses(entry, point);

    /// <summary>Whether at least one point of entry <paramref name="entry"/> of <paramref name="batch"/> is stored: only then does its series need to exist.</summary>
    public bool StoresAny(IReadOnlyList<SeriesWrite> batch, int entry)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var points = batch[entry].Points;
        for (var j = 0; j < points.Count; j++)
        {
            if (Stores(entry, j, points[j].Value)) return true;
        }
        return false;
    }

    /// <summary>
    /// Refuses a whole entry after validation, for a reason found by the store (its series could not be
    /// recorded); <paramref name="points"/> is how many points that leaves out.
    /// </summary>
    public void RefuseSeries(int entry, int points, PointRejection rejection)
    {
        ArgumentNullException.ThrowIfNull(rejection);
        if (!(_refusedSeries ??= []).Add(entry)) return;
        RejectedPoints += points;
        _refusals++;
        if (_listed.Count < AppendValidator.MaxListedRejections) _listed.Add(rejection);
    }

    internal void RefusePoint(int entry, int point, Func<PointRejection> rejection)
    {
        if (!(_refusedPoints ??= []).Add((entry, point))) return;
        RejectedPoints++;
        _refusals++;
        if (_listed.Count < AppendValidator.MaxListedRejections) _listed.Add(rejection());
    }
}
