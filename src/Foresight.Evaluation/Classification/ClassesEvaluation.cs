using Foresight.Classification;

namespace Foresight.Evaluation.Classification;

/// <summary>Settings of <see cref="ClassesEvaluation.Run"/>.</summary>
public sealed record ClassesEvaluationOptions
{
    /// <summary>Seeds of the labelled set (one workload of every class per seed). Default <see cref="WorkloadClassifierOptions.HeldOutSeeds"/>.</summary>
    public SeedRange Seeds { get; init; } = WorkloadClassifierOptions.HeldOutSeeds;

    /// <summary>Days of each workload. Default 14.</summary>
    public int Days { get; init; } = 14;

    /// <summary>Sampling step. Default 5 minutes.</summary>
    public TimeSpan Step { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>What is wrong with these options, or null.</summary>
    public string? Validate() =>
        Days < 2 ? $"days {Days} is below 2"
        : Step <= TimeSpan.Zero || Step > TimeSpan.FromHours(1) ? $"step {Step} is outside (0, 1 h]"
        : null;
}

/// <summary>Accuracy on one class: of its workloads, how many the classifier and the hand rules got right.</summary>
/// <param name="Class">The true class.</param>
/// <param name="Count">Workloads of the class.</param>
/// <param name="Accuracy">Share the classifier labelled correctly (recall).</param>
/// <param name="Precision">Share of the classifier's labels of this class that were right.</param>
/// <param name="BaselineAccuracy">Share the hand rules labelled correctly.</param>
public sealed record ClassAccuracy(WorkloadClass Class, int Count, double Accuracy, double Precision, double BaselineAccuracy);

/// <summary>The result of <see cref="ClassesEvaluation.Run"/>.</summary>
/// <param name="Seeds">Seeds of the labelled set.</param>
/// <param name="TrainingSeeds">Seeds the classifier was trained on.</param>
/// <param name="Workloads">Workloads classified.</param>
/// <param name="Accuracy">Share classified correctly.</param>
/// <param name="BaselineAccuracy">Share the hand rules got right.</param>
/// <param name="MajorityAccuracy">Share a constant guess of the most common class gets right.</param>
/// <param name="MeanConfidence">Mean probability the classifier gave its answers.</param>
/// <param name="PerClass">Accuracy per true class.</param>
/// <param name="Confusion">Counts by true class (rows) and predicted class (columns), in <see cref="WorkloadClass"/> order.</param>
/// <param name="BaselineConfusion">The same for the hand rules.</param>
public sealed record ClassesEvaluationReport(SeedRange Seeds, SeedRange TrainingSeeds, int Workloads, double Accuracy, double BaselineAccuracy,
    double MajorityAccuracy, double MeanConfidence, IReadOnlyList<ClassAccuracy> PerClass, IReadOnlyList<IReadOnlyList<int>> Confusion,
    IReadOnlyList<IReadOnlyList<int>> BaselineConfusion);

/// <summary>
/// Measures <see cref="WorkloadClassifier"/> on a labelled set from <see cref="WorkloadGenerator"/>
/// with seeds it was not trained on: overall and per-class accuracy, the confusion matrix, and the same
/// for the hand rules an operator would otherwise write (<see cref="WorkloadRules"/>) and for a
/// majority-class guess.
/// </summary>
public static class ClassesEvaluation
{
    /// <summary>Generates one workload of every class per seed and scores the classifier and the baselines on them.</summary>
    /// <exception cref="ArgumentException">The options are invalid (<see cref="ClassesEvaluationOptions.Validate"/>).</exception>
    public static ClassesEvaluationReport Run(WorkloadClassifier classifier, ClassesEvaluationOptions options)
    {
        if (options.Validate() is { } problem) throw new ArgumentException(problem, nameof(options));
        var classes = WorkloadClasses.All;
        var seeds = options.Seeds.Seeds.ToArray();
        var results = new (int Truth, int Predicted, int Rule, double Confidence)[seeds.Length * classes.Count];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 2 }, j =>
        {
            var truth = classes[j % classes.Count];
            var metrics = WorkloadGenerator.Generate(truth, seeds[j / classes.Count], options.Days, options.Step);
            if (!WorkloadFeatures.TryCompute(metrics, out var features, out var error))
                throw new InvalidOperationException($"generated {truth.Name()} workload (seed {seeds[j / classes.Count]}) is unusable: {error}");
            var result = classifier.Classify(features);
            results[j] = ((int)truth, (int)result.Class, (int)WorkloadRules.Classify(features), result.Confidence);
        });

        var k = classes.Count;
        var confusion = new int[k][];
        var baseline = new int[k][];
        for (var c = 0; c < k; c++)
        {
            confusion[c] = new int[k];
            baseline[c] = new int[k];
        }
        foreach (var r in results)
        {
            confusion[r.Truth][r.Predicted]++;
            baseline[r.Truth][r.Rule]++;
        }
        var perClass = classes.Select(c =>
        {
            var i = (int)c;
            var count = confusion[i].Sum();
            var predicted = confusion.Sum(row => row[i]);
            return new ClassAccuracy(c, count, Ratio(confusion[i][i], count), Ratio(confusion[i][i], predicted), Ratio(baseline[i][i], count));
        }).ToList();
        var n = results.Length;
        return new ClassesEvaluationReport(options.Seeds, classifier.Options.TrainingSeeds, n,
            Ratio(results.Count(r => r.Truth == r.Predicted), n), Ratio(results.Count(r => r.Truth == r.Rule), n),
            Ratio(perClass.Max(p => p.Count), n), results.Average(r => r.Confidence), perClass, confusion, baseline);
    }

    private static double Ratio(int part, int whole) => whole > 0 ? (double)part / whole : double.NaN;
}
