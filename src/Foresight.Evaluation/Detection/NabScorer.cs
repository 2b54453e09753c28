using Foresight.Detection;

namespace Foresight.Evaluation.Detection;

/// <summary>A detector's NAB result under one profile at one threshold.</summary>
/// <param name="Profile">Profile name.</param>
/// <param name="Threshold">θ: a row is a detection when its anomaly score is ≥ θ.</param>
/// <param name="RawScore">S(θ), the sum of the per-file scores.</param>
/// <param name="Score">The NAB score, 100·(S − S_null)/(S_perfect − S_null): 0 for the null detector, 100 for a perfect one; negative when worse than null.</param>
/// <param name="TruePositives">Detected non-probationary rows inside windows (informational).</param>
/// <param name="FalsePositives">Detected non-probationary rows outside windows.</param>
/// <param name="FalseNegatives">Undetected non-probationary rows inside windows.</param>
/// <param name="TrueNegatives">Undetected non-probationary rows outside windows.</param>
/// <param name="FileScores">S_f(θ) per relative path.</param>
public sealed record NabScore(
    string Profile, double Threshold, double RawScore, double Score,
    int TruePositives, int FalsePositives, int FalseNegatives, int TrueNegatives,
    IReadOnlyDictionary<string, double> FileScores);

/// <summary>
/// The Numenta Anomaly Benchmark scorer (Lavin &amp; Ahmad, "Evaluating Real-time Anomaly Detection
/// Algorithms – the Numenta Anomaly Benchmark", ICMLA 2015; Ahmad et al., "Unsupervised real-time
/// anomaly detection for streaming data", Neurocomputing 2017), reproducing the official numbers.
/// </summary>
/// <remarks>
/// <para>At threshold θ a row is a detection when its score is ≥ θ; probationary rows never count.
/// Each window adds the weight of its best (earliest) detection, or −A_FN if missed; every
/// detection outside windows adds its own negative weight (see <see cref="NabFile"/>). The corpus
/// raw score S(θ) sums the files and is normalized against the null detector (−A_FN per window)
/// and the perfect one (A_TP per window).</para>
/// <para><see cref="Optimize(NabCorpus, IReadOnlyDictionary{string, double[]}, IReadOnlyList{NabProfile})"/>
/// is NAB's threshold search: one θ for all files, chosen among 1.1 ("detect nothing") and every
/// distinct non-probationary score by a single descending sweep over the pooled rows; ties go to
/// the larger θ. The official scoreboard is tuned this way on the test set itself, so report
/// <see cref="Score"/> at a θ fixed in advance beside it.</para>
/// <para>Scores are aligned with the data rows by index and must be finite (NaN is rejected).</para>
/// </remarks>
public static class NabScorer
{
    /// <summary>The "detect nothing" threshold NAB's sweep starts from.</summary>
    public const double NothingThreshold = 1.1;

