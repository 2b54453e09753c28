using Foresight.Forecasting;

namespace Foresight.Tests.Forecasting;

public class MstlTests
{
    private const int N = 960;

    // ---- synthetic series ----------------------------------------------------------------------

    private static double Trend(int t) => 100 + 0.02 * t + 3 * Math.Sin(2 * Math.PI * t / 2000.0);
    private static double Daily(int t) => 10 * Math.Sin(2 * Math.PI * t / 24);
    private static double Weekly(int t) => 6 * Math.Sin(2 * Math.PI * t / 168 + 0.7);

    private static double[] TwoSeasonal(int n, double noise, int seed = 1)
    {
        var rng = new Random(seed);
        var y = new double[n];
        for (var t = 0; t < n; t++) y[t] = Trend(t) + Daily(t) + Weekly(t) + noise * Gaussian(rng);
        return y;
    }

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    private static double Rmse(ReadOnlySpan<double> a, Func<int, double> truth, int from = 0, int to = -1)
    {
        if (to < 0) to = a.Length;
        var sum = 0.0;
        for (var t = from; t < to; t++) sum += (a[t] - truth(t)) * (a[t] - truth(t));
        return Math.Sqrt(sum / (to - from));
    }

    // ---- reference values from R ----------------------------------------------------------------

    // R 4.2.2 with forecast 8.20 on y = 10 + 0.05t + 3 sin(2πt/12) + 2 cos(2πt/30) + ((37t) mod 11)/5,
    // t = 0..199: stl(ts(y, frequency = 12), s.window = 7); mstl(msts(y, seasonal.periods = c(12, 30)));
    // forecast(<mstl>, h = 12, method = "naive") at steps 1, 6, 12.
    private static readonly int[] ReferenceIndices = [0, 1, 17, 55, 99, 140, 186, 199];

    private static double[] ReferenceSeries()
    {
        var y = new double[200];
        for (var t = 0; t < y.Length; t++) y[t] = 10 + 0.05 * t + 3 * Math.Sin(2 * Math.PI * t / 12) + 2 * Math.Cos(2 * Math.PI * t / 30) + (37 * t % 11) / 5.0;
        return y;
    }

    private static void ShouldMatch(double[] actual, double[] expected)
    {
        for (var i = 0; i < ReferenceIndices.Length; i++) actual[ReferenceIndices[i]].Should().BeApproximately(expected[i], 1e-9, $"index {ReferenceIndices[i]}");
    }

    [Fact]
    public void Stl_matches_r()
    {
        var stl = Stl.Decompose(ReferenceSeries(), 12, new StlOptions { SeasonalWindow = 7 });
        ShouldMatch(stl.Trend, [13.033647866626, 12.811468472438, 10.680581847546, 14.393547312662, 15.534857496836, 17.356547039045, 20.725327190603, 18.304417689773]);
        ShouldMatch(stl.Seasonal, [-0.324565626546, 1.486336071668, 1.801035801124, -1.728897772139, 2.788290673802, -2.370709320629, 0.151550902015, -1.376944915927]);
    }

    [Fact]
    public void Mstl_and_its_naive_forecast_match_r()
    {
        var y = ReferenceSeries();
        var mstl = Mstl.Decompose(y, [30, 12]);
        ShouldMatch(mstl.Trend, [10.865722770352, 10.922297715277, 11.821680816332, 13.750150730122, 15.949572048365, 17.999444529858, 20.263572772793, 20.852193249663]);
        ShouldMatch(mstl.Seasonals[0], [-0.150405897328, 1.592251097814, 1.606251461505, -1.564600679866, 2.901639291462, -2.517268591412, 0.077692549563, -1.514688662934]);
        ShouldMatch(mstl.Seasonals[1], [2.334415370440, 1.650328007735, -1.861552509637, 1.121981528051, -0.659085537976, -1.134863664013, 0.795445996069, -0.974804227686]);

        var forecast = new MstlForecaster(new SeasonalNaive()).Forecast(y, 12, [12, 30]).Mean;
        forecast[0].Should().BeApproximately(16.633341814469, 1e-9);
        forecast[5].Should().BeApproximately(23.091941682332, 1e-9);
        forecast[11].Should().BeApproximately(20.705835142906, 1e-9);
    }

    // ---- loess ---------------------------------------------------------------------------------

