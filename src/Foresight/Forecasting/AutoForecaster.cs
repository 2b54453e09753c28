namespace Foresight.Forecasting;

/// <summary>Settings of <see cref="AutoForecaster"/>.</summary>
public sealed class AutoForecasterOptions
{
    /// <summary>
    /// Rolling-origin folds on the training tail (each one horizon long); fewer when the history is
    /// short. Default 8: on the M4 Hourly validation split, 4 folds gave 76.9% / 86.2% empirical
    /// coverage of the 80% / 95% intervals, 6 folds 78.4% / 90.9%, 8 folds 80.6% / 94.3%.
    /// </summary>
    public int Folds { get; set; } = 8;

    /// <summary>
    /// How many of the best candidates (by cross-validated error) are averaged. Default 2: on the
    /// M4 Hourly validation split (the last 48 values of each training series; 4 folds) the top two
    /// scored OWA 0.474, the single best 0.475, the top three 0.496 and all five candidates 0.518.
    /// </summary>
    public int Combine { get; set; } = 2;

    /// <summary>Name reported for the forecaster. Default <c>auto</c>.</summary>
    public string Name { get; set; } = "auto";

    /// <summary>Minimum history before a fold's origin, in cycles of the shortest period (and at least one cycle of the longest). Default 2.</summary>
    public int MinSeasonsBeforeFold { get; set; } = 2;
}

/// <summary>
/// The result of an automatic forecast: point forecasts, quantile forecasts, what was chosen and
/// the cross-validated error of each candidate.
/// </summary>
/// <param name="Mean">Point forecasts.</param>
/// <param name="Quantiles">Levels asked for.</param>
/// <param name="QuantileValues">QuantileValues[q][h] for each level.</param>
/// <param name="Description">The combination, e.g. <c>mean of mstl-ets, mstl-theta, snaive168</c>.</param>
/// <param name="Scores">Cross-validated relative error of each candidate (lower is better; NaN when not evaluated).</param>
/// <param name="Folds">How many rolling-origin folds were used.</param>
/// <param name="Errors">The combination's signed out-of-sample errors per fold and step, from which
/// quantiles at any other level can be computed later (<see cref="ConformalIntervals.Quantiles"/>).</param>
public sealed record ForecastOutcome(double[] Mean, IReadOnlyList<double> Quantiles, double[][] QuantileValues, string Description,
    IReadOnlyDictionary<string, double> Scores, int Folds, IReadOnlyList<double[]> Errors);

/// <summary>
/// The automatic forecaster: rolling-origin cross-validation on the training tail scores every
/// candidate model (relative sMAPE and MAE against seasonal naive, averaged, i.e. the M4 OWA
/// measured on the history), the best <see cref="AutoForecasterOptions.Combine"/> are averaged —
/// combinations of a few strong methods won the M4 competition (Makridakis et al., IJF 2020) —
/// and the same folds' errors of the combination give calibrated quantiles by conformal
/// prediction (<see cref="ConformalIntervals"/>).
/// </summary>
public sealed class AutoForecaster : IForecastModel
{
    private readonly IReadOnlyList<IForecastModel> _candidates;
    private readonly AutoForecasterOptions _options;

    /// <summary>Creates the forecaster over <paramref name="candidates"/> (at least one).</summary>
    public AutoForecaster(IReadOnlyList<IForecastModel> candidates, AutoForecasterOptions? options = null)
    {
        if (candidates.Count == 0) throw new ArgumentException("at least one candidate model is needed", nameof(candidates));
        _candidates = candidates;
        _options = options ?? new AutoForecasterOptions();
    }

    /// <inheritdoc />
    public string Name => _options.Name;

    /// <summary>The candidate models.</summary>
    public IReadOnlyList<IForecastModel> Candidates => _candidates;

    /// <inheritdoc />
    public ModelForecast Forecast(ReadOnlySpan<double> history, int horizon, IReadOnlyList<int> seasons)
    {
        var outcome = Run(history, horizon, seasons, []);
        return new ModelForecast(outcome.Mean, outcome.Description);
    }

    /// <summary>Cross-validates, combines and forecasts, with quantile forecasts at <paramref name="quantiles"/>.</summary>
    public ForecastOutcome Run(ReadOnlySpan<double> history, int horizon, IReadOnlyList<int> seasons, IReadOnlyList<double> quantiles)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        if (history.IsEmpty) throw new ArgumentException("the history is empty", nameof(history));
        var n = history.Length;
        var shortest = seasons.Count > 0 ? seasons.Min() : 1;
        var longest = seasons.Count > 0 ? seasons.Max() : 1;
        var minTrain = Math.Max(Math.Max(2 * horizon, 10), Math.Max(_options.MinSeasonsBeforeFold * shortest, longest));
        var folds = 0;
        while (folds < _options.Folds && n - (folds + 1) * horizon >= minTrain) folds++;

