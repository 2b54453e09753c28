using Foresight.Forecasting;

namespace Foresight.Tests.Forecasting;

public class AccuracyAndBaselineTests
{
    [Fact]
    public void Smape_and_mase_match_hand_computed_values()
    {
        double[] train = [1, 2, 3, 4, 5, 6];
        double[] actual = [10, 20];
        double[] forecast = [12, 15];
        // sMAPE = (200·2/22 + 200·5/35)/2
        ForecastAccuracy.SMape(actual, forecast).Should().BeApproximately((400.0 / 22 + 1000.0 / 35) / 2, 1e-12);
        // MASE with m = 2: scale = mean |x_t − x_{t−2}| = 2; MAE = 3.5
        ForecastAccuracy.Mase(train, actual, forecast, 2).Should().BeApproximately(1.75, 1e-12);
        ForecastAccuracy.Owa(10, 1, 20, 4).Should().BeApproximately(0.375, 1e-12);
    }

    [Fact]
    public void Seasonal_naive_repeats_the_last_season()
    {
        double[] y = [1, 2, 3, 4, 5, 6];
        new SeasonalNaive().Forecast(y, 5, [3]).Mean.Should().Equal(4, 5, 6, 4, 5);
        new SeasonalNaive().Forecast(y, 2, []).Mean.Should().Equal(6, 6);
    }

    [Fact]
    public void Classical_indices_match_an_independent_computation_and_naive2_reseasonalizes()
    {
        var m = 4;
        var pattern = new[] { 0.8, 1.2, 1.1, 0.9 };
        var y = Enumerable.Range(0, 40).Select(t => (100 + t) * pattern[t % m]).ToArray();
        var indices = ClassicalDecomposition.MultiplicativeIndices(y, m)!;
        indices.Average().Should().BeApproximately(1, 1e-12);
        for (var p = 0; p < m; p++) indices[p].Should().BeApproximately(pattern[p], 0.01);
        ClassicalDecomposition.IsSeasonal(y, m).Should().BeTrue();

        var f = new Naive2().Forecast(y, 4, [m]).Mean;
        var level = y[^1] / indices[39 % m];
        f.Should().Equal(Enumerable.Range(40, 4).Select(t => level * indices[t % m]), (a, b) => Math.Abs(a - b) < 1e-9);
    }

    [Fact]
    public void Seasonality_detection_keeps_real_cycles_and_rejects_noise()
    {
        var random = new Random(3);
        var daily = Enumerable.Range(0, 24 * 30).Select(t => 10 + 3 * Math.Sin(2 * Math.PI * t / 24) + random.NextDouble()).ToArray();
        SeasonalityDetector.Detect(daily, [24, 168]).Should().Equal(24);
        var noise = Enumerable.Range(0, 24 * 30).Select(_ => random.NextDouble()).ToArray();
        SeasonalityDetector.Detect(noise, [24, 168]).Should().BeEmpty();
        SeasonalityDetector.CandidatesFor(TimeSpan.FromHours(1)).Should().Equal(24, 168);
        SeasonalityDetector.CandidatesFor(TimeSpan.FromSeconds(15)).Should().Equal(240, 5760, 40320);
    }

    [Fact]
    public void Conformal_quantiles_cover_their_share_of_errors_and_do_not_cross()
    {
        var random = new Random(5);
        var errors = Enumerable.Range(0, 50).Select(_ => Enumerable.Range(0, 10).Select(_ => random.NextDouble() * 2 - 1).ToArray()).ToList();
        var q = ConformalIntervals.Quantiles(new double[10], errors, [0.1, 0.5, 0.9]);
        for (var h = 0; h < 10; h++)
        {
            q[0][h].Should().BeLessThan(q[1][h]);
            q[1][h].Should().BeLessThan(q[2][h]);
            q[0][h].Should().BeApproximately(-0.8, 0.15);
            q[2][h].Should().BeApproximately(0.8, 0.15);
        }
    }
}
