namespace Foresight.Forecasting;

/// <summary>
/// Decides which seasonal periods a series really has, so that a series without a cycle is not
/// given one. Candidates come from the sampling interval (a day and a week of steps, and an hour
/// for sub-minute data); each is kept when the data hold at least three of its cycles and its
/// autocorrelation passes the M4 competition's 90% significance test
/// (<see cref="ClassicalDecomposition.IsSeasonal"/>) on the series after removing a trend
/// (a centred moving average over the longest candidate period) and the shorter cycles already kept.
/// </summary>
public static class SeasonalityDetector
{
    /// <summary>Candidate periods, in steps, for a sampling interval: hour (sub-minute data), day and week; those of at least 2 steps.</summary>
    public static List<int> CandidatesFor(TimeSpan step)
    {
        var result = new List<int>();
        if (step <= TimeSpan.Zero) return result;
        foreach (var cycle in new[] { TimeSpan.FromHours(1), TimeSpan.FromDays(1), TimeSpan.FromDays(7) })
        {
            if (cycle == TimeSpan.FromHours(1) && step >= TimeSpan.FromMinutes(1)) continue;
            var steps = cycle / step;
            if (steps >= 2 && Math.Abs(steps - Math.Round(steps)) < 1e-9) result.Add((int)Math.Round(steps));
        }
        return result;
    }

    /// <summary>The candidate periods the data support, shortest first.</summary>
    public static List<int> Detect(ReadOnlySpan<double> y, IEnumerable<int> candidates)
    {
        var n = y.Length;
        var periods = candidates.Where(p => p >= 2 && n >= 3 * p).Distinct().Order().ToList();
        if (periods.Count == 0) return [];
        var residual = Detrend(y, periods[^1]);
        var kept = new List<int>();
        foreach (var p in periods)
        {
            // A longer period is tested on what the shorter kept cycles leave, so a weekly
            // candidate is kept only when the week adds a pattern of its own to the day.
            if (!ClassicalDecomposition.IsSeasonal(residual, p)) continue;
            kept.Add(p);
            RemoveCycle(residual, p);
        }
        return kept;
    }

    /// <summary>Subtracts the mean of each cycle position.</summary>
    private static void RemoveCycle(double[] x, int period)
    {
        var sums = new double[period];
        var counts = new int[period];
        for (var t = 0; t < x.Length; t++)
        {
            sums[t % period] += x[t];
            counts[t % period]++;
        }
        for (var t = 0; t < x.Length; t++) x[t] -= sums[t % period] / counts[t % period];
    }

    /// <summary>y minus its centred moving average of length <paramref name="window"/> (edges use the nearest full window).</summary>
    private static double[] Detrend(ReadOnlySpan<double> y, int window)
    {
        var n = y.Length;
        var result = new double[n];
        if (window >= n)
        {
            var mean = 0.0;
            foreach (var v in y) mean += v;
            mean /= n;
            for (var i = 0; i < n; i++) result[i] = y[i] - mean;
            return result;
        }
        var prefix = new double[n + 1];
        for (var i = 0; i < n; i++) prefix[i + 1] = prefix[i] + y[i];
        var half = window / 2;
        for (var i = 0; i < n; i++)
        {
            var start = Math.Clamp(i - half, 0, n - window);
            result[i] = y[i] - (prefix[start + window] - prefix[start]) / window;
        }
        return result;
    }
}
