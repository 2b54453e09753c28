using System.Globalization;

namespace Foresight.Forecasting;

/// <summary>
/// Forecasts through an MSTL decomposition, as R's <c>forecast.mstl</c>/<c>stlf</c> do (Hyndman &amp;
/// Athanasopoulos, Forecasting: Principles and Practice, 3rd ed., section 5.7; Bandara, Hyndman &amp;
/// Bergmeir 2021): the series is split by <see cref="Mstl"/> into seasonal components and a
/// seasonally adjusted series (trend + remainder); the adjusted series is forecast by an inner,
/// non-seasonal model (it is given no seasons), and each seasonal component is continued by the
/// seasonal naive method, repeating its last full period, and added back.
/// </summary>
/// <remarks>
/// Periods with two full cycles or fewer in the history are dropped (see <see cref="Mstl.UsablePeriods"/>);
/// when none remains the inner model forecasts the raw series, again with no seasons, so short
/// histories never throw. Thread-safe when the inner model is.
/// </remarks>
/// <param name="adjustedModel">Model for the seasonally adjusted series, e.g. ETS or the naive forecast (<c>new SeasonalNaive()</c> given no seasons).</param>
/// <param name="name">Model name; default <c>mstl</c>.</param>
/// <param name="options">MSTL settings; null for R's defaults.</param>
public sealed class MstlForecaster(IForecastModel adjustedModel, string name = "mstl", MstlOptions? options = null) : IForecastModel
{
    /// <summary>The model that forecasts the seasonally adjusted series.</summary>
    public IForecastModel AdjustedModel { get; } = adjustedModel ?? throw new ArgumentNullException(nameof(adjustedModel));

    /// <summary>MSTL settings used for every decomposition.</summary>
    public MstlOptions Options { get; } = options ?? MstlOptions.Default;

    /// <inheritdoc />
    public string Name { get; } = name;

    /// <inheritdoc />
    public ModelForecast Forecast(ReadOnlySpan<double> history, int horizon, IReadOnlyList<int> seasons)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        if (history.IsEmpty) throw new ArgumentException("The history needs at least one value.", nameof(history));
        if (Mstl.UsablePeriods(history.Length, seasons).Length == 0)
        {
            var plain = AdjustedModel.Forecast(history, horizon, []);
            return new ModelForecast(plain.Mean, $"{plain.Description} (no period with two full cycles)");
        }

        var decomposition = Mstl.Decompose(history, seasons, Options);
        var inner = AdjustedModel.Forecast(decomposition.SeasonallyAdjusted, horizon, []);
        var mean = new double[horizon];
        inner.Mean.AsSpan(0, horizon).CopyTo(mean);
        var n = history.Length;
        for (var c = 0; c < decomposition.Periods.Length; c++)
        {
            var m = decomposition.Periods[c];
            var seasonal = decomposition.Seasonals[c];
            for (var h = 0; h < horizon; h++) mean[h] += seasonal[n - m + h % m];
        }
        var periods = string.Join(",", decomposition.Periods.Select(p => p.ToString(CultureInfo.InvariantCulture)));
        return new ModelForecast(mean, $"MSTL({periods}) + {inner.Description}");
    }
}
