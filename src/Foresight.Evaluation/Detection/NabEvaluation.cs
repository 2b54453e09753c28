using System.Diagnostics;
using Foresight.Detection;

namespace Foresight.Evaluation.Detection;

/// <summary>A detector's NAB evaluation: the official (threshold-optimized) scores and the scores at a threshold fixed in advance.</summary>
/// <param name="Detector">Detector name.</param>
/// <param name="Optimized">Per profile, the score at NAB's optimized θ* (tuned on the corpus itself, as the scoreboard is).</param>
/// <param name="Fixed">Per profile, the score at the fixed threshold.</param>
/// <param name="DetectionSeconds">Wall time for running the detector over every file.</param>
/// <param name="ScoringSeconds">Wall time for scoring (optimization included).</param>
public sealed record NabEvaluationResult(string Detector, IReadOnlyList<NabScore> Optimized, IReadOnlyList<NabScore> Fixed, double DetectionSeconds, double ScoringSeconds);

/// <summary>
/// Runs a streaming detector over the NAB corpus (Lavin &amp; Ahmad, ICMLA 2015; Ahmad et al.,
/// Neurocomputing 2017) the way NAB does: every file point by point, in time order, through a fresh
/// detector, one anomaly score per row; files run in parallel.
/// </summary>
public static class NabEvaluation
{
    /// <summary>Runs the detector over every file; the result maps relative path to one score per row.</summary>
    /// <param name="corpus">The corpus.</param>
    /// <param name="factory">Makes a fresh detector for each file.</param>
    /// <param name="threads">Files processed at once; default all cores.</param>
    /// <param name="progress">Hears each finished file (from worker threads).</param>
    /// <exception cref="InvalidOperationException">The detector returned a score that is not finite.</exception>
    public static Dictionary<string, double[]> Detect(NabCorpus corpus, Func<IStreamingDetector> factory, int threads = 0, Action<NabFile>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(factory);
        var results = new double[corpus.Files.Count][];
        // Longest files first, so the last file to start is a short one.
        var order = Enumerable.Range(0, corpus.Files.Count).OrderByDescending(i => corpus.Files[i].Length).ToArray();
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount };
        Parallel.ForEach(order, options, i =>
        {
            var file = corpus.Files[i];
            var detector = factory();
            var scores = new double[file.Length];
            for (var r = 0; r < file.Length; r++)
            {
                var s = detector.Update(file.Timestamps[r], file.Values[r]);
                if (!double.IsFinite(s)) throw new InvalidOperationException($"{detector.GetType().Name} scored row {r} of {file.RelativePath} as {s}");
                scores[r] = s;
            }
            results[i] = scores;
            progress?.Invoke(file);
        });
        var byPath = new Dictionary<string, double[]>(corpus.Files.Count, StringComparer.Ordinal);
        for (var i = 0; i < results.Length; i++) byPath[corpus.Files[i].RelativePath] = results[i];
        return byPath;
    }

    /// <summary>
    /// Runs the detector and scores it under every corpus profile, optimized and at
    /// <paramref name="fixedThreshold"/>; scores are first rounded as NAB's results files hold them
    /// (<see cref="NabResults.RoundAsStored(double)"/>) unless <paramref name="fullPrecision"/>.
    /// </summary>
    public static NabEvaluationResult Evaluate(NabCorpus corpus, string detector, Func<IStreamingDetector> factory, double fixedThreshold = 0.5, bool fullPrecision = false, int threads = 0, Action<NabFile>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        var sw = Stopwatch.StartNew();
        var scores = Detect(corpus, factory, threads, progress);
        if (!fullPrecision) scores = NabResults.RoundAsStored(scores);
        var detectSeconds = sw.Elapsed.TotalSeconds;
        return Score(corpus, detector, scores, fixedThreshold, detectSeconds);
    }

    /// <summary>Scores given anomaly scores under every corpus profile, optimized and at <paramref name="fixedThreshold"/>.</summary>
    public static NabEvaluationResult Score(NabCorpus corpus, string detector, IReadOnlyDictionary<string, double[]> scores, double fixedThreshold = 0.5, double detectionSeconds = 0)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        var sw = Stopwatch.StartNew();
        var optimized = NabScorer.Optimize(corpus, scores, corpus.Profiles);
        var fixedScores = corpus.Profiles.Select(p => NabScorer.Score(corpus, scores, p, fixedThreshold)).ToList();
        return new NabEvaluationResult(detector, optimized, fixedScores, detectionSeconds, sw.Elapsed.TotalSeconds);
    }
}