    /// <summary>Scores a detector at a fixed threshold.</summary>
    /// <param name="corpus">The corpus.</param>
    /// <param name="scoresByFile">One anomaly score per data row for every corpus file, keyed by relative path; extra keys are ignored.</param>
    /// <param name="profile">Cost matrix.</param>
    /// <param name="threshold">θ; any value (below every score means every row is detected).</param>
    /// <exception cref="ArgumentException">A file is missing, has the wrong number of scores, or a score is not finite.</exception>
    public static NabScore Score(NabCorpus corpus, IReadOnlyDictionary<string, double[]> scoresByFile, NabProfile profile, double threshold)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(scoresByFile);
        ArgumentNullException.ThrowIfNull(profile);
        if (double.IsNaN(threshold)) throw new ArgumentException("threshold is NaN", nameof(threshold));
        var perFile = new Dictionary<string, double>(corpus.Files.Count, StringComparer.Ordinal);
        int tp = 0, fp = 0, fn = 0, tn = 0;
        var raw = 0.0;
        foreach (var file in corpus.Files)
        {
            var scores = ScoresOf(scoresByFile, file);
            var s = ScoreFile(file, scores, profile, threshold, ref tp, ref fp, ref fn, ref tn);
            perFile[file.RelativePath] = s;
            raw += s;
        }
        return new NabScore(profile.Name, threshold, raw, Normalize(raw, corpus.WindowCount, profile), tp, fp, fn, tn, perFile);
    }

    /// <summary>S_f(θ) of one file: window hits (or −A_FN per miss) plus the weights of detections outside windows.</summary>
    public static double ScoreFile(NabFile file, ReadOnlySpan<double> scores, NabProfile profile, double threshold)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(profile);
        if (scores.Length != file.Length) throw new ArgumentException($"{file.RelativePath}: {scores.Length} scores for {file.Length} rows", nameof(scores));
        int tp = 0, fp = 0, fn = 0, tn = 0;
        return ScoreFile(file, scores, profile, threshold, ref tp, ref fp, ref fn, ref tn);
    }

    /// <summary>The NAB score: 100·(S − S_null)/(S_perfect − S_null) with S_null = −A_FN·windows and S_perfect = A_TP·windows.</summary>
    public static double Normalize(double rawScore, int windowCount, NabProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var nullScore = -profile.FalseNegativeWeight * windowCount;
        var perfect = profile.TruePositiveWeight * windowCount;
        return 100 * (rawScore - nullScore) / (perfect - nullScore);
    }

    /// <summary>NAB's threshold optimization for one profile; the result's <see cref="NabScore.Threshold"/> is θ*.</summary>
    public static NabScore Optimize(NabCorpus corpus, IReadOnlyDictionary<string, double[]> scoresByFile, NabProfile profile) =>
        Optimize(corpus, scoresByFile, [profile])[0];

    /// <summary>
    /// NAB's threshold optimization for several profiles: pools the non-probationary rows of all
    /// files, sorts them by score once, and sweeps once per profile. Each result is
    /// <see cref="Score"/> at that profile's θ*.
    /// </summary>
    /// <exception cref="ArgumentException">A file is missing, has the wrong number of scores, or a score is not finite.</exception>
    public static IReadOnlyList<NabScore> Optimize(NabCorpus corpus, IReadOnlyDictionary<string, double[]> scoresByFile, IReadOnlyList<NabProfile> profiles)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(scoresByFile);
        ArgumentNullException.ThrowIfNull(profiles);
        var pool = Pool.Build(corpus, scoresByFile);
        var result = new NabScore[profiles.Count];
        for (var p = 0; p < profiles.Count; p++)
        {
            var threshold = pool.Sweep(profiles[p]);
            result[p] = Score(corpus, scoresByFile, profiles[p], threshold);
        }
        return result;
    }

    /// <summary>S(θ) for every candidate θ of the sweep, in descending θ (for inspection and plots).</summary>
    public static IReadOnlyList<(double Threshold, double RawScore)> Curve(NabCorpus corpus, IReadOnlyDictionary<string, double[]> scoresByFile, NabProfile profile)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(scoresByFile);
        ArgumentNullException.ThrowIfNull(profile);
        var curve = new List<(double, double)>();
        Pool.Build(corpus, scoresByFile).Sweep(profile, curve);
        return curve;
    }

    private static double ScoreFile(NabFile file, ReadOnlySpan<double> scores, NabProfile profile, double threshold, ref int tp, ref int fp, ref int fn, ref int tn)
    {
        var windows = file.Windows.Count;
        Span<double> best = windows <= 64 ? stackalloc double[windows] : new double[windows];
        best.Fill(double.NegativeInfinity);
        var fpWeight = profile.FalsePositiveWeight;
        var rowWindow = file.RowWindow;
        var unit = file.UnitWeight;
        var falsePositiveSum = 0.0;
        for (var i = file.ProbationaryLength; i < scores.Length; i++)
        {
            var detected = scores[i] >= threshold;
            var w = rowWindow[i];
            if (w >= 0)
            {
                if (!detected) { fn++; continue; }
                tp++;
                var s = unit[i] * profile.TruePositiveWeight / NabFile.MaxTruePositive;   // NAB's order: exactly A_TP at a window's first row
                if (s > best[w]) best[w] = s;
            }
            else if (detected)
            {
                fp++;
                falsePositiveSum += unit[i] * fpWeight;
            }
            else
            {
                tn++;
            }
        }
        var total = falsePositiveSum;
        for (var k = 0; k < windows; k++)
        {
            if (file.Windows[k].End < file.ProbationaryLength) continue;
            total += double.IsNegativeInfinity(best[k]) ? -profile.FalseNegativeWeight : best[k];
        }
        return total;
    }

    private static double[] ScoresOf(IReadOnlyDictionary<string, double[]> scoresByFile, NabFile file)
    {
        if (!scoresByFile.TryGetValue(file.RelativePath, out var scores) || scores is null) throw new ArgumentException($"no scores for {file.RelativePath}", nameof(scoresByFile));
        if (scores.Length != file.Length) throw new ArgumentException($"{file.RelativePath}: {scores.Length} scores for {file.Length} rows", nameof(scoresByFile));
        for (var i = file.ProbationaryLength; i < scores.Length; i++)
        {
            if (!double.IsFinite(scores[i])) throw new ArgumentException($"{file.RelativePath}: the score of row {i} is {scores[i]}; scores must be finite", nameof(scoresByFile));
        }
        return scores;
    }

    /// <summary>The non-probationary rows of every file, sorted by descending score, with their window and unit weight.</summary>
    private sealed class Pool
    {
        private double[] _score = [];
        private int[] _window = [];        // corpus-wide window id, or −1
        private double[] _unit = [];
        private bool[] _scored = [];     // false for windows lying wholly in probation
        private int _windowCount;

        public static Pool Build(NabCorpus corpus, IReadOnlyDictionary<string, double[]> scoresByFile)
        {
            var n = 0;
            foreach (var f in corpus.Files) n += Math.Max(0, f.Length - f.ProbationaryLength);
            var keys = new double[n];
            var window = new int[n];
            var unit = new double[n];
            int row = 0, windowBase = 0;
            foreach (var f in corpus.Files)
            {
                var scores = ScoresOf(scoresByFile, f);
                for (var i = f.ProbationaryLength; i < f.Length; i++, row++)
                {
                    keys[row] = -scores[i];   // ascending sort of the negation = descending scores
                    window[row] = f.RowWindow[i] < 0 ? -1 : windowBase + f.RowWindow[i];
                    unit[row] = f.UnitWeight[i];
                }
                windowBase += f.Windows.Count;
            }
            var order = new int[n];
            for (var i = 0; i < n; i++) order[i] = i;
            Array.Sort(keys, order);
            var pool = new Pool { _score = new double[n], _window = new int[n], _unit = new double[n], _windowCount = windowBase };
            for (var i = 0; i < n; i++)
            {
                pool._score[i] = -keys[i];
                pool._window[i] = window[order[i]];
                pool._unit[i] = unit[order[i]];
            }
            pool._scored = new bool[windowBase];
            windowBase = 0;
            foreach (var f in corpus.Files)
            {
                for (var k = 0; k < f.Windows.Count; k++) pool._scored[windowBase + k] = f.Windows[k].End >= f.ProbationaryLength;
                windowBase += f.Windows.Count;
            }
            return pool;
        }

        /// <summary>The θ maximizing S(θ), the first met in descending order on ties; optionally records the whole curve.</summary>
        public double Sweep(NabProfile profile, List<(double, double)>? curve = null)
        {
                var best = new double[_windowCount];
            for (var k = 0; k < best.Length; k++) best[k] = _scored[k] ? -profile.FalseNegativeWeight : 0.0;
            var windowSum = SumWindows(best);
            var falsePositiveSum = 0.0;
            // "Detect nothing" is 1.1 unless some score reaches it (then just above the largest score).
            var nothing = _score.Length > 0 && _score[0] >= NothingThreshold ? Math.BitIncrement(_score[0]) : NothingThreshold;
            var bestTheta = nothing;
            var bestScore = falsePositiveSum + windowSum;
            curve?.Add((nothing, bestScore));
            for (var i = 0; i < _score.Length;)
            {
                var theta = _score[i];
                var changed = false;
                for (; i < _score.Length && _score[i] == theta; i++)
                {
                    var w = _window[i];
                    if (w < 0)
                    {
                        falsePositiveSum += _unit[i] * profile.FalsePositiveWeight;
                        continue;
                    }
                    var s = _unit[i] * profile.TruePositiveWeight / NabFile.MaxTruePositive;
                    if (s > best[w]) { best[w] = s; changed = true; }
                }
                // Summed afresh (not incrementally) so an unchanged window total stays bit-identical and exact ties stay ties.
                if (changed) windowSum = SumWindows(best);
                var total = falsePositiveSum + windowSum;
                curve?.Add((theta, total));
                if (total > bestScore) { bestScore = total; bestTheta = theta; }
            }
            return bestTheta;
        }

        private static double SumWindows(double[] best)
        {
            var sum = 0.0;
            foreach (var b in best) sum += b;
            return sum;
        }
    }
}
