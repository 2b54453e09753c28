using Foresight.Numerics;

namespace Foresight.Scaling;

/// <summary>
/// Forecast demand over the coming grid steps: a point forecast and an upper quantile per step.
/// Step i covers [<see cref="Start"/> + i·<see cref="Step"/>, <see cref="Start"/> + (i+1)·<see cref="Step"/>).
/// </summary>
/// <param name="Start">Start of the first forecast step, Unix ms.</param>
/// <param name="Step">Grid step, ms.</param>
/// <param name="Mean">Point forecast per step.</param>
/// <param name="Upper">Upper quantile forecast per step (at least <paramref name="Mean"/>).</param>
/// <param name="Level">Level of <paramref name="Upper"/> (e.g. 0.93).</param>
/// <param name="Surprise">How far the last two values were above their own one-step-ahead forecasts, in widths
/// of those forecasts' upper bands ((y − mean) / (upper − mean); the smaller of the two, so a single outlier
/// does not count): 1 is the band's edge; NaN when there was no forecast.</param>
public sealed record DemandOutlook(long Start, long Step, double[] Mean, double[] Upper, double Level, double Surprise = double.NaN)
{
    /// <summary>Per step, the sorted recent errors the band was taken from (in units of <see cref="ErrorScale"/>), or null.</summary>
    public double[][]? Errors { get; init; }

    /// <summary>Per step, the scale the <see cref="Errors"/> are in.</summary>
    public double[]? ErrorScale { get; init; }

    /// <summary>
    /// Recent forecasts' errors at every step together, in <see cref="ErrorScale"/> units: row r is
    /// <c>JointErrors[r * Mean.Length .. (r + 1) * Mean.Length]</c>, the errors one past forecast made at each of its
    /// steps. Errors at neighbouring steps move together (a burst the forecast missed is missed at every lead), and
    /// the rows keep that; null when there are none.
    /// </summary>
    public double[]? JointErrors { get; init; }

    /// <summary>
    /// P(demand ≤ <paramref name="capacity"/> at every step from <paramref name="first"/> to <paramref name="last"/>):
    /// the share of <see cref="JointErrors"/> rows that stay within it at all those steps, or, without them, the
    /// product of the steps' chances (<see cref="Exceedance"/>) as if their errors were independent. 1 when the range is empty.
    /// </summary>
    public double Covered(int first, int last, double capacity)
    {
        if (first > last) return 1;
        var width = Mean.Length;
        if (JointErrors is { Length: > 0 } joint && ErrorScale is { } scale && joint.Length % width == 0)
        {
            var rows = joint.Length / width;
            var covered = 0;
            for (var r = 0; r < rows; r++)
            {
                var row = joint.AsSpan(r * width, width);
                var ok = true;
                for (var i = first; i <= last && ok; i++) ok = Mean[i] + scale[i] * row[i] <= capacity;
                if (ok) covered++;
            }
            return covered / (double)rows;
        }
        var product = 1.0;
        for (var i = first; i <= last; i++) product *= 1 - Exceedance(i, capacity);
        return product;
    }

    /// <summary>
    /// P(demand of step <paramref name="index"/> &gt; <paramref name="value"/>): the share of the recent errors that would
    /// put it there, or, without errors, a normal tail whose <see cref="Level"/> quantile is the upper band.
    /// </summary>
    public double Exceedance(int index, double value)
    {
        var mean = Mean[index];
        if (Errors is { } errors && ErrorScale is { } scale && errors[index].Length > 0)
        {
            var sorted = errors[index];
            var threshold = (value - mean) / scale[index];
            int lo = 0, hi = sorted.Length;       // first error above the threshold
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (sorted[mid] <= threshold) lo = mid + 1; else hi = mid;
            }
            return (sorted.Length - lo) / (double)sorted.Length;
        }
        var z = NormalTail.InverseStandardCdf(Math.Clamp(Level, 0.5 + 1e-9, 1 - 1e-9));
        var sigma = (Upper[index] - mean) / Math.Max(z, 1e-9);
        if (!(sigma > 1e-12)) return value < mean ? 1 : 0;
        return 1 - NormalTail.StandardCdf((value - mean) / sigma);
    }

    /// <summary>Index of the step holding <paramref name="time"/>, or -1 before the start.</summary>
    public int IndexAt(long time) => time < Start ? -1 : (int)Math.Min(int.MaxValue, (time - Start) / Step);

    /// <summary>
    /// Indexes of the first and last steps that overlap [from, to] (First &gt; Last when none do). A time
    /// before the first step counts as the first step (the forecast starts where the data end).
    /// </summary>
    public (int First, int Last) StepsOver(long from, long to) =>
        (Math.Max(0, IndexAt(from)), Math.Min(Mean.Length - 1, Math.Max(0, IndexAt(to))));

    /// <summary>The largest upper and mean forecast over the steps that overlap [from, to] (<see cref="StepsOver"/>); NaN when none do.</summary>
    public (double Upper, double Mean) PeakOver(long from, long to)
    {
        var (first, last) = StepsOver(from, to);
        if (first > last) return (double.NaN, double.NaN);
        double upper = double.NegativeInfinity, mean = double.NegativeInfinity;
        for (var i = first; i <= last; i++)
        {
            upper = Math.Max(upper, Upper[i]);
            mean = Math.Max(mean, Mean[i]);
        }
        return (upper, mean);
    }
}
