namespace Foresight.Forecasting;

/// <summary>The models by name, as the CLI, the API and the evaluation command refer to them.</summary>
public static class ForecastModels
{
    /// <summary>Every model name that <see cref="TryCreate"/> knows, in the evaluation's default order.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["naive2", "snaive", "snaive-week", "ets", "ets-r", "theta", "stm", "otm", "dstm", "dotm", "mstl-ets", "mstl-theta", "mstl-naive", "auto-best", "auto-3", "auto-all", "auto"];

    /// <summary>Creates a model by name, or returns false.</summary>
    public static bool TryCreate(string name, out IForecastModel model)
    {
        model = name switch
        {
            "naive2" => new Naive2(),
            "snaive" => new SeasonalNaive(),
            "snaive-week" => new WeeklySeasonalNaive(),
            "ets" => new AutoEts { AllowUndampedTrend = false },
            "ets-r" => new AutoEtsRCandidates(),
            "theta" => new AutoTheta(),
            "stm" => new StandardTheta(),
            "otm" => new OptimizedTheta(),
            "dstm" => new DynamicStandardTheta(),
            "dotm" => new DynamicOptimizedTheta(),
            "mstl-ets" => new MstlForecaster(new AutoEts { AllowUndampedTrend = false }, "mstl-ets"),
            "mstl-theta" => new MstlForecaster(new AutoTheta(), "mstl-theta"),
            "mstl-naive" => new MstlForecaster(new SeasonalNaive(), "mstl-naive"),
            "auto" => CreateAuto(),
            "auto-best" => CreateAuto(new AutoForecasterOptions { Combine = 1, Name = "auto-best" }),
            "auto-3" => CreateAuto(new AutoForecasterOptions { Combine = 3, Name = "auto-3" }),
            "auto-all" => CreateAuto(new AutoForecasterOptions { Combine = 5, Name = "auto-all" }),
            _ => null!,
        };
        return model is not null;
    }

    /// <summary>The automatic forecaster over the default candidate set.</summary>
    public static AutoForecaster CreateAuto(AutoForecasterOptions? options = null) =>
        new([
            new SeasonalNaive(),
            new WeeklySeasonalNaive(),
            new MstlForecaster(new AutoEts { AllowUndampedTrend = false }, "mstl-ets"),
            new MstlForecaster(new AutoTheta(), "mstl-theta"),
            new MstlForecaster(new SeasonalNaive(), "mstl-naive"),
        ], options);
}

/// <summary>AutoETS over R forecast::ets' full candidate set, undamped trends included (for comparison).</summary>
public sealed class AutoEtsRCandidates : IForecastModel
{
    private readonly AutoEts _inner = new();

    /// <inheritdoc />
    public string Name => "ets-r";

    /// <inheritdoc />
    public ModelForecast Forecast(ReadOnlySpan<double> history, int horizon, IReadOnlyList<int> seasons) => _inner.Forecast(history, horizon, seasons);
}

/// <summary>Seasonal naive on the longest detected period (the week, for hourly data with a weekly cycle).</summary>
public sealed class WeeklySeasonalNaive : IForecastModel
{
    /// <inheritdoc />
    public string Name => "snaive-week";

    /// <inheritdoc />
    public ModelForecast Forecast(ReadOnlySpan<double> history, int horizon, IReadOnlyList<int> seasons) =>
        new SeasonalNaive(seasons.Count > 0 ? seasons[^1] : 1).Forecast(history, horizon, seasons);
}
