using System.Diagnostics;
using Foresight.Forecasting;

namespace Foresight.Evaluation.Forecasting;

/// <summary>One model's scores over a dataset, as the M4 competition reports them.</summary>
/// <param name="Name">Model name.</param>
/// <param name="SMape">Mean sMAPE over series (percent).</param>
/// <param name="Mase">Mean MASE over series.</param>
/// <param name="Owa">OWA relative to Naive2 in the same run (NaN until Naive2 is known).</param>
/// <param name="Coverage80">Share of test values inside the 80% interval (NaN when intervals were not computed).</param>
/// <param name="Coverage95">Share inside the 95% interval.</param>
/// <param name="Seconds">Wall time for fitting and forecasting every series.</param>
public sealed record ModelScore(string Name, double SMape, double Mase, double Owa, double Coverage80, double Coverage95, double Seconds);

/// <summary>Settings of an evaluation run.</summary>
public sealed class EvaluationOptions
{
    /// <summary>Forecast horizon (M4 Hourly: 48).</summary>
    public int Horizon { get; set; } = 48;

    /// <summary>The period for MASE's scale and for Naive2 and seasonal naive (M4 Hourly: 24).</summary>
    public int Season { get; set; } = 24;

    /// <summary>Candidate periods for the other models; each series keeps those its data support (<see cref="SeasonalityDetector"/>).</summary>
    public IReadOnlyList<int> CandidateSeasons { get; set; } = [24];

    /// <summary>Compute conformal 80%/95% intervals (costs extra rolling-origin fits for models other than auto).</summary>
    public bool Intervals { get; set; } = true;

    /// <summary>Parallelism; default both cores.</summary>
    public int Threads { get; set; } = Environment.ProcessorCount;
}

/// <summary>
/// Runs a forecasting model over every series of an M4-format dataset and scores it with sMAPE,
/// MASE and interval coverage, in parallel over series. The M4 benchmarks (naive2, snaive) get
/// exactly the period <see cref="EvaluationOptions.Season"/>; other models get the periods each
/// series' history supports among <see cref="EvaluationOptions.CandidateSeasons"/>, detected on the
/// training data only.
/// </summary>
public static class ForecastEvaluation
{
    private static readonly double[] IntervalLevels = [0.025, 0.1, 0.9, 0.975];

    /// <summary>Scores one model; <paramref name="progress"/> hears each finished series.</summary>
    public static ModelScore Evaluate(IReadOnlyList<M4Series> dataset, IForecastModel model, EvaluationOptions options, Action? progress = null)
    {
        var smape = new double[dataset.Count];
        var mase = new double[dataset.Count];
        var coverage80 = new double[dataset.Count];
        var coverage95 = new double[dataset.Count];
        var fixedSeasons = model is Naive2 or SeasonalNaive;
        var wrapped = model as AutoForecaster ?? (options.Intervals ? new AutoForecaster([model], new AutoForecasterOptions { Combine = 1 }) : null);
        var sw = Stopwatch.StartNew();
        Parallel.For(0, dataset.Count, new ParallelOptions { MaxDegreeOfParallelism = options.Threads }, i =>
        {
            var s = dataset[i];
            var h = options.Horizon;
            IReadOnlyList<int> seasons = fixedSeasons ? [options.Season] : SeasonalityDetector.Detect(s.Train, options.CandidateSeasons);
            double[] mean;
            if (wrapped is not null && (options.Intervals || model is AutoForecaster))
            {
                var outcome = wrapped.Run(s.Train, h, seasons, options.Intervals ? IntervalLevels : []);
                mean = outcome.Mean;
                if (options.Intervals)
                {
                    coverage95[i] = ForecastAccuracy.Coverage(s.Test.AsSpan(0, h), outcome.QuantileValues[0], outcome.QuantileValues[3]);
                    coverage80[i] = ForecastAccuracy.Coverage(s.Test.AsSpan(0, h), outcome.QuantileValues[1], outcome.QuantileValues[2]);
                }
            }
            else
            {
                mean = model.Forecast(s.Train, h, seasons).Mean;
            }
            smape[i] = ForecastAccuracy.SMape(s.Test.AsSpan(0, h), mean);
            mase[i] = ForecastAccuracy.Mase(s.Train, s.Test.AsSpan(0, h), mean, options.Season);
            progress?.Invoke();
        });
        var seconds = sw.Elapsed.TotalSeconds;
        return new ModelScore(model.Name, smape.Average(), mase.Average(), double.NaN,
            options.Intervals ? coverage80.Average() : double.NaN,
            options.Intervals ? coverage95.Average() : double.NaN, seconds);
    }

    /// <summary>Keeps the last <paramref name="horizon"/> training values as the test: a validation split for development that never looks at the real test values.</summary>
    public static List<M4Series> ValidationSplit(IReadOnlyList<M4Series> dataset, int horizon) =>
        dataset.Where(s => s.Train.Length - horizon > horizon)   // not 2 * horizon, which overflows for a huge horizon
            .Select(s => new M4Series(s.Id, s.Train[..^horizon], s.Train[^horizon..])).ToList();
}