    [Theory]
    [InlineData(7, 1)]
    [InlineData(25, 3)]
    [InlineData(31, 1)]
    [InlineData(301, 31)]
    public void Local_linear_loess_reproduces_a_line(int span, int jump)
    {
        var y = new double[101];
        for (var t = 0; t < y.Length; t++) y[t] = 3.5 - 0.25 * t;
        var smooth = new double[y.Length];
        Loess.Smooth(y, span, 1, jump, default, smooth);
        for (var t = 0; t < y.Length; t++) smooth[t].Should().BeApproximately(y[t], 1e-9);

        // Extrapolation one step past either end stays on the line, as STL's cycle-subseries use it.
        Loess.TryEstimate(y, span, 1, -1, 0, Math.Min(span, y.Length) - 1, default, out var before).Should().BeTrue();
        before.Should().BeApproximately(3.75, 1e-9);
    }

    [Fact]
    public void Local_constant_loess_with_zero_weights_falls_back_to_the_data()
    {
        var y = new double[] { 1, 2, 3, 4, 5 };
        var weights = new double[5];
        var smooth = new double[5];
        Loess.Smooth(y, 3, 0, 1, weights, smooth);
        smooth.Should().Equal(y);
    }

    // ---- STL -----------------------------------------------------------------------------------

    private static double[] OneSeasonal(int n, int seed, out Func<int, double> seasonal)
    {
        var rng = new Random(seed);
        seasonal = t => 5 * Math.Sin(2 * Math.PI * t / 12) + 2 * Math.Cos(4 * Math.PI * t / 12);
        var y = new double[n];
        for (var t = 0; t < n; t++) y[t] = 20 + 0.05 * t + seasonal(t) + 0.3 * Gaussian(rng);
        return y;
    }

    [Fact]
    public void Stl_recovers_a_single_seasonal_component()
    {
        var y = OneSeasonal(240, 3, out var truth);
        var stl = Stl.Decompose(y, 12, new StlOptions { SeasonalWindow = 13 });

        Rmse(stl.Seasonal, truth).Should().BeLessThan(0.35, "the seasonal amplitude is about 6");
        Rmse(stl.Trend, t => 20 + 0.05 * t).Should().BeLessThan(0.3);
        stl.Weights.Should().AllSatisfy(w => w.Should().Be(1));
        for (var t = 0; t < y.Length; t++) (stl.Trend[t] + stl.Seasonal[t] + stl.Remainder[t]).Should().BeApproximately(y[t], 1e-9);
    }

    [Fact]
    public void Robust_stl_is_not_pulled_by_outliers()
    {
        var clean = OneSeasonal(240, 5, out var truth);
        var y = (double[])clean.Clone();
        int[] outliers = [30, 31, 90, 150, 151, 200];
        foreach (var t in outliers) y[t] += 60;

        var plain = Stl.Decompose(y, 12, new StlOptions { SeasonalWindow = 13 });
        var robust = Stl.Decompose(y, 12, new StlOptions { SeasonalWindow = 13, Robust = true });

        var plainError = Rmse(plain.Seasonal, truth) + Rmse(plain.Trend, t => 20 + 0.05 * t);
        var robustError = Rmse(robust.Seasonal, truth) + Rmse(robust.Trend, t => 20 + 0.05 * t);
        robustError.Should().BeLessThan(0.8);
        plainError.Should().BeGreaterThan(2 * robustError);
        foreach (var t in outliers) robust.Weights[t].Should().Be(0);
        foreach (var t in outliers) robust.Remainder[t].Should().BeGreaterThan(50);
    }

