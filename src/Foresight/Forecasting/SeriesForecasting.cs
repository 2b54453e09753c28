using Foresight.Series;

namespace Foresight.Forecasting;

/// <summary>A forecast of a stored or imported series on its forecasting grid.</summary>
/// <param name="Step">Grid spacing in ms.</param>
/// <param name="Timestamps">Timestamp of each forecast step.</param>
/// <param name="Outcome">Point and quantile forecasts, model description and the errors behind the quantiles.</param>
/// <param name="Seasons">Seasonal periods (in steps) the data supported.</param>
/// <param name="HistoryPoints">Grid points the models were fitted on.</param>
public sealed record SeriesForecast(long Step, long[] Timestamps, ForecastOutcome Outcome, IReadOnlyList<int> Seasons, int HistoryPoints);

/// <summary>
/// The whole path from raw points to a forecast, shared by the API and the CLI: choose a
/// resolution, put the points on a regular grid (gaps interpolated), detect the seasonal periods
/// the data support among a day and a week of steps, and run a model (the automatic one by default)
/// with conformal quantiles.
/// </summary>
public static class SeriesForecasting
{
    /// <summary>Forecasts <paramref name="horizon"/> grid steps past the last point; null when there is no finite point.</summary>
    public static SeriesForecast? Forecast(IReadOnlyList<Point> points, int horizon, IReadOnlyList<double> quantiles, AutoForecaster? model = null, long? step = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        var gridStep = step ?? RegularSeries.ChooseStep(points);
        var grid = RegularSeries.From(points, Math.Max(1, gridStep))?.TakeLast(RegularSeries.MaxPoints);
        if (grid is null) return null;
        var seasons = SeasonalityDetector.Detect(grid.Values, SeasonalityDetector.CandidatesFor(TimeSpan.FromMilliseconds(grid.Step)));
        var outcome = (model ?? ForecastModels.CreateAuto()).Run(grid.Values, horizon, seasons, quantiles);
        var timestamps = new long[horizon];
        for (var h = 0; h < horizon; h++) timestamps[h] = grid.TimeAt(grid.Values.Length + h);
        return new SeriesForecast(grid.Step, timestamps, outcome, seasons, grid.Values.Length);
    }
}
