using Foresight.Forecasting;

namespace Foresight.Tests.Forecasting;

public class EtsTests
{
    private const double Sigma = 1.0;

    /// <summary>Simulates an additive-error ETS process and returns the series and its conditional mean h steps after the end.</summary>
    private static (double[] Y, double[] Mean) Simulate(EtsSpec spec, EtsParameters p, int n, int horizon, int seed,
        double level = 100, double trend = 0, int m = 1, double amplitude = 0)
    {
        var rng = new Random(seed);
        var season = new double[m];
        for (var i = 0; i < m; i++) season[i] = spec.HasSeason ? amplitude * Math.Sin(2 * Math.PI * i / m) : 0;
        var phi = spec.Trend == EtsTrend.Damped ? p.Phi : 1;
        var b = spec.HasTrend ? trend : 0;
        var y = new double[n];
        for (var t = 0; t < n; t++)
        {
            var e = Sigma * Gaussian(rng);
            var s = season[t % m];
            y[t] = level + phi * b + s + e;
            level = level + phi * b + p.Alpha * e;
            b = phi * b + p.Beta * e;
            season[t % m] = s + p.Gamma * e;
        }
        var mean = new double[horizon];
        var damping = 0.0;
        for (var h = 1; h <= horizon; h++)
        {
            damping += Math.Pow(phi, h);
            mean[h - 1] = level + (spec.Trend == EtsTrend.Damped ? damping : h) * b + season[(n + h - 1) % m];
        }
        return (y, mean);
    }

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    public static TheoryData<string, int> Recoverable => new()
    {
        { "ETS(A,N,N)", 1 },
        { "ETS(A,A,N)", 2 },
        { "ETS(A,Ad,N)", 3 },
        { "ETS(A,N,A)", 4 },
    };

    [Theory]
    [MemberData(nameof(Recoverable))]
    public void Ets_recovers_known_parameters_from_simulated_series(string name, int seed)
    {
        var (spec, p, trend, m) = name switch
        {
            "ETS(A,N,N)" => (EtsSpec.SimpleExponentialSmoothing, new EtsParameters(0.3), 0.0, 1),
            "ETS(A,A,N)" => (new EtsSpec(EtsError.Additive, EtsTrend.Additive, EtsSeason.None), new EtsParameters(0.4, 0.05), 0.5, 1),
            "ETS(A,Ad,N)" => (new EtsSpec(EtsError.Additive, EtsTrend.Damped, EtsSeason.None), new EtsParameters(0.5, 0.1, Phi: 0.9), 2.0, 1),
            _ => (new EtsSpec(EtsError.Additive, EtsTrend.None, EtsSeason.Additive), new EtsParameters(0.3, Gamma: 0.1), 0.0, 12),
        };
        var (y, mean) = Simulate(spec, p, 1000, 6, seed, trend: trend, m: m, amplitude: 10);

        var fit = Ets.Fit(y, spec, m);

        fit.Spec.ToString().Should().Be(name);
        fit.Parameters.Alpha.Should().BeApproximately(p.Alpha, 0.1);
        if (spec.HasTrend) fit.Parameters.Beta.Should().BeApproximately(p.Beta, 0.1);
        if (spec.HasSeason) fit.Parameters.Gamma.Should().BeApproximately(p.Gamma, 0.1);
        if (spec.Trend == EtsTrend.Damped) fit.Parameters.Phi.Should().BeInRange(Ets.PhiLower, Ets.PhiUpper);
        fit.Sigma2.Should().BeApproximately(Sigma * Sigma, 0.15);
        var forecast = fit.Forecast(6);
        for (var h = 0; h < 6; h++) forecast[h].Should().BeApproximately(mean[h], 1.5 * Sigma * Math.Sqrt(h + 1));
    }

    [Fact]
    public void Ses_fitted_values_equal_a_hand_written_recursion()
    {
        var rng = new Random(7);
        var y = new double[50];
        for (var t = 0; t < y.Length; t++) y[t] = 20 + 3 * Gaussian(rng);

        var fit = Ets.Evaluate(y, EtsSpec.SimpleExponentialSmoothing, 1, new EtsParameters(0.3), initialLevel: 18);

        var level = 18.0;
        var sse = 0.0;
        for (var t = 0; t < y.Length; t++)
        {
            fit.Fitted[t].Should().BeApproximately(level, 1e-12);
            sse += (y[t] - level) * (y[t] - level);
            level += 0.3 * (y[t] - level);
        }
        fit.Level.Should().BeApproximately(level, 1e-12);
        fit.Forecast(3).Should().AllSatisfy(v => v.Should().BeApproximately(level, 1e-12));
        var n = y.Length;
        fit.LogLikelihood.Should().BeApproximately(-0.5 * n * (Math.Log(2 * Math.PI * sse / n) + 1), 1e-9);
    }

    [Fact]
    public void Multiplicative_error_likelihood_adds_the_log_forecast_term()
    {
        double[] y = [10, 12, 11, 13, 12, 14, 13, 15];
        var fit = Ets.Evaluate(y, new EtsSpec(EtsError.Multiplicative, EtsTrend.None, EtsSeason.None), 1, new EtsParameters(0.5), 10);

        double level = 10, sse = 0, logs = 0;
        foreach (var v in y)
        {
            var e = (v - level) / level;
            sse += e * e;
            logs += Math.Log(level);
            level += 0.5 * (v - level);
        }
        var n = y.Length;
        fit.LogLikelihood.Should().BeApproximately(-0.5 * n * (Math.Log(2 * Math.PI * sse / n) + 1) - logs, 1e-9);
    }

