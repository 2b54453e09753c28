using Foresight.Forecasting;

namespace Foresight.Tests.Forecasting;

public class AutoForecasterTests
{
    private static double[] Seasonal(int n, int seed, double noise)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(t => 50 + 0.02 * t + 10 * Math.Sin(2 * Math.PI * t / 24) + 5 * Math.Sin(2 * Math.PI * t / 168) + noise * Gaussian(random)).ToArray();
    }

    private static double Gaussian(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

    [Fact]
    public void The_cross_validated_choice_prefers_the_model_that_fits_the_data()
    {
        var y = Seasonal(24 * 7 * 5, 1, 0.5);
        var auto = new AutoForecaster([new SeasonalNaive(1), new SeasonalNaive(24), new WeeklySeasonalNaive()], new AutoForecasterOptions { Combine = 1 });
        var outcome = auto.Run(y, 24, [24, 168], [0.1, 0.9]);
        outcome.Scores["snaive1"].Should().BeGreaterThan(outcome.Scores["snaive24"]);
        outcome.Description.Should().NotBe("snaive1");
        outcome.Folds.Should().Be(8);
    }

    [Fact]
    public void Conformal_80_percent_intervals_cover_about_80_percent_of_new_data()
    {
        // Many independent series from the same process: the share of future values inside the
        // 80% band must be near 80% (the guarantee conformal prediction gives under exchangeability).
        var auto = new AutoForecaster([new MstlForecaster(new SeasonalNaive(), "mstl-naive"), new WeeklySeasonalNaive()]);
        var inside = 0;
        var total = 0;
        for (var seed = 0; seed < 40; seed++)
        {
            var y = Seasonal(24 * 7 * 5 + 24, seed, 2);
            var outcome = auto.Run(y.AsSpan(0, y.Length - 24), 24, [24, 168], [0.1, 0.9]);
            for (var h = 0; h < 24; h++)
            {
                var actual = y[y.Length - 24 + h];
                if (actual >= outcome.QuantileValues[0][h] && actual <= outcome.QuantileValues[1][h]) inside++;
                total++;
            }
        }
        ((double)inside / total).Should().BeInRange(0.72, 0.90);
    }

    [Fact]
    public void Short_constant_and_single_point_histories_get_finite_forecasts()
    {
        var auto = ForecastModels.CreateAuto();
        foreach (var y in new[] { new double[] { 5 }, [1, 2, 3], Enumerable.Repeat(7.0, 100).ToArray(), Seasonal(50, 2, 1) })
        {
            var outcome = auto.Run(y, 12, [24, 168], [0.1, 0.9]);
            outcome.Mean.Should().HaveCount(12).And.OnlyContain(v => double.IsFinite(v));
            outcome.QuantileValues.SelectMany(q => q).Should().OnlyContain(v => double.IsFinite(v));
        }
    }
}
