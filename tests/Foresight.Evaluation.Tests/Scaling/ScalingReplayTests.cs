using Foresight.Evaluation.Scaling;

namespace Foresight.Evaluation.Tests.Scaling;

// Hand-worked replays: steps of 60 s, controller ticks of 15 s, start-up 30 s, one unit of demand per replica.
public class ScalingReplayTests
{
    private const long Step = 60_000, Tick = 15_000, Startup = 30_000;
    private static readonly long[] Times = [0, 60_000, 120_000, 180_000];
    private static readonly double[] Demand = [1, 3, 3, 1];

    /// <summary>Asks for ⌈observed demand⌉ replicas, the observed demand being the previous step's.</summary>
    private sealed class Reactive : IReplayPolicy
    {
        public string Name => "reactive";
        public int Decide(in ReplayTick tick) => (int)Math.Ceiling(tick.ObservedDemand);
    }

    [Fact]
    public void A_lagging_policy_is_short_until_its_replicas_are_ready_and_pays_for_them_from_the_request()
    {
        var outcome = ScalingReplay.Run(new Reactive(), Times, Demand, Step, replicaCapacity: 1, initialReplicas: 1, Startup, Tick, pricePerReplicaHour: 3.6);

        // Step 1: still 1 replica for demand 3 (60 s short). Step 2: 3 asked at 120 s, ready at 150 s (30 s short).
        outcome.UnderProvisionedSteps.Should().Be(2);
        outcome.UnderProvisionedMinutes.Should().BeApproximately(1.5, 1e-12);
        // Unserved: 2 × 60 + 2 × 30 = 180 of 8 × 60 = 480 demand-seconds.
        outcome.UnservedShare.Should().BeApproximately(180.0 / 480, 1e-12);
        // Replica-seconds: 60 + 60 + 3 × 60 + 3 × 60 = 480 (starting replicas are paid for).
        outcome.ReplicaHours.Should().BeApproximately(480.0 / 3600, 1e-12);
        outcome.Cost.Should().BeApproximately(480.0 / 3600 * 3.6, 1e-12);
        // Served 60 + 60 + (30 + 90) + 60 = 300 of ready capacity 60 + 60 + (30 + 90) + 180 = 420.
        outcome.MeanUtilization.Should().BeApproximately(300.0 / 420, 1e-12);
        outcome.ScalingActions.Should().Be(1);
        outcome.ReadyReplicas.Should().Equal(1, 1, 1, 3);
    }

    [Fact]
    public void The_oracle_starts_each_replica_one_startup_ahead_and_is_never_short()
    {
        var oracle = new OraclePolicy(Times, Demand, Step, replicaCapacity: 1, minReplicas: 1, Startup, Tick);
        var outcome = ScalingReplay.Run(oracle, Times, Demand, Step, 1, oracle.Initial, Startup, Tick, 1);

        outcome.UnderProvisionedMinutes.Should().Be(0);
        outcome.UnservedShare.Should().Be(0);
        // One replica throughout (240 s) plus two from 30 s (requested one start-up before 60 s) to 180 s.
        outcome.ReplicaHours.Should().BeApproximately((240 + 2 * 150) / 3600.0, 1e-12);
        outcome.ScalingActions.Should().Be(2);
        outcome.ReadyReplicas.Should().Equal(1, 3, 3, 1);
    }

    [Fact]
    public void The_oracle_keeps_a_replica_through_a_gap_shorter_than_its_startup_and_restarts_it_after_a_longer_one()
    {
        // Need 2 at steps 0, 2 and 6: the one-step gap (60 s) is shorter than a 90 s start-up, the three-step gap is not.
        var times = Enumerable.Range(0, 8).Select(i => i * Step).ToArray();
        double[] demand = [2, 1, 2, 1, 1, 1, 2, 1];
        var oracle = new OraclePolicy(times, demand, Step, 1, 1, startupMs: 90_000, Tick);
        var outcome = ScalingReplay.Run(oracle, times, demand, Step, 1, oracle.Initial, 90_000, Tick, 1);

        outcome.UnderProvisionedMinutes.Should().Be(0);
        // Base replica 480 s; the second: steps 0-2 kept (180 s), restarted 90 s before step 6 and run through it (150 s).
        outcome.ReplicaHours.Should().BeApproximately((480 + 180 + 150) / 3600.0, 1e-12);
    }

