namespace Foresight.Classification;

/// <summary>A range of consecutive generator seeds, written <c>first-last</c> (inclusive).</summary>
/// <param name="First">First seed.</param>
/// <param name="Last">Last seed (inclusive, at least <paramref name="First"/>).</param>
public sealed record SeedRange(int First, int Last)
{
    /// <summary>Number of seeds.</summary>
    public int Count => Last - First + 1;

    /// <summary>The seeds in order.</summary>
    public IEnumerable<int> Seeds => Enumerable.Range(First, Count);

    /// <summary>Most seeds one range may hold (a run over more would take hours).</summary>
    public const int MaxCount = 100_000;

    /// <summary>Parses <c>5000-5699</c> or a single seed, at most <see cref="MaxCount"/> of them; false with the reason otherwise.</summary>
    public static bool TryParse(string text, out SeedRange range, out string error)
    {
        range = null!;
        var parts = text.Split('-', StringSplitOptions.TrimEntries);
        if (parts.Length is < 1 or > 2 || !int.TryParse(parts[0], out var first) || !int.TryParse(parts[^1], out var last) || first < 0)
        {
            error = $"'{text}' is not a seed range such as 5000-5699";
            return false;
        }
        if (last < first)
        {
            error = $"'{text}': the last seed is below the first";
            return false;
        }
        if ((long)last - first + 1 > MaxCount)
        {
            error = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"'{text}' holds {(long)last - first + 1:N0} seeds; at most {MaxCount:N0} are run at once");
            return false;
        }
        range = new SeedRange(first, last);
        error = "";
        return true;
    }

    /// <summary>True when the two ranges share a seed.</summary>
    public bool Overlaps(SeedRange other) => First <= other.Last && other.First <= Last;

    /// <inheritdoc/>
    public override string ToString() => $"{First}-{Last}";
}

/// <summary>Settings of <see cref="WorkloadClassifier.Train(WorkloadClassifierOptions)"/>: the generated training set and the boosting schedule.</summary>
public sealed record WorkloadClassifierOptions
{
    /// <summary>Seeds of the training workloads (one workload of every class per seed): 1000-1299.</summary>
    public static SeedRange DefaultTrainingSeeds { get; } = new(1000, 1299);

    /// <summary>Seeds used while developing the features, the generator and these settings: 3000-3199.</summary>
    public static SeedRange DevelopmentSeeds { get; } = new(3000, 3199);

    /// <summary>Seeds kept for the held-out evaluation, never looked at in development: 5000-5699.</summary>
    public static SeedRange HeldOutSeeds { get; } = new(5000, 5699);

    /// <summary>Training seeds. Default <see cref="DefaultTrainingSeeds"/>.</summary>
    public SeedRange TrainingSeeds { get; init; } = DefaultTrainingSeeds;

    /// <summary>Days of each generated training workload. Default 14.</summary>
    public int Days { get; init; } = 14;

    /// <summary>Sampling step of the training workloads. Default 5 minutes (the features' bucket).</summary>
    public TimeSpan Step { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Boosting rounds (one tree per class each). Default 80.</summary>
    public int Rounds { get; init; } = 80;

    /// <summary>Depth of each tree. Default 4.</summary>
    public int Depth { get; init; } = 4;

    /// <summary>Shrinkage of each tree. Default 0.2.</summary>
    public double LearningRate { get; init; } = 0.2;
}

/// <summary>A feature that weighed in a classification.</summary>
/// <param name="Feature">Feature name (<see cref="WorkloadFeatures.Definitions"/>).</param>
/// <param name="Value">Its value for this workload (NaN when unknown).</param>
/// <param name="Contribution">How much it raised the chosen class's score over the mean of the others (log-odds units; Saabas path attribution).</param>
/// <param name="TypicalLow">10th percentile of the feature among training workloads of the chosen class.</param>
/// <param name="TypicalHigh">90th percentile of the feature among training workloads of the chosen class.</param>
public sealed record FeatureContribution(string Feature, double Value, double Contribution, double TypicalLow, double TypicalHigh);

/// <summary>The class of a workload, how sure the classifier is, and why.</summary>
/// <param name="Class">The most probable class.</param>
/// <param name="Confidence">Its probability, in (0, 1].</param>
/// <param name="Probabilities">The probability of every class.</param>
/// <param name="Reasons">The features that pushed most towards the chosen class, strongest first.</param>
public sealed record WorkloadClassification(WorkloadClass Class, double Confidence, IReadOnlyDictionary<WorkloadClass, double> Probabilities,
    IReadOnlyList<FeatureContribution> Reasons);

/// <summary>
/// Classifies a workload as one of <see cref="WorkloadClass"/> from <see cref="WorkloadFeatures"/>
/// with a gradient-boosted tree ensemble (softmax over one tree per class and round; Friedman 2001,
/// with XGBoost-style second-order leaves), trained on workloads from <see cref="WorkloadGenerator"/>
/// with the seeds of <see cref="WorkloadClassifierOptions.TrainingSeeds"/>. Training is deterministic
/// and takes about a second; <see cref="Default"/> trains once, at first use. Each result names the
/// features that decided it, with the chosen class's typical range of each.
/// </summary>
public sealed class WorkloadClassifier
{
    private const int ReasonCount = 5;
    private static readonly Lazy<WorkloadClassifier> DefaultInstance = new(() => Train(new WorkloadClassifierOptions()));

