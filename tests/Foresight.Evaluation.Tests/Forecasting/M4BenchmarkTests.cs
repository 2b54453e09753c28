using Foresight.Evaluation.Forecasting;
using Foresight.Forecasting;
using Foresight.Tests.Support;

namespace Foresight.Evaluation.Tests.Forecasting;

[Collection("Heavy")]
public class M4BenchmarkTests
{
    private static List<M4Series> Load() => M4Dataset.Load(
        SharedData.Find("datasets/m4-hourly/Hourly-train.csv")!, SharedData.Find("datasets/m4-hourly/Hourly-test.csv")!);

    [RequiresSharedDataFact("datasets/m4-hourly/Hourly-train.csv")]
    public void Naive2_and_seasonal_naive_reproduce_the_published_m4_hourly_scores()
    {
        var data = Load();
        data.Should().HaveCount(414);
        var options = new EvaluationOptions { Horizon = 48, Season = 24, Intervals = false };

        var naive2 = ForecastEvaluation.Evaluate(data, new Naive2(), options);
        Math.Round(naive2.SMape, 3).Should().Be(18.383);
        Math.Round(naive2.Mase, 3).Should().Be(2.395);

        var snaive = ForecastEvaluation.Evaluate(data, new SeasonalNaive(), options);
        Math.Round(snaive.SMape, 3).Should().Be(13.912);
        Math.Round(snaive.Mase, 3).Should().Be(1.193);
    }
}

[Collection("Heavy")]
public class M4AutoForecastTests
{
    [RequiresSharedDataFact("datasets/m4-hourly/Hourly-train.csv")]
    public void Auto_beats_owa_0_55_on_m4_hourly_with_calibrated_80_percent_intervals()
    {
        var data = M4Dataset.Load(SharedData.Find("datasets/m4-hourly/Hourly-train.csv")!, SharedData.Find("datasets/m4-hourly/Hourly-test.csv")!);
        var options = new EvaluationOptions { Horizon = 48, Season = 24, CandidateSeasons = [24, 168] };
        var naive2 = ForecastEvaluation.Evaluate(data, new Naive2(), new EvaluationOptions { Horizon = 48, Season = 24, Intervals = false });
        var auto = ForecastEvaluation.Evaluate(data, ForecastModels.CreateAuto(), options);
        var owa = ForecastAccuracy.Owa(auto.SMape, auto.Mase, naive2.SMape, naive2.Mase);
        owa.Should().BeLessThanOrEqualTo(0.55);
        auto.Coverage80.Should().BeInRange(0.75, 0.85);
    }
}
