using Foresight.Forecasting;

namespace Foresight.Tests.Forecasting;

public class ThetaTests
{
    private static readonly int[] NoSeasons = [];
    private static readonly int[] Hourly = [24];

    [Fact]
    public void Stm_equals_ses_plus_half_slope_drift_computed_independently()
    {
        var y = RandomWalkWithDrift(seed: 7, n: 150, drift: 0.3, sigma: 2);
        const int horizon = 12;

        var forecast = new StandardTheta().Forecast(y, horizon, NoSeasons).Mean;

        var (alpha, level) = IndependentSes(y);
        var slope = OlsSlope(y);
        var n = y.Length;
        for (var h = 1; h <= horizon; h++)
        {
            var expected = level + slope / 2 * (h - 1 + 1 / alpha - Math.Pow(1 - alpha, n) / alpha);
            forecast[h - 1].Should().BeApproximately(expected, 1e-4 * Math.Abs(expected), $"h={h}");
        }
        new StandardTheta().Fit(y, NoSeasons).Alpha.Should().BeApproximately(alpha, 1e-4);
    }

    [Fact]
    public void Stm_reseasonalizes_with_multiplicative_indices_when_the_m4_test_says_seasonal()
    {
        var y = SeasonalSeries(seed: 3, n: 24 * 12, multiplicative: true);
        var fit = new StandardTheta().Fit(y, Hourly);
        fit.SeasonalAdjustment.Should().Be(ThetaSeasonalAdjustment.Multiplicative);

        var indices = ClassicalDecomposition.MultiplicativeIndices(y, 24)!;
        var adjusted = y.Select((v, i) => v / indices[i % 24]).ToArray();
        var plain = new StandardTheta().Forecast(adjusted, 30, NoSeasons).Mean;
        var seasonal = fit.Forecast(30);
        for (var h = 0; h < 30; h++)
        {
            seasonal[h].Should().BeApproximately(plain[h] * indices[(y.Length + h) % 24], 1e-9 * Math.Abs(seasonal[h]));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Recursion_matches_the_papers_equations_written_one_based(bool dynamic)
    {
        var kind = dynamic ? ThetaRecursionKind.Dynamic : ThetaRecursionKind.Standard;
        var y = RandomWalkWithDrift(seed: 11, n: 60, drift: 0.5, sigma: 1);
        const double alpha = 0.37, theta = 1.8, level0 = 4.2;
        var (a, b) = OlsLine(y);
        var state = ThetaRecursion.Start(kind, alpha, 1 - 1 / theta, level0, a, b);
        var fitted = new double[y.Length];
        state.Run(y, fitted, 0);
        var forecast = new double[10];
        state.Forecast(forecast);

        var (expectedFitted, expectedForecast) = PaperRecursion(y, dynamic, alpha, theta, level0, a, b, 10);
        for (var i = 0; i < y.Length; i++) fitted[i].Should().BeApproximately(expectedFitted[i], 1e-9, $"t={i + 1}");
        for (var h = 0; h < 10; h++) forecast[h].Should().BeApproximately(expectedForecast[h], 1e-9, $"h={h + 1}");
    }

    [Theory]
    [InlineData(ThetaVariant.Optimized)]
    [InlineData(ThetaVariant.DynamicOptimized)]
    public void Optimised_fit_is_no_worse_than_a_brute_force_grid(ThetaVariant variant)
    {
        var y = RandomWalkWithDrift(seed: 5, n: 120, drift: -0.2, sigma: 1.5);
        var fit = variant == ThetaVariant.Optimized ? new OptimizedTheta().Fit(y, NoSeasons) : new DynamicOptimizedTheta().Fit(y, NoSeasons);
        var kind = variant == ThetaVariant.Optimized ? ThetaRecursionKind.Standard : ThetaRecursionKind.Dynamic;
        var (a, b) = OlsLine(y);

        var gridBest = double.PositiveInfinity;
        for (var alpha = 0.1; alpha <= 0.99; alpha += 0.01)
        {
            for (var theta = 1.0; theta <= 6; theta += 0.1)
            {
                // The criterion is quadratic in ℓ₀: three evaluations give its minimum.
                double Mse(double l0)
                {
                    var s = ThetaRecursion.Start(kind, alpha, 1 - 1 / theta, l0, a, b);
                    return s.Run(y, default, 3) / (y.Length - 3);
                }
                double f0 = Mse(0), f1 = Mse(1), f2 = Mse(-1);
                var curvature = (f1 + f2 - 2 * f0) / 2;
                var slope = (f1 - f2) / 2;
                var best = curvature > 0 ? Mse(-slope / (2 * curvature)) : Math.Min(f0, Math.Min(f1, f2));
                gridBest = Math.Min(gridBest, best);
            }
        }
        fit.Mse.Should().BeLessThanOrEqualTo(gridBest * (1 + 1e-9));
        fit.Alpha.Should().BeInRange(0.1, 0.99);
        fit.Theta.Should().BeGreaterThanOrEqualTo(1);
    }

    [Theory]
    [InlineData("otm")]
    [InlineData("dotm")]
    [InlineData("theta")]
    public void Optimised_models_follow_a_linear_trend(string name)
    {
        var rng = new Random(21);
        const int n = 200, horizon = 24;
        double Truth(int t) => 10 + 0.5 * t;
        var y = Enumerable.Range(0, n).Select(t => Truth(t) + Normal(rng)).ToArray();
        IForecastModel model = name switch { "otm" => new OptimizedTheta(), "dotm" => new DynamicOptimizedTheta(), _ => new AutoTheta() };

        var forecast = model.Forecast(y, horizon, NoSeasons).Mean;

        var mae = Enumerable.Range(0, horizon).Average(h => Math.Abs(forecast[h] - Truth(n + h)));
        mae.Should().BeLessThan(1.5, "the trend adds 12 over the horizon; noise has σ = 1");
    }

    [Fact]
    public void AutoTheta_beats_ses_on_a_multiplicative_hourly_series()
    {
        var all = SeasonalSeries(seed: 9, n: 24 * 22, multiplicative: true);
        const int horizon = 48;
        var train = all[..^horizon];
        var test = all[^horizon..];

        var fit = new AutoTheta().Fit(train, Hourly);
        var theta = fit.Forecast(horizon);
        var (alpha, level) = IndependentSes(train);
        _ = alpha;

        fit.SeasonalAdjustment.Should().Be(ThetaSeasonalAdjustment.Multiplicative);
        var thetaMae = test.Select((v, h) => Math.Abs(v - theta[h])).Average();
        var sesMae = test.Select(v => Math.Abs(v - level)).Average();
        thetaMae.Should().BeLessThan(0.5 * sesMae);
    }

    [Fact]
    public void AutoTheta_uses_additive_adjustment_when_values_are_not_positive()
    {
        var y = SeasonalSeries(seed: 4, n: 24 * 10, multiplicative: false).Select(v => v - 100).ToArray();
        var fit = new AutoTheta().Fit(y, Hourly);
        fit.SeasonalAdjustment.Should().Be(ThetaSeasonalAdjustment.Additive);
        fit.Forecast(48).Should().OnlyContain(v => double.IsFinite(v));
    }

    [Fact]
    public void AutoTheta_keeps_the_variant_with_the_smallest_in_sample_mse()
    {
        var y = RandomWalkWithDrift(seed: 13, n: 300, drift: 0.1, sigma: 1);
        var auto = new AutoTheta().Fit(y, NoSeasons);
        double[] candidates =
        [
            new StandardTheta().Fit(y, NoSeasons).Mse, new OptimizedTheta().Fit(y, NoSeasons).Mse,
            new DynamicStandardTheta().Fit(y, NoSeasons).Mse, new DynamicOptimizedTheta().Fit(y, NoSeasons).Mse,
        ];
        auto.Mse.Should().Be(candidates.Min());
    }

    [Fact]
    public void Fitted_values_and_residual_variance_are_on_the_original_scale()
    {
        var y = SeasonalSeries(seed: 8, n: 24 * 8, multiplicative: true);
        var fit = new AutoTheta().Fit(y, Hourly);
        fit.Fitted.Length.Should().Be(y.Length);
        var fitted = fit.Fitted.ToArray();
        var expected = Enumerable.Range(3, y.Length - 3).Average(i => (y[i] - fitted[i]) * (y[i] - fitted[i]));
        fit.ResidualVariance.Should().BeApproximately(expected, 1e-9 * expected);
        fit.ResidualVariance.Should().BeLessThan(Variance(y));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(7)]
    public void Short_series_do_not_throw_and_return_finite_forecasts(int n)
    {
        var y = Enumerable.Range(0, n).Select(i => 3.0 + i % 3).ToArray();
        foreach (var model in AllModels())
        {
            var mean = model.Forecast(y, 30, Hourly).Mean;
            mean.Should().HaveCount(30).And.OnlyContain(v => double.IsFinite(v), model.Name);
        }
        if (n < 5) new AutoTheta().Fit(y, Hourly).Variant.Should().Be(ThetaVariant.Naive);
    }

    [Fact]
    public void Constant_series_forecast_the_constant()
    {
        var y = Enumerable.Repeat(42.0, 100).ToArray();
        foreach (var model in AllModels())
        {
            model.Forecast(y, 10, Hourly).Mean.Should().AllSatisfy(v => v.Should().Be(42.0));
        }
    }

    [Fact]
    public void Extreme_values_give_finite_forecasts()
    {
        var y = Enumerable.Range(0, 80).Select(i => i % 2 == 0 ? 1e300 : -1e300).ToArray();
        foreach (var model in AllModels())
        {
            model.Forecast(y, 5, Hourly).Mean.Should().OnlyContain(v => double.IsFinite(v), model.Name);
        }
    }

    [Fact]
    public void Models_have_their_stable_names()
    {
        AllModels().Select(m => m.Name).Should().Equal("theta", "stm", "otm", "dstm", "dotm");
    }

    private static IForecastModel[] AllModels() =>
        [new AutoTheta(), new StandardTheta(), new OptimizedTheta(), new DynamicStandardTheta(), new DynamicOptimizedTheta()];

    /// <summary>The paper's recursion with one-based time, written from its equations, not from the engine.</summary>
    private static (double[] Fitted, double[] Forecast) PaperRecursion(double[] y, bool dynamic, double alpha, double theta,
        double level0, double a, double b, int horizon)
    {
        var n = y.Length;
        var series = new List<double>(y);
        var mu = new double[n + horizon];
        double level = level0, mean = 0, an = a, bn = b;
        for (var t = 1; t <= n + horizon; t++)
        {
            if (dynamic && t == 1) mu[0] = y[0];
            else mu[t - 1] = level + (1 - 1 / theta) * (Math.Pow(1 - alpha, t - 1) * an + (1 - Math.Pow(1 - alpha, t)) / alpha * bn);
            if (t > n) series.Add(mu[t - 1]);
            var yt = series[t - 1];
            level = alpha * yt + (1 - alpha) * level;
            var previousMean = mean;
            mean = ((t - 1) * mean + yt) / t;
            if (!dynamic) continue;
            if (t == 1)
            {
                an = yt;
                bn = 0;
                continue;
            }
            bn = ((t - 2) * bn + 6.0 / t * (yt - previousMean)) / (t + 1);
            an = mean - (t + 1) / 2.0 * bn;
        }
        return (mu[..n], mu[n..]);
    }

    /// <summary>SES by least squares over α and ℓ₀: golden-section search on α, ℓ₀ from the SSE parabola.</summary>
    private static (double Alpha, double FinalLevel) IndependentSes(double[] y)
    {
        double Sse(double alpha, double l0, out double final)
        {
            var level = l0;
            var sse = 0.0;
            foreach (var v in y)
            {
                sse += (v - level) * (v - level);
                level += alpha * (v - level);
            }
            final = level;
            return sse;
        }
        double BestL0(double alpha)
        {
            double f0 = Sse(alpha, 0, out _), f1 = Sse(alpha, 1, out _), f2 = Sse(alpha, -1, out _);
            return -(f1 - f2) / 2 / (f1 + f2 - 2 * f0);
        }
        double Profile(double alpha) => Sse(alpha, BestL0(alpha), out _);

        var bestGrid = 1e-4;
        for (var alpha = 1e-4; alpha <= 0.9999; alpha += 0.001)
        {
            if (Profile(alpha) < Profile(bestGrid)) bestGrid = alpha;
        }
        double lo = Math.Max(1e-4, bestGrid - 0.001), hi = Math.Min(0.9999, bestGrid + 0.001);
        var golden = (Math.Sqrt(5) - 1) / 2;
        while (hi - lo > 1e-10)
        {
            var x1 = hi - golden * (hi - lo);
            var x2 = lo + golden * (hi - lo);
            if (Profile(x1) < Profile(x2)) hi = x2;
            else lo = x1;
        }
        var best = (lo + hi) / 2;
        Sse(best, BestL0(best), out var finalLevel);
        return (best, finalLevel);
    }

    private static double OlsSlope(double[] y)
    {
        var tMean = (y.Length - 1) / 2.0;
        var yMean = y.Average();
        double sxy = 0, sxx = 0;
        for (var t = 0; t < y.Length; t++)
        {
            sxy += (t - tMean) * (y[t] - yMean);
            sxx += (t - tMean) * (t - tMean);
        }
        return sxy / sxx;
    }

    /// <summary>Intercept at t = 0 and slope of the OLS line through (t, y_t), t = 1..n.</summary>
    private static (double A, double B) OlsLine(double[] y)
    {
        var b = OlsSlope(y);
        return (y.Average() - b * (y.Length + 1) / 2.0, b);
    }

    private static double[] RandomWalkWithDrift(int seed, int n, double drift, double sigma)
    {
        var rng = new Random(seed);
        var y = new double[n];
        var level = 100.0;
        for (var i = 0; i < n; i++)
        {
            level += drift + sigma * Normal(rng);
            y[i] = level + sigma * Normal(rng);
        }
        return y;
    }

    private static double[] SeasonalSeries(int seed, int n, bool multiplicative)
    {
        var rng = new Random(seed);
        var y = new double[n];
        for (var t = 0; t < n; t++)
        {
            var trend = 100 + 0.05 * t;
            var season = Math.Sin(2 * Math.PI * t / 24) + 0.5 * Math.Cos(4 * Math.PI * t / 24);
            y[t] = multiplicative
                ? trend * (1 + 0.3 * season) * (1 + 0.02 * Normal(rng))
                : trend + 20 * season + 2 * Normal(rng);
        }
        return y;
    }

    private static double Variance(double[] y)
    {
        var mean = y.Average();
        return y.Average(v => (v - mean) * (v - mean));
    }

    private static double Normal(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