    private readonly BoostedTrees _model;
    private readonly double[,] _low;
    private readonly double[,] _high;

    private WorkloadClassifier(BoostedTrees model, double[,] low, double[,] high, WorkloadClassifierOptions options)
    {
        _model = model;
        _low = low;
        _high = high;
        Options = options;
    }

    /// <summary>The classifier trained with the default options (trained on first use, then shared).</summary>
    public static WorkloadClassifier Default => DefaultInstance.Value;

    /// <summary>The options it was trained with.</summary>
    public WorkloadClassifierOptions Options { get; }

    /// <summary>Generates one workload of every class per training seed and fits the ensemble.</summary>
    public static WorkloadClassifier Train(WorkloadClassifierOptions options)
    {
        var classes = WorkloadClasses.All;
        var seeds = options.TrainingSeeds.Seeds.ToArray();
        var rows = new double[seeds.Length * classes.Count][];
        var labels = new int[rows.Length];
        Parallel.For(0, rows.Length, new ParallelOptions { MaxDegreeOfParallelism = 2 }, j =>
        {
            var workloadClass = classes[j % classes.Count];
            var metrics = WorkloadGenerator.Generate(workloadClass, seeds[j / classes.Count], options.Days, options.Step);
            if (!WorkloadFeatures.TryCompute(metrics, out var features, out var error))
                throw new InvalidOperationException($"generated {workloadClass.Name()} workload (seed {seeds[j / classes.Count]}) is unusable: {error}");
            rows[j] = features.Values.ToArray();
            labels[j] = (int)workloadClass;
        });
        return Train(rows, labels, options);
    }

    internal static WorkloadClassifier Train(double[][] rows, int[] labels, WorkloadClassifierOptions options)
    {
        var classCount = WorkloadClasses.All.Count;
        var model = BoostedTrees.Train(rows, labels, classCount, options.Rounds, options.Depth, options.LearningRate);
        var low = new double[classCount, WorkloadFeatures.Count];
        var high = new double[classCount, WorkloadFeatures.Count];
        for (var k = 0; k < classCount; k++)
        {
            for (var f = 0; f < WorkloadFeatures.Count; f++)
            {
                var values = Enumerable.Range(0, rows.Length).Where(i => labels[i] == k).Select(i => rows[i][f]).Where(double.IsFinite).ToArray();
                low[k, f] = values.Length > 0 ? FeatureMath.Quantile(values, 0.1) : double.NaN;
                high[k, f] = values.Length > 0 ? FeatureMath.Quantile(values, 0.9) : double.NaN;
            }
        }
        return new WorkloadClassifier(model, low, high, options);
    }

    /// <summary>Computes the features of <paramref name="metrics"/> and classifies them; false with the reason when the metrics cannot be used.</summary>
    public bool TryClassify(WorkloadMetrics metrics, out WorkloadClassification classification, out string error)
    {
        classification = null!;
        if (!WorkloadFeatures.TryCompute(metrics, out var features, out error)) return false;
        classification = Classify(features);
        return true;
    }

    /// <summary>The class of a workload with these features, its probability and the deciding features.</summary>
    public WorkloadClassification Classify(WorkloadFeatures features)
    {
        var row = features.Values.ToArray();
        var probabilities = _model.Predict(row);
        var best = 0;
        for (var k = 1; k < probabilities.Length; k++) if (probabilities[k] > probabilities[best]) best = k;

        var margin = _model.Contributions(row, best);
        for (var k = 0; k < probabilities.Length; k++)
        {
            if (k == best) continue;
            var other = _model.Contributions(row, k);
            for (var f = 0; f < margin.Length; f++) margin[f] -= other[f] / (probabilities.Length - 1);
        }
        var reasons = Enumerable.Range(0, margin.Length)
            .Where(f => margin[f] > 0)
            .OrderByDescending(f => margin[f])
            .Take(ReasonCount)
            .Select(f => new FeatureContribution(WorkloadFeatures.Definitions[f].Name, row[f], margin[f], _low[best, f], _high[best, f]))
            .ToList();
        var byClass = WorkloadClasses.All.ToDictionary(c => c, c => probabilities[(int)c]);
        return new WorkloadClassification((WorkloadClass)best, probabilities[best], byClass, reasons);
    }
}