    [Fact]
    public void Removing_replicas_takes_starting_ones_first()
    {
        // Asks for 3 at the first tick, then 1 at the second: the two starting replicas go, the ready one stays.
        var policy = new Scripted(tick => tick.Now == 0 ? 3 : 1);
        var outcome = ScalingReplay.Run(policy, [0], [1], Step, 1, 1, Startup, Tick, 1);
        outcome.UnderProvisionedMinutes.Should().Be(0);
        outcome.ReplicaHours.Should().BeApproximately((3 * 15 + 45) / 3600.0, 1e-12);
        outcome.ScalingActions.Should().Be(2);
    }

    private sealed class Scripted(Func<ReplayTick, int> decide) : IReplayPolicy
    {
        public string Name => "scripted";
        public int Decide(in ReplayTick tick) => decide(tick);
    }

    [Fact]
    public void Confidence_is_scored_by_band_on_whether_the_replicas_served_every_step_of_the_look_ahead()
    {
        // Capacity 10 a replica. Step 0 with 2 replicas and one step ahead: 15 and 25 → not served (25 > 20).
        // Step 1 with 3 replicas, one ahead: 25, 12 → served. Step 2 with 1, none ahead: 12 → not served.
        // Step 3 looks past the end of the trace and is not scored.
        double[] demand = [15, 25, 12, 5];
        var calibration = ConfidenceCalibration.Score([(0, 2, 0.92, 1), (1, 3, 0.97, 1), (2, 1, 0.4, 0), (3, 5, 0.99, 1)], demand, 10)!;
        calibration.Decisions.Should().Be(3);
        calibration.Served.Should().BeApproximately(1 / 3.0, 1e-12);
        calibration.MeanConfidence.Should().BeApproximately((0.92 + 0.97 + 0.4) / 3, 1e-12);
        calibration.Bands.Select(b => (b.From, b.Decisions, b.Served)).Should().Equal((0.0, 1, 0.0), (0.9, 1, 0.0), (0.95, 1, 1.0));
        ConfidenceCalibration.Score([(3, 5, 0.99, 1)], demand, 10).Should().BeNull();
    }

    private static Foresight.Series.Point[] Points(params (long Minute, double Value)[] points) =>
        [.. points.Select(p => new Foresight.Series.Point(1_700_000_000_000 + p.Minute * 60_000, p.Value))];

    [Fact]
    public void A_trace_that_cannot_be_replayed_is_refused_with_what_and_where()
    {
        ScalingEvaluation.Problem(Points((0, 5))).Should().Be("the trace needs at least two values (it has 1)");
        ScalingEvaluation.Problem(Points((0, 0), (5, 0), (10, 0))).Should().StartWith("the trace has no positive value");
        // 1,700,000,000,000 ms + 10 min is 2023-11-14 22:23:20 UTC.
        ScalingEvaluation.Problem(Points((0, 5), (5, 7), (10, -2), (15, -3))).Should().Be("the value at 2023-11-14 22:23:20 UTC is -2: demand cannot be negative");
        ScalingEvaluation.Problem(Points((0, 5), (0, 6), (0, 7), (5, 8))).Should().StartWith("timestamps repeat");
        // Two points a decade apart on a 1-minute grid: a stray timestamp, not 5 million steps of demand.
        var stray = Points((0, 5), (1, 6), (2, 7), (10L * 365 * 24 * 60, 8));
        ScalingEvaluation.Problem(stray).Should().Contain("steps of 60 s").And.Contain("more than the 5,000,000 a replay covers");
        FluentActions.Invoking(() => ScalingEvaluation.Run(stray, new ScalingEvaluationOptions())).Should().Throw<ArgumentException>().WithMessage("*a stray timestamp*");
        // Fifty hourly values and one a year later: nearly every step would be interpolated.
        var gaps = Points([.. Enumerable.Range(0, 50).Select(i => (60L * i, 10.0)), (60L * 24 * 365, 10.0)]);
        ScalingEvaluation.Problem(gaps).Should().StartWith("only 51 of the 8,761 steps of 3600 s").And.Contain("mostly gaps");
        ScalingEvaluation.Problem(Points((0, 5), (5, 7))).Should().BeNull();
    }

    [Fact]
    public void A_replay_counts_the_steps_it_interpolated()
    {
        // 5-minute steps for two days with steps 100..149 missing.
        var trace = Points([.. Enumerable.Range(0, 576).Where(i => i is < 100 or >= 150).Select(i => (5L * i, 10.0 + i % 7))]);
        var report = ScalingEvaluation.Run(trace, new ScalingEvaluationOptions());
        report.Demand.Should().HaveCount(576);
        report.InterpolatedSteps.Should().Be(50);
        report.Demand[125].Should().BeApproximately(report.Demand[99] + (report.Demand[150] - report.Demand[99]) * 26 / 51.0, 1e-9);
    }
}