        // forecasts[c][k]: candidate c at fold k (origin n − (k+1)·h).
        var forecasts = new double[_candidates.Count][][];
        var scores = new double[_candidates.Count];
        var foldScores = new double[_candidates.Count][];
        var reference = new SeasonalNaive();
        var refSmape = new double[folds];
        var refMae = new double[folds];
        for (var k = 0; k < folds; k++)
        {
            var origin = n - (k + 1) * horizon;
            var actual = history.Slice(origin, horizon);
            var refForecast = reference.Forecast(history[..origin], horizon, seasons).Mean;
            refSmape[k] = Math.Max(ForecastAccuracy.SMape(actual, refForecast), 1e-9);
            refMae[k] = Math.Max(MeanAbsoluteError(actual, refForecast), 1e-12);
        }
        for (var c = 0; c < _candidates.Count; c++)
        {
            forecasts[c] = new double[folds][];
            foldScores[c] = new double[folds];
            var total = 0.0;
            for (var k = 0; k < folds; k++)
            {
                var origin = n - (k + 1) * horizon;
                var f = Safe(_candidates[c].Forecast(history[..origin], horizon, seasons).Mean, history[..origin]);
                forecasts[c][k] = f;
                var actual = history.Slice(origin, horizon);
                foldScores[c][k] = 0.5 * (ForecastAccuracy.SMape(actual, f) / refSmape[k] + MeanAbsoluteError(actual, f) / refMae[k]);
                total += foldScores[c][k];
            }
            scores[c] = folds > 0 ? total / folds : double.NaN;
        }

        var chosen = folds == 0
            ? Enumerable.Range(0, _candidates.Count).ToArray()
            : Enumerable.Range(0, _candidates.Count).OrderBy(c => scores[c]).Take(Math.Max(1, _options.Combine)).ToArray();

        var mean = new double[horizon];
        foreach (var c in chosen)
        {
            var f = Safe(_candidates[c].Forecast(history, horizon, seasons).Mean, history);
            for (var h = 0; h < horizon; h++) mean[h] += f[h] / chosen.Length;
        }

        // The errors behind the quantiles: at each fold, the combination that would have been
        // chosen from the OTHER folds' scores (cross-fitting), so that choosing the models that
        // happened to do best on a fold does not make the intervals too narrow.
        var errors = new List<double[]>(folds);
        for (var k = 0; k < folds; k++)
        {
            var origin = n - (k + 1) * horizon;
            var pick = folds == 1 ? chosen : Enumerable.Range(0, _candidates.Count)
                .OrderBy(c => (scores[c] * folds - foldScores[c][k]) / (folds - 1))
                .Take(chosen.Length).ToArray();
            var e = new double[horizon];
            for (var h = 0; h < horizon; h++)
            {
                var combined = 0.0;
                foreach (var c in pick) combined += forecasts[c][k][h] / pick.Length;
                e[h] = history[origin + h] - combined;
            }
            errors.Add(e);
        }
        if (folds == 0)
        {
            // Each in-sample error of the seasonal naive forecast stands for every step ahead.
            foreach (var e in NaiveErrors(history, seasons)) errors.Add(Enumerable.Repeat(e, horizon).ToArray());
        }
        var quantileValues = ConformalIntervals.Quantiles(mean, errors, quantiles);

        var names = string.Join(", ", chosen.Select(c => _candidates[c].Name));
        var description = chosen.Length == 1 ? names : $"mean of {names}";
        var scoreMap = new Dictionary<string, double>();
        for (var c = 0; c < _candidates.Count; c++) scoreMap[_candidates[c].Name] = scores[c];
        return new ForecastOutcome(mean, quantiles, quantileValues, description, scoreMap, folds, errors);
    }

    private static double MeanAbsoluteError(ReadOnlySpan<double> actual, ReadOnlySpan<double> forecast)
    {
        var s = 0.0;
        for (var i = 0; i < actual.Length; i++) s += Math.Abs(actual[i] - forecast[i]);
        return s / actual.Length;
    }

    /// <summary>A model that returns non-finite values is replaced by the naive forecast.</summary>
    private static double[] Safe(double[] forecast, ReadOnlySpan<double> history)
    {
        foreach (var v in forecast)
        {
            if (!double.IsFinite(v))
            {
                var naive = new double[forecast.Length];
                Array.Fill(naive, history[^1]);
                return naive;
            }
        }
        return forecast;
    }

    /// <summary>With too little history for folds: the in-sample errors of the seasonal naive forecast stand in.</summary>
    private static double[] NaiveErrors(ReadOnlySpan<double> history, IReadOnlyList<int> seasons)
    {
        var m = seasons.Count > 0 && history.Length > seasons[0] ? seasons[0] : 1;
        var count = history.Length - m;
        if (count <= 0) return [];
        var e = new double[count];
        for (var t = m; t < history.Length; t++) e[t - m] = history[t] - history[t - m];
        return e;
    }
}
