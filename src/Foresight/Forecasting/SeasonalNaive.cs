namespace Foresight.Forecasting;

/// <summary>
/// Seasonal naive: each forecast repeats the observation one season earlier,
/// ŷ(n+h) = y(n+h−m·⌈h/m⌉). With no season (or a history shorter than one season) it is the
/// naive forecast, the last value. Uses the first (shortest) season given, or <see cref="Period"/> when set.
/// </summary>
public sealed class SeasonalNaive(int? period = null) : IForecastModel
{
    /// <summary>A fixed period overriding the seasons passed to <see cref="Forecast"/>.</summary>
    public int? Period { get; } = period;

    /// <inheritdoc />
    public string Name => Period is { } p ? $"snaive{p}" : "snaive";

    /// <inheritdoc />
    public ModelForecast Forecast(ReadOnlySpan<double> history, int horizon, IReadOnlyList<int> seasons)
    {
        var m = Period ?? (seasons.Count > 0 ? seasons[0] : 1);
        var result = new double[horizon];
        var n = history.Length;
        if (m <= 1 || n < m)
        {
            Array.Fill(result, history[^1]);
            return new ModelForecast(result, "naive");
        }
        for (var h = 1; h <= horizon; h++)
        {
            var k = (h - 1) / m + 1;
            result[h - 1] = history[n + h - 1 - k * m];
        }
        return new ModelForecast(result, $"seasonal naive (m={m})");
    }
}
