namespace Foresight.Forecasting;

/// <summary>
/// Naive2 exactly as the M4 competition defines it: when the series passes the 90%
/// seasonality test (<see cref="ClassicalDecomposition.IsSeasonal"/>) it is divided by its classical
/// multiplicative seasonal indices, forecast with the last value, and multiplied back by the indices
/// of the positions ahead; otherwise it is the plain naive forecast. Naive2 is the yardstick of
/// the M4 OWA (Makridakis et al., IJF 2020).
/// </summary>
public sealed class Naive2 : IForecastModel
{
    /// <inheritdoc />
    public string Name => "naive2";

    /// <inheritdoc />
    public ModelForecast Forecast(ReadOnlySpan<double> history, int horizon, IReadOnlyList<int> seasons)
    {
        var m = seasons.Count > 0 ? seasons[0] : 1;
        var n = history.Length;
        var result = new double[horizon];
        var indices = ClassicalDecomposition.IsSeasonal(history, m) ? ClassicalDecomposition.MultiplicativeIndices(history, m) : null;
        if (indices is null)
        {
            Array.Fill(result, history[^1]);
            return new ModelForecast(result, "naive (not seasonal)");
        }
        var last = history[^1] / indices[(n - 1) % m];
        for (var h = 0; h < horizon; h++) result[h] = last * indices[(n + h) % m];
        return new ModelForecast(result, $"naive on seasonally adjusted data (m={m})");
    }
}