    [Fact]
    public void Holt_forecast_is_level_plus_h_times_trend()
    {
        var (y, _) = Simulate(new EtsSpec(EtsError.Additive, EtsTrend.Additive, EtsSeason.None), new EtsParameters(0.4, 0.1), 200, 1, 11, trend: 1);
        var fit = Ets.Fit(y, new EtsSpec(EtsError.Additive, EtsTrend.Additive, EtsSeason.None));

        var forecast = fit.Forecast(10);

        for (var h = 1; h <= 10; h++) forecast[h - 1].Should().BeApproximately(fit.Level + h * fit.Trend, 1e-9);
    }

    [Fact]
    public void Damped_forecast_sums_the_powers_of_phi()
    {
        var (y, _) = Simulate(new EtsSpec(EtsError.Additive, EtsTrend.Damped, EtsSeason.None), new EtsParameters(0.4, 0.1, Phi: 0.9), 200, 1, 12, trend: 1);
        var fit = Ets.Fit(y, new EtsSpec(EtsError.Additive, EtsTrend.Damped, EtsSeason.None));

        var forecast = fit.Forecast(10);

        var phi = fit.Parameters.Phi;
        var sum = 0.0;
        for (var h = 1; h <= 10; h++)
        {
            sum += Math.Pow(phi, h);
            forecast[h - 1].Should().BeApproximately(fit.Level + sum * fit.Trend, 1e-9);
        }
    }

    [Fact]
    public void AutoEts_picks_a_non_seasonal_model_for_a_random_walk()
    {
        var rng = new Random(3);
        var y = new double[600];
        y[0] = 500;
        for (var t = 1; t < y.Length; t++) y[t] = y[t - 1] + Gaussian(rng);

        var fit = new AutoEts().Fit(y, 12);

        fit.Should().NotBeNull();
        fit!.Spec.HasSeason.Should().BeFalse();
        fit.Parameters.Alpha.Should().BeGreaterThan(0.8);
    }

    [Theory]
    [InlineData(12)]
    [InlineData(24)]
    public void AutoEts_picks_a_seasonal_model_for_a_strongly_seasonal_series(int m)
    {
        var rng = new Random(m);
        var y = new double[40 * m];
        for (var t = 0; t < y.Length; t++) y[t] = 100 + 20 * Math.Sin(2 * Math.PI * t / m) + 0.05 * t + 2 * Gaussian(rng);

        var model = new AutoEts();
        var fit = model.Fit(y, m);
        var forecast = model.Forecast(y, 2 * m, [m]);

        fit.Should().NotBeNull();
        fit!.Spec.HasSeason.Should().BeTrue();
        fit.Period.Should().Be(m);
        forecast.Mean.Should().HaveCount(2 * m);
        for (var h = 0; h < 2 * m; h++)
        {
            var t = y.Length + h;
            forecast.Mean[h].Should().BeApproximately(100 + 20 * Math.Sin(2 * Math.PI * t / m) + 0.05 * t, 5);
        }
    }

    [Fact]
    public void AutoEts_without_undamped_trend_keeps_to_the_other_trends()
    {
        var y = Enumerable.Range(0, 300).Select(t => 50 + 0.5 * t + Math.Sin(t)).ToArray();

        var fit = new AutoEts { AllowUndampedTrend = false }.Fit(y);

        fit!.Spec.Trend.Should().NotBe(EtsTrend.Additive);
    }

    public static TheoryData<double[], int> Awkward => new()
    {
        { new double[] { 5 }, 12 },
        { new double[] { 5, 6 }, 12 },
        { new double[] { 1, 2, 3, 4, 5, 6, 7 }, 1 },
        { Enumerable.Repeat(42.0, 100).ToArray(), 24 },
        { Enumerable.Repeat(0.0, 30).ToArray(), 12 },
        { Enumerable.Range(0, 200).Select(t => -50 - 10 * Math.Sin(t / 3.0) - 0.1 * t).ToArray(), 12 },
        { Enumerable.Range(0, 100).Select(t => t % 7 == 0 ? 0.0 : 1e-3 * t).ToArray(), 7 },
        { Enumerable.Range(0, 60).Select(t => 1e12 * (1 + (t % 5))).ToArray(), 5 },
        { Enumerable.Range(0, 500).Select(t => (double)(t * t)).ToArray(), 48 },
    };

    [Theory]
    [MemberData(nameof(Awkward))]
    public void AutoEts_never_throws_and_returns_finite_forecasts(double[] history, int season)
    {
        var forecast = new AutoEts().Forecast(history, 30, [season]);

        forecast.Mean.Should().HaveCount(30);
        forecast.Mean.Should().OnlyContain(v => double.IsFinite(v));
    }

    [Fact]
    public void Constant_series_is_forecast_by_its_value()
    {
        var forecast = new AutoEts().Forecast(Enumerable.Repeat(7.5, 50).ToArray(), 5, []);

        forecast.Mean.Should().Equal(7.5, 7.5, 7.5, 7.5, 7.5);
    }

    [Fact]
    public void Fit_rejects_a_multiplicative_model_on_non_positive_data()
    {
        var act = () => Ets.Fit([1, -2, 3, 4, 5], new EtsSpec(EtsError.Multiplicative, EtsTrend.None, EtsSeason.None));

        act.Should().Throw<ArgumentException>();
    }
}
