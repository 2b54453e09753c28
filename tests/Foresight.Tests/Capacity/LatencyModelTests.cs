using Foresight.Capacity;
using Foresight.Series;

namespace Foresight.Tests.Capacity;

public class LatencyModelTests
{
    private static LatencyObservation[] Exact(QueueModel queue, params double[] shares) =>
        shares.Select(s => s * queue.SaturationLoad)
            .Select(l => new LatencyObservation(l, queue.MeanResponse(l), queue.ResponseQuantile(l, 0.95), queue.ResponseQuantile(l, 0.99)))
            .ToArray();

    private static LatencyModel Fit(IReadOnlyList<LatencyObservation> data, LatencyFitOptions? options = null)
    {
        LatencyModel.TryFit(data, out var model, out var error, options ?? new LatencyFitOptions { BootstrapResamples = 0 }).Should().BeTrue(error);
        return model!;
    }

    [Fact]
    public void Fit_recovers_known_parameters_from_noise_free_load_test_data()
    {
        var truth = new QueueModel { Servers = 4, ServiceRate = 20, ServiceScv = 0.6, Overhead = 0.005 };
        var model = Fit(Exact(truth, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7));

        model.Queue.Servers.Should().Be(4);
        model.Queue.ServiceRate.Should().BeApproximately(20, 0.2);
        model.Queue.ServiceScv.Should().BeApproximately(0.6, 0.02);
        model.Queue.Overhead.Should().BeApproximately(0.005, 0.0005);
        model.SaturationLoad.Should().BeApproximately(80, 0.8);
        model.Predict(68).P99.Value.Should().BeApproximately(truth.ResponseQuantile(68, 0.99), 0.01 * truth.ResponseQuantile(68, 0.99));
    }

    [Fact]
    public void Bootstrap_interval_brackets_the_prediction_of_a_noisy_fit()
    {
        var truth = new QueueModel { Servers = 2, ServiceRate = 10 };
        var random = new Random(3);
        var data = Exact(truth, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6)
            .Select(o => o with { Mean = o.Mean * Math.Exp(0.03 * (random.NextDouble() - 0.5)), P99 = o.P99 * Math.Exp(0.03 * (random.NextDouble() - 0.5)) })
            .ToArray();
        var model = Fit(data, new LatencyFitOptions { BootstrapResamples = 20, Seed = 1 });

        var p99 = model.Predict(14).P99;
        p99.Lower.Should().BeLessThan(p99.Value);
        p99.Upper.Should().BeGreaterThan(p99.Value);
        p99.Value.Should().BeApproximately(truth.ResponseQuantile(14, 0.99), 0.1 * truth.ResponseQuantile(14, 0.99));
    }

    // Hand-worked M/M/1 with μ = 10/s: p99 = ln(100)/(10 − λ), so p99 ≤ 1 s holds up to λ = 10 − ln 100 = 5.39483/s.
    private static LatencyModel Mm1() =>
        Fit(Exact(new QueueModel { Servers = 1, ServiceRate = 10 }, 0.1, 0.3, 0.5, 0.7), new LatencyFitOptions { Servers = 1, EstimateOverhead = false, BootstrapResamples = 0 });

    private const double MaxLoad = 10 - 4.605170185988091;

    [Fact]
    public void Max_load_and_headroom_for_a_p99_objective_match_the_hand_worked_mm1()
    {
        var model = Mm1();
        model.TryHeadroom(4, objective: 1, out var headroom, out var error).Should().BeTrue(error);
        headroom!.MaxLoad.Should().BeApproximately(MaxLoad, 1e-3);
        headroom.Headroom.Should().BeApproximately(MaxLoad - 4, 1e-3);
        headroom.HeadroomShare.Should().BeApproximately((MaxLoad - 4) / 4, 1e-3);
    }

    [Fact]
    public void Replicas_for_a_p99_objective_split_the_load_over_copies_of_the_fitted_queue()
    {
        var model = Mm1();
        model.TryReplicasFor(20, objective: 1, out var replicas, out var error).Should().BeTrue(error);
        replicas.Should().Be(4);   // 20 / 5.39483 = 3.71
        model.TryReplicasFor(10.7, objective: 1, out replicas, out _).Should().BeTrue();
        replicas.Should().Be(2);   // 10.7 / 5.39483 = 1.98
    }

    [Fact]
    public void An_objective_below_the_idle_latency_is_an_error_that_says_so()
    {
        var model = Mm1();
        model.TryReplicasFor(20, objective: 0.4, out _, out var error).Should().BeFalse();   // idle p99 = ln(100)/10 = 0.46 s
        error.Should().Contain("idle replica");
    }

    [Fact]
    public void Breach_date_from_compound_growth_matches_the_hand_worked_case()
    {
        var model = Mm1();
        const long now = 1_700_000_000_000;
        model.TryBreach(4, now, growthPerDay: 0.01, objective: 1, out var breach, out var error).Should().BeTrue(error);
        var days = Math.Log(MaxLoad / 4) / Math.Log(1.01);   // 30.06 days
        ((breach!.BreachAt!.Value - now) / 86_400_000.0).Should().BeApproximately(days, 0.01);
        model.TryBreach(4, now, growthPerDay: 0, objective: 1, out breach, out _).Should().BeTrue();
        breach!.BreachAt.Should().BeNull();
    }

    [Fact]
    public void Breach_date_on_a_forecast_path_interpolates_the_crossing()
    {
        var model = Mm1();
        const long day = 86_400_000, t0 = 1_700_000_000_000;
        Point[] path = [new(t0, 4), new(t0 + 10 * day, 5), new(t0 + 20 * day, 6)];
        model.TryBreach(path, objective: 1, out var breach, out var error).Should().BeTrue(error);
        // Crosses 5.39483 a share 0.39483 of the way from day 10 to day 20.
        ((breach!.BreachAt!.Value - t0) / (double)day).Should().BeApproximately(10 + (MaxLoad - 5) * 10, 0.01);
    }

    [Fact]
    public void Too_few_distinct_loads_are_an_error()
    {
        LatencyModel.TryFit([new(1, 0.1), new(2, 0.11), new(2, 0.12)], out var model, out var error).Should().BeFalse();
        model.Should().BeNull();
        error.Should().Contain("3 or more distinct loads").And.Contain("got 2");
    }

    [Fact]
    public void A_negative_latency_is_reported_with_its_index()
    {
        LatencyModel.TryFit([new(1, 0.1), new(2, -0.1), new(3, 0.12)], out _, out var error).Should().BeFalse();
        error.Should().Contain("observation 1").And.Contain("mean");
    }
}
