using Foresight.Series;

namespace Foresight.Capacity;

/// <summary>The load a latency objective allows, and how far the current load is from it.</summary>
/// <param name="MaxLoad">Highest arrival rate at which the latency quantile stays within the objective.</param>
/// <param name="CurrentLoad">The load it is compared with.</param>
/// <param name="Headroom">MaxLoad − CurrentLoad (negative when the objective is already broken).</param>
/// <param name="HeadroomShare">Headroom / CurrentLoad: 0.4 means 40% more load fits.</param>
public sealed record SloHeadroom(double MaxLoad, double CurrentLoad, double Headroom, double HeadroomShare);

/// <summary>When a load path first exceeds the load a latency objective allows.</summary>
/// <param name="MaxLoad">The highest load within the objective.</param>
/// <param name="BreachAt">Unix ms when the load first crosses <paramref name="MaxLoad"/> (interpolated between points), or null when it never does.</param>
public sealed record SloBreach(double MaxLoad, long? BreachAt);

public sealed partial class LatencyModel
{
    /// <summary>
    /// The fewest replicas, each one copy of the fitted queue with the load split evenly, that keep the
    /// <paramref name="quantile"/> latency within <paramref name="objective"/> at <paramref name="totalLoad"/>.
    /// False when no count up to <paramref name="maxReplicas"/> does (the objective is below the latency at no load).
    /// </summary>
    public bool TryReplicasFor(double totalLoad, double objective, out int replicas, out string error, double quantile = 0.99, int maxReplicas = 10_000)
    {
        replicas = 0;
        if (!TryMaxLoad(objective, out var perReplica, out error, quantile)) return false;
        if (!(totalLoad >= 0) || double.IsPositiveInfinity(totalLoad))
        {
            error = $"the load must be a finite number ≥ 0 (got {totalLoad})";
            return false;
        }
        var needed = Math.Max(1, Math.Ceiling(totalLoad / perReplica - 1e-12));
        if (needed > maxReplicas)
        {
            error = FormattableString.Invariant($"{needed} replicas are needed at {perReplica:G4}/s each, more than the limit of {maxReplicas}");
            return false;
        }
        replicas = (int)needed;
        return true;
    }

    /// <summary>
    /// The highest load at which the <paramref name="quantile"/> latency stays within <paramref name="objective"/>
    /// (latency quantiles rise with load, so bisection on [0, cμ) finds it). False when even an idle
    /// service misses the objective.
    /// </summary>
    public bool TryMaxLoad(double objective, out double maxLoad, out string error, double quantile = 0.99)
    {
        if (!(quantile > 0 && quantile < 1)) throw new ArgumentOutOfRangeException(nameof(quantile), quantile, "the quantile must be in (0, 1)");
        maxLoad = 0;
        var idle = Queue.ResponseQuantile(0, quantile);
        if (!(objective > idle))
        {
            error = FormattableString.Invariant($"the objective {objective:G4} is not above the p{100 * quantile:0.#} latency of an idle replica ({idle:G4}); no load meets it");
            return false;
        }
        double lo = 0, hi = Queue.SaturationLoad;
        for (var i = 0; i < 100 && hi - lo > 1e-10 * hi; i++)
        {
            var mid = 0.5 * (lo + hi);
            if (Queue.ResponseQuantile(mid, quantile) <= objective) lo = mid; else hi = mid;
        }
        maxLoad = lo;
        error = "";
        return true;
    }

    /// <summary>The load the objective allows beside <paramref name="currentLoad"/>; false when no load meets the objective.</summary>
    public bool TryHeadroom(double currentLoad, double objective, out SloHeadroom? headroom, out string error, double quantile = 0.99)
    {
        headroom = null;
        if (!TryMaxLoad(objective, out var max, out error, quantile)) return false;
        headroom = new SloHeadroom(max, currentLoad, max - currentLoad, currentLoad > 0 ? (max - currentLoad) / currentLoad : double.PositiveInfinity);
        return true;
    }

    /// <summary>
    /// When a load path (a forecast: timestamps in Unix ms, ascending, with the load at each) first exceeds
    /// the load the objective allows, linearly interpolated between the two points around the crossing.
    /// </summary>
    public bool TryBreach(IReadOnlyList<Point> loadPath, double objective, out SloBreach? breach, out string error, double quantile = 0.99)
    {
        ArgumentNullException.ThrowIfNull(loadPath);
        breach = null;
        if (loadPath.Count == 0)
        {
            error = "the load path is empty";
            return false;
        }
        for (var i = 1; i < loadPath.Count; i++)
        {
            if (loadPath[i].Timestamp <= loadPath[i - 1].Timestamp)
            {
                error = $"the load path's timestamps must increase (point {i} is not after point {i - 1})";
                return false;
            }
        }
        if (!TryMaxLoad(objective, out var max, out error, quantile)) return false;
        long? at = null;
        if (loadPath[0].Value > max) at = loadPath[0].Timestamp;
        for (var i = 1; i < loadPath.Count && at is null; i++)
        {
            var (a, b) = (loadPath[i - 1], loadPath[i]);
            if (b.Value <= max) continue;
            var share = (max - a.Value) / (b.Value - a.Value);
            at = a.Timestamp + (long)Math.Round(share * (b.Timestamp - a.Timestamp));
        }
        breach = new SloBreach(max, at);
        return true;
    }

    /// <summary>
    /// When load growing at a steady compound rate from <paramref name="currentLoad"/> at <paramref name="now"/>
    /// (Unix ms) exceeds the load the objective allows: now + ln(max/current)/ln(1 + growth) days;
    /// null when it never does (growth ≤ 0 below the limit). The time of an already-broken objective is now. Relative daily growth
    /// <paramref name="growthPerDay"/> is 0.01 for 1% a day and must exceed −1.
    /// </summary>
    public bool TryBreach(double currentLoad, long now, double growthPerDay, double objective, out SloBreach? breach, out string error, double quantile = 0.99)
    {
        breach = null;
        if (!(currentLoad > 0) || !double.IsFinite(currentLoad) || !(growthPerDay > -1) || !double.IsFinite(growthPerDay))
        {
            error = $"the current load must be positive and the daily growth a number above -1 (got {currentLoad}, {growthPerDay})";
            return false;
        }
        if (!TryMaxLoad(objective, out var max, out error, quantile)) return false;
        long? at = currentLoad > max ? now
            : growthPerDay > 0 ? now + (long)Math.Round(Math.Log(max / currentLoad) / Math.Log(1 + growthPerDay) * 86_400_000)
            : null;
        breach = new SloBreach(max, at);
        return true;
    }
}