    [Fact]
    public void Stl_refuses_fewer_than_two_full_periods()
    {
        var act = () => Stl.Decompose(new double[24], 12);
        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Exact_loess_and_jumped_loess_agree_closely()
    {
        var y = OneSeasonal(240, 7, out _);
        var exact = Stl.Decompose(y, 12, new StlOptions { SeasonalWindow = 13, SeasonalJump = 1, TrendJump = 1, LowPassJump = 1 });
        var fast = Stl.Decompose(y, 12, new StlOptions { SeasonalWindow = 13 });
        Rmse(fast.Seasonal, t => exact.Seasonal[t]).Should().BeLessThan(0.05);
        Rmse(fast.Trend, t => exact.Trend[t]).Should().BeLessThan(0.05);
    }

    // ---- MSTL ----------------------------------------------------------------------------------

    [Fact]
    public void Mstl_recovers_two_seasonal_components_and_the_trend()
    {
        var y = TwoSeasonal(N, noise: 0.5);
        var mstl = Mstl.Decompose(y, [168, 24]);

        mstl.Periods.Should().Equal(24, 168);
        mstl.Seasonals.Should().HaveCount(2);
        // Ends are harder for any loess; judge the interior and the whole separately.
        Rmse(mstl.Seasonals[0], Daily).Should().BeLessThan(0.7, "the daily amplitude is 10");
        Rmse(mstl.Seasonals[1], Weekly, 84, N - 84).Should().BeLessThan(1.0, "the weekly amplitude is 6");
        Rmse(mstl.Seasonals[1], Weekly).Should().BeLessThan(1.5);
        Rmse(mstl.Trend, Trend, 84, N - 84).Should().BeLessThan(1.0);
    }

    [Fact]
    public void Mstl_components_sum_back_to_the_data()
    {
        var y = TwoSeasonal(N, noise: 2, seed: 9);
        var mstl = Mstl.Decompose(y, [24, 168]);
        var adjusted = mstl.SeasonallyAdjusted;
        for (var t = 0; t < N; t++)
        {
            (mstl.Trend[t] + mstl.Seasonals[0][t] + mstl.Seasonals[1][t] + mstl.Remainder[t]).Should().BeApproximately(y[t], 1e-9);
            (adjusted[t] + mstl.Seasonals[0][t] + mstl.Seasonals[1][t]).Should().BeApproximately(y[t], 1e-9);
        }
    }

    [Fact]
    public void Mstl_drops_periods_without_two_full_cycles()
    {
        var y = TwoSeasonal(300, noise: 0.5);
        Mstl.UsablePeriods(300, [168, 24, 24, 1]).Should().Equal(24);
        var mstl = Mstl.Decompose(y, [24, 168]);
        mstl.Periods.Should().Equal(24);
        Rmse(mstl.Seasonals[0], Daily).Should().BeLessThan(1.0);

        var none = Mstl.Decompose(y.AsSpan(0, 40), [24, 168]);
        none.Periods.Should().BeEmpty();
        none.Seasonals.Should().BeEmpty();
        for (var t = 0; t < 40; t++) (none.Trend[t] + none.Remainder[t]).Should().BeApproximately(y[t], 1e-9);
    }

    [Fact]
    public void Robust_mstl_isolates_an_outlier_and_sums_back_to_the_data()
    {
        // Periods 24 and 96: ten cycles of the longer one. With only five (168 on 960 points) the
        // first, unweighted pass spreads an outlier over its whole cycle-subseries and robust STL
        // cannot tell it apart; the Fortran behaves the same way.
        var rng = new Random(4);
        var y = new double[N];
        for (var t = 0; t < N; t++) y[t] = Trend(t) + Daily(t) + 6 * Math.Sin(2 * Math.PI * t / 96) + 0.5 * Gaussian(rng);
        y[500] += 100;
        var mstl = Mstl.Decompose(y, [24, 96], new MstlOptions { Robust = true });
        mstl.Remainder[500].Should().BeGreaterThan(90);
        Rmse(mstl.Seasonals[0], Daily).Should().BeLessThan(0.7);
        for (var t = 0; t < N; t++) (mstl.Trend[t] + mstl.Seasonals[0][t] + mstl.Seasonals[1][t] + mstl.Remainder[t]).Should().BeApproximately(y[t], 1e-9);
    }

    // ---- forecaster ----------------------------------------------------------------------------

    [Fact]
    public void Mstl_forecaster_with_naive_inner_model_forecasts_two_seasons()
    {
        const int h = 48;
        var full = TwoSeasonal(N + h, noise: 0);
        var model = new MstlForecaster(new SeasonalNaive());
        var forecast = model.Forecast(full.AsSpan(0, N), h, [24, 168]);

        model.Name.Should().Be("mstl");
        forecast.Mean.Should().HaveCount(h);
        forecast.Description.Should().Be("MSTL(24,168) + naive");
        Rmse(forecast.Mean, t => full[N + t]).Should().BeLessThan(1.5, "the seasonal swing is ±16 around a slow trend");

        // Seasonal naive on the raw series with the daily period alone misses the weekly pattern.
        var snaive = new SeasonalNaive().Forecast(full.AsSpan(0, N), h, [24]);
        Rmse(forecast.Mean, t => full[N + t]).Should().BeLessThan(Rmse(snaive.Mean, t => full[N + t]));
    }

    [Fact]
    public void Mstl_forecaster_falls_back_on_short_histories()
    {
        var model = new MstlForecaster(new SeasonalNaive(), "mstl-naive");
        var y = TwoSeasonal(40, noise: 0);
        var forecast = model.Forecast(y, 12, [24, 168]);
        forecast.Mean.Should().HaveCount(12).And.AllSatisfy(v => v.Should().Be(y[^1]));
        forecast.Description.Should().Contain("naive");
        model.Name.Should().Be("mstl-naive");

        model.Forecast([5.0], 3, [24]).Mean.Should().Equal(5, 5, 5);
        model.Forecast(TwoSeasonal(60, noise: 0), 30, [24, 168]).Description.Should().StartWith("MSTL(24) + ");
    }
}
