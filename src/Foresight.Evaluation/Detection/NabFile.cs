using Foresight.Detection;

namespace Foresight.Evaluation.Detection;

/// <summary>A labelled anomaly window of a NAB file, as 0-based row indices; both ends inclusive.</summary>
/// <param name="Start">First row of the window.</param>
/// <param name="End">Last row of the window (at least <paramref name="Start"/>).</param>
public readonly record struct NabWindow(int Start, int End)
{
    /// <summary>Number of rows in the window.</summary>
    public int Width => End - Start + 1;
}

/// <summary>
/// One series of the Numenta Anomaly Benchmark (Lavin &amp; Ahmad, "Evaluating Real-time Anomaly
/// Detection Algorithms – the Numenta Anomaly Benchmark", ICMLA 2015): its rows, its labelled
/// windows resolved to row indices, and the per-row weights the NAB scorer gives a detection.
/// </summary>
/// <remarks>
/// <para>The first <see cref="ProbationaryLength"/> rows, min(⌊0.15·n⌋, 750), are the detector's
/// warm-up: they are never scored.</para>
/// <para>A detection at row i inside window k (width W) is worth A_TP·σ̃(−(b−i+1)/W)/σ̃(−1), so the
/// first row of a window earns exactly A_TP and later rows less; a detection outside every window
/// costs A_FP·σ̃((i−b)/(W−1)) after the most recent window (cheap right after it, −A_FP three widths
/// later) and −A_FP before the first window. σ̃(x) = 2/(1+e^{5x}) − 1 for x ≤ 3, else −1.</para>
/// </remarks>
public sealed class NabFile
{
    /// <summary>σ̃(−1), the worth of a detection at a window's first row before weighting.</summary>
    internal static readonly double MaxTruePositive = ScaledSigmoid(-1.0);

    /// <summary>Creates a file; <paramref name="windows"/> must be sorted, disjoint and inside the rows.</summary>
    /// <param name="relativePath">The NAB identity <c>&lt;category&gt;/&lt;file&gt;.csv</c>.</param>
    /// <param name="timestamps">Row timestamps, Unix milliseconds (NAB's naive timestamps read as UTC).</param>
    /// <param name="values">Row values, as long as <paramref name="timestamps"/>.</param>
    /// <param name="windows">Labelled windows as row indices.</param>
    /// <exception cref="ArgumentException">Lengths differ, or a window is out of range, unsorted or overlapping.</exception>
    public NabFile(string relativePath, long[] timestamps, double[] values, IReadOnlyList<NabWindow> windows)
    {
        ArgumentException.ThrowIfNullOrEmpty(relativePath);
        ArgumentNullException.ThrowIfNull(timestamps);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(windows);
        if (timestamps.Length != values.Length) throw new ArgumentException($"{relativePath}: {timestamps.Length} timestamps but {values.Length} values", nameof(values));
        var n = values.Length;
        for (var k = 0; k < windows.Count; k++)
        {
            var w = windows[k];
            if (w.Start < 0 || w.End < w.Start || w.End >= n) throw new ArgumentException($"{relativePath}: window {k} [{w.Start}, {w.End}] is not inside rows 0..{n - 1}", nameof(windows));
            if (k > 0 && w.Start <= windows[k - 1].End) throw new ArgumentException($"{relativePath}: window {k} [{w.Start}, {w.End}] overlaps or precedes window {k - 1}", nameof(windows));
        }
        RelativePath = relativePath;
        Timestamps = timestamps;
        Values = values;
        Windows = windows.ToArray();
        ProbationaryLength = Probation(n);
        RowWindow = new int[n];
        UnitWeight = new double[n];
        ComputeWeights();
        for (var k = 0; k < Windows.Count; k++) if (Windows[k].End >= ProbationaryLength) ScoredWindowCount++;
    }

    /// <summary>The NAB identity <c>&lt;category&gt;/&lt;file&gt;.csv</c>.</summary>
    public string RelativePath { get; }

    /// <summary>The category folder (the part before the slash).</summary>
    public string Category => RelativePath[..Math.Max(0, RelativePath.IndexOf('/'))];

    /// <summary>The file name without category and extension.</summary>
    public string Name => Path.GetFileNameWithoutExtension(RelativePath);

    /// <summary>Row timestamps, Unix milliseconds.</summary>
    public long[] Timestamps { get; }

    /// <summary>Row values.</summary>
    public double[] Values { get; }

    /// <summary>Number of rows.</summary>
    public int Length => Values.Length;

    /// <summary>The labelled windows, sorted and disjoint.</summary>
    public IReadOnlyList<NabWindow> Windows { get; }

    /// <summary>Rows never scored: min(⌊0.15·n⌋, 750), the first 15% of the file capped at 750.</summary>
    public int ProbationaryLength { get; }

    /// <summary>Windows with at least one non-probationary row; only these enter the score.</summary>
    public int ScoredWindowCount { get; }

    /// <summary>Index into <see cref="Windows"/> of the window holding each row, or −1.</summary>
    internal int[] RowWindow { get; }

    /// <summary>
    /// Per row, σ̃ of its position: inside a window σ̃(−(b−i+1)/W) (to be scaled by A_TP/σ̃(−1)),
    /// outside σ̃((i−b)/(W−1)) after the last window or −1 before the first (to be scaled by A_FP).
    /// </summary>
    internal double[] UnitWeight { get; }

    /// <summary>The probationary length of a file of <paramref name="rows"/> rows: min(⌊0.15·n⌋, 750), in double precision as NAB computes it.</summary>
    public static int Probation(int rows) => (int)Math.Min(Math.Floor(0.15 * rows), 0.15 * 5000);

    /// <summary>NAB's scaled sigmoid σ̃(x) = 2·sigmoid(−5x) − 1 for x ≤ 3, and −1 beyond.</summary>
    public static double ScaledSigmoid(double x) => x > 3.0 ? -1.0 : 2 * (1 / (1 + Math.Exp(5 * x))) - 1.0;

    /// <summary>The weighted value of a detection at <paramref name="row"/> under <paramref name="profile"/> (the spec's s_i).</summary>
    public double DetectionWeight(int row, NabProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return RowWindow[row] >= 0
            ? UnitWeight[row] * profile.TruePositiveWeight / MaxTruePositive
            : UnitWeight[row] * profile.FalsePositiveWeight;
    }

    private void ComputeWeights()
    {
        var next = 0;        // next window not yet passed
        var previous = -1;   // most recent window ending before the row
        for (var i = 0; i < Length; i++)
        {
            while (next < Windows.Count && Windows[next].End < i) previous = next++;
            if (next < Windows.Count && Windows[next].Start <= i)
            {
                var w = Windows[next];
                RowWindow[i] = next;
                UnitWeight[i] = ScaledSigmoid(-(double)(w.End - i + 1) / w.Width);
            }
            else
            {
                RowWindow[i] = -1;
                if (previous < 0)
                {
                    UnitWeight[i] = -1.0;
                }
                else
                {
                    var w = Windows[previous];
                    // NAB divides by W−1; a one-row window (never in NAB) makes every later row a full false positive.
                    UnitWeight[i] = w.Width == 1 ? -1.0 : ScaledSigmoid((double)Math.Abs(w.End - i) / (w.Width - 1));
                }
            }
        }
    }
}
