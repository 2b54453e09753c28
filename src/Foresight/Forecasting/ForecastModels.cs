namespace Foresight.Forecasting;

/// <summary>The models by name, as the CLI, the API and the evaluation command refer to them.</summary>
public static class ForecastModels
{
    /// <summary>Every model name that <see cref="TryCreate"/> knows, in the evaluation's default order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["naive2", "snaive", "snaive-week", "auto"];

    /// <summary>Creates a model by name, or returns false.</summary>
    public static bool TryCreate(string name, out IForecastModel model)
    {
        model = name switch
        {
            "naive2" => new Naive2(),
            "snaive" => new SeasonalNaive(),
            "snaive-week" => new WeeklySeasonalNaive(),
            "auto" => CreateAuto(),
            _ => null!,
        };
        return model is not null;
    }

    /// <summary>The automatic forecaster over the default candidate set.</summary>
    public static AutoForecaster CreateAuto(AutoForecasterOptions? options = null) =>
        new([new SeasonalNaive(), new WeeklySeasonalNaive()], options);
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
