using Foresight.Scaling;

namespace Foresight.Tests.Scaling;

// Capacity 10 per replica, start-up 2 minutes, decisions every 30 s: the look-ahead is 150 s.
public class PredictiveScalerTests
{
    private const long T0 = 1_700_000_000_000;
    private const long Minute = 60_000;

    private static CapacityModel Capacity(int min = 1) => new() { ReplicaCapacity = 10, StartupDelay = TimeSpan.FromMinutes(2), MinReplicas = min, MaxReplicas = 50 };

    private static PredictiveScaler Scaler(int min = 1, PredictiveScalerOptions? options = null) =>
        new(Capacity(min), options ?? new PredictiveScalerOptions { ScaleDownStabilization = TimeSpan.Zero, ScaleInCooldown = TimeSpan.Zero });

    /// <summary>One-minute steps from <paramref name="start"/>; upper = mean × 1.1.</summary>
    private static DemandOutlook Outlook(long start, double[] mean, double surprise = 0) =>
        new(start, Minute, mean, [.. mean.Select(m => m * 1.1)], 0.9, surprise);

    [Fact]
    public void A_forecast_rise_beyond_the_startup_delay_starts_replicas_before_demand_needs_them()
    {
        // Demand 30 now; the forecast reaches 80 two minutes ahead, when replicas asked for now are ready.
        var decision = Scaler().Decide(new ScalingInput(T0, 3, 30, Outlook(T0, [30, 40, 80, 80])));
        decision.Action.Should().Be(ScalingAction.PreWarm);
        decision.Desired.Should().Be(9);   // ⌈80 × 1.1 / 10⌉
        decision.Reason.Should().Contain("forecast").And.Contain("9 replicas");
        decision.ForecastPeak.Should().BeApproximately(88, 1e-9);
    }

    [Fact]
    public void A_rise_that_new_replicas_could_not_meet_in_time_does_not_scale_out_beyond_the_far_window()
    {
        // Peak in the next minute only (before a replica asked for now is ready), back to 30 after.
        var decision = Scaler().Decide(new ScalingInput(T0, 3, 30, Outlook(T0, [80, 30, 30, 30])));
        decision.Desired.Should().Be(4);   // ⌈30 × 1.1 / 10⌉ for the far window; the peak is kept only by not scaling in
        var holding = Scaler().Decide(new ScalingInput(T0, 9, 30, Outlook(T0, [80, 30, 30, 30])));
        holding.Desired.Should().Be(9);    // 9 replicas serve the near peak and are not removed
    }

    [Fact]
    public void The_reactive_floor_never_removes_capacity_the_current_demand_uses()
    {
        // The forecast says 20, but 55 is being served now by 6 replicas.
        var decision = Scaler().Decide(new ScalingInput(T0, 6, 55, Outlook(T0, [20, 20, 20, 20])));
        decision.Desired.Should().Be(6);
        decision.Action.Should().Be(ScalingAction.Maintain);
    }

    [Fact]
    public void Scale_in_follows_the_forecast_down_to_what_the_look_ahead_needs()
    {
        var decision = Scaler().Decide(new ScalingInput(T0, 10, 20, Outlook(T0, [20, 20, 20, 20])));
        decision.Action.Should().Be(ScalingAction.ScaleIn);
        decision.Desired.Should().Be(5);   // 10 − ⌊10 × 0.5⌋: at most half removed at once (⌈22 / 10⌉ = 3 is the target)
        Scaler().Decide(new ScalingInput(T0, 5, 20, Outlook(T0, [20, 20, 20, 20]))).Desired.Should().Be(3);
    }

    [Fact]
    public void An_unforecast_burst_triggers_an_emergency_scale_out_with_headroom()
    {
        var decision = Scaler().Decide(new ScalingInput(T0, 3, 100, Outlook(T0, [30, 30, 30, 30], surprise: 4)));
        decision.Action.Should().Be(ScalingAction.EmergencyScaleOut);
        decision.Desired.Should().Be(13);  // ⌈100 × 1.3 / 10⌉
        decision.Reason.Should().Contain("above the forecast");
    }

    [Fact]
    public void Demand_during_an_anomaly_gets_headroom_too()
    {
        var decision = Scaler().Decide(new ScalingInput(T0, 3, 50, Outlook(T0, [30, 30, 30, 30]), Anomalous: true));
        decision.Action.Should().Be(ScalingAction.EmergencyScaleOut);
        decision.Desired.Should().Be(7);   // ⌈50 × 1.3 / 10⌉
    }

    [Fact]
    public void Without_a_forecast_the_policy_is_reactive_with_headroom_and_says_so()
    {
        var decision = Scaler().Decide(new ScalingInput(T0, 2, 40, null));
        decision.Action.Should().Be(ScalingAction.ScaleOut);
        decision.Desired.Should().Be(6);   // ⌈40 × 1.3 / 10⌉
        decision.Reason.Should().Contain("no forecast");
        decision.Confidence.Should().Be(0.5);
    }

    [Fact]
    public void A_workload_with_min_zero_scales_to_zero_and_back()
    {
        var scaler = Scaler(min: 0);
        var idle = scaler.Decide(new ScalingInput(T0, 1, 0, Outlook(T0, [0, 0, 0, 0])));
        idle.Action.Should().Be(ScalingAction.ScaleToZero);
        idle.Desired.Should().Be(0);
        var woken = scaler.Decide(new ScalingInput(T0 + Minute, 0, 5, Outlook(T0 + Minute, [5, 5, 5, 5])));
        woken.Action.Should().Be(ScalingAction.ScaleFromZero);
        woken.Desired.Should().Be(1);
    }

    [Fact]
    public void Scale_in_waits_for_the_stabilization_window_and_the_cooldown()
    {
        var scaler = new PredictiveScaler(Capacity(), new PredictiveScalerOptions { ScaleDownStabilization = TimeSpan.FromMinutes(5), ScaleInCooldown = TimeSpan.FromMinutes(3) });
        scaler.Decide(new ScalingInput(T0, 4, 40, Outlook(T0, [80, 80, 80, 80]))).Desired.Should().Be(9);   // scale-out at T0
        // Demand falls at once: the cooldown (3 min) and then the window (recommendation of 9 at T0, 5 min) hold the count.
        scaler.Decide(new ScalingInput(T0 + 2 * Minute, 9, 20, Outlook(T0 + 2 * Minute, [20, 20, 20, 20]))).Desired.Should().Be(9);
        scaler.Decide(new ScalingInput(T0 + 4 * Minute, 9, 20, Outlook(T0 + 4 * Minute, [20, 20, 20, 20]))).Desired.Should().Be(9);
        scaler.Decide(new ScalingInput(T0 + 6 * Minute, 9, 20, Outlook(T0 + 6 * Minute, [20, 20, 20, 20]))).Desired.Should().Be(5);
    }

    [Fact]
    public void Confidence_is_the_chance_that_the_chosen_capacity_serves_every_step_of_the_look_ahead()
    {
        // Mean 50, 90% upper 55 → σ = 5 / 1.2816; 6 replicas (60) sit 2.563σ above the mean: Φ ≈ 0.9948 a step.
        // The look-ahead (2.5 min) spans steps 0 to 2; without joint errors they count as independent: 0.9948³ ≈ 0.9845.
        var decision = Scaler().Decide(new ScalingInput(T0, 6, 50, new DemandOutlook(T0, Minute, [50, 50, 50, 50], [55, 55, 55, 55], 0.9)));
        decision.Desired.Should().Be(6);
        decision.Confidence.Should().BeApproximately(0.9845, 0.0005);
    }

    [Fact]
    public void The_chance_of_serving_several_steps_is_read_off_the_joint_errors_when_there_are_some()
    {
        // Two steps, mean 0, capacity 5; rows of errors (step 0, step 1): (0, 10), (10, 0), (0, 0), (0, 0).
        // Each step alone is served 3 times in 4; both together 2 in 4, where independence would say 9 in 16.
        var outlook = new DemandOutlook(T0, Minute, [0, 0], [10, 10], 0.9)
        {
            Errors = [[0, 0, 0, 10], [0, 0, 0, 10]],
            ErrorScale = [1, 1],
            JointErrors = [0, 10, 10, 0, 0, 0, 0, 0],
        };
        outlook.Covered(0, 0, 5).Should().Be(0.75);
        outlook.Covered(0, 1, 5).Should().Be(0.5);
        outlook.Covered(1, 0, 5).Should().Be(1, "an empty range is always served");
        (outlook with { JointErrors = null }).Covered(0, 1, 5).Should().BeApproximately(0.5625, 1e-12);
    }

    /// <summary>
    /// Mean 20 (2 replicas) and recent errors that put demand at 15 (40%), 25 (30%), 35 (20%), 45 (4%) or 55 (6%):
    /// P(demand &gt; 20, 30, 40, 50, 60) = 0.6, 0.3, 0.1, 0.06, 0. The p90 band's edge is 55, 6 replicas. The joint
    /// errors repeat each error at every step (a miss lasts the whole look-ahead).
    /// </summary>
    private static DemandOutlook Spread(long start)
    {
        double[] errors = [.. Enumerable.Repeat(-5.0, 40), .. Enumerable.Repeat(5.0, 30), .. Enumerable.Repeat(15.0, 20),
            .. Enumerable.Repeat(25.0, 4), .. Enumerable.Repeat(35.0, 6)];
        return new DemandOutlook(start, Minute, [20, 20, 20, 20], [55, 55, 55, 55], 0.9)
        {
            Errors = [errors, errors, errors, errors],
            ErrorScale = [1, 1, 1, 1],
            JointErrors = [.. errors.SelectMany(e => Enumerable.Repeat(e, 4))],
        };
    }

    [Fact]
    public void The_exceedance_is_read_off_the_recent_errors_or_a_normal_tail_without_them()
    {
        var spread = Spread(T0);
        spread.Exceedance(0, 20).Should().BeApproximately(0.6, 1e-12);
        spread.Exceedance(0, 40).Should().BeApproximately(0.1, 1e-12);
        spread.Exceedance(0, 54.9).Should().BeApproximately(0.06, 1e-12);
        spread.Exceedance(0, 55).Should().Be(0);
        // Without errors: normal with the 90% quantile at the band's edge, so P(> edge) = 0.1 and P(> mean) = 0.5.
        var normal = new DemandOutlook(T0, Minute, [50], [55], 0.9);
        normal.Exceedance(0, 55).Should().BeApproximately(0.1, 1e-9);
        normal.Exceedance(0, 50).Should().BeApproximately(0.5, 1e-9);
    }

    [Fact]
    public void Replicas_of_the_quantile_that_lower_the_chance_of_a_short_step_too_little_are_not_run()
    {
        // Expected cost n + 10 × P(demand > 10n): 2 → 8, 3 → 6, 4 → 5, 5 → 5.6, 6 → 6. The 5th and 6th replicas
        // would each lower the chance of a short step by less than 10% (0.04 and 0.06), so 4 run.
        var decision = Scaler().Decide(new ScalingInput(T0, 2, 20, Spread(T0)));
        decision.Desired.Should().Be(4);
        decision.Action.Should().Be(ScalingAction.PreWarm);
        decision.Confidence.Should().BeApproximately(0.9, 1e-12);
        decision.Reason.Should().Contain("2 more replicas").And.Contain("less than 10%");

        var quantileOnly = Scaler(options: new PredictiveScalerOptions { ScaleDownStabilization = TimeSpan.Zero, ScaleInCooldown = TimeSpan.Zero, CostAware = false });
        quantileOnly.Decide(new ScalingInput(T0, 2, 20, Spread(T0))).Desired.Should().Be(6);
    }

    [Fact]
    public void Requests_far_from_usage_give_a_vertical_hint()
    {
        var low = Scaler().Decide(new ScalingInput(T0, 2, 10, null, Usage: new ReplicaUsage(Request: 1.0, Usage: 0.2)));
        low.Vertical!.Kind.Should().Be(VerticalHintKind.RequestsTooHigh);
        low.Vertical.Suggested.Should().BeApproximately(0.2 / 0.7, 1e-12);
        var high = Scaler().Decide(new ScalingInput(T0, 2, 10, null, Usage: new ReplicaUsage(Request: 0.5, Usage: 0.6)));
        high.Vertical!.Kind.Should().Be(VerticalHintKind.RequestsTooLow);
        Scaler().Decide(new ScalingInput(T0, 2, 10, null, Usage: new ReplicaUsage(1.0, 0.7))).Vertical.Should().BeNull();
    }

    [Fact]
    public void Invalid_capacity_is_refused_with_the_reason()
    {
        var act = () => new PredictiveScaler(new CapacityModel { ReplicaCapacity = 0 });
        act.Should().Throw<ArgumentException>().WithMessage("*replica capacity must be a positive number*");
    }

    [Fact]
    public void A_scale_out_step_limit_adds_at_most_that_many_replicas_per_decision_and_says_so()
    {
        var options = new PredictiveScalerOptions { ScaleDownStabilization = TimeSpan.Zero, ScaleInCooldown = TimeSpan.Zero, MaxScaleOutStep = 2 };
        var scaler = Scaler(options: options);
        var first = scaler.Decide(new ScalingInput(T0, 3, 30, Outlook(T0, [30, 40, 80, 80])));
        first.Desired.Should().Be(5);   // 9 wanted (⌈88 / 10⌉), 3 + 2 allowed
        first.Action.Should().Be(ScalingAction.PreWarm);
        first.Reason.Should().EndWith("(the policy wants 9; at most 2 are added at once)");
        var next = scaler.Decide(new ScalingInput(T0 + 30_000, 5, 30, Outlook(T0, [30, 40, 80, 80])));
        next.Desired.Should().Be(7);
        // Within the limit nothing changes.
        Scaler(options: options).Decide(new ScalingInput(T0, 8, 30, Outlook(T0, [30, 40, 80, 80]))).Desired.Should().Be(9);
    }

    [Theory]
    [InlineData(nameof(PredictiveScalerOptions.MaxScaleOutStep), "the most replicas added at once must be at least 1 (got 0)")]
    [InlineData(nameof(PredictiveScalerOptions.MaxScaleInFraction), "the largest share removed at once must be above 0 and at most 1 (got 0)")]
    [InlineData(nameof(PredictiveScalerOptions.ScaleInCooldown), "the scale-in cooldown must not be negative (got -00:00:01)")]
    public void Unusable_settings_are_refused_with_the_setting_and_its_value(string setting, string message)
    {
        var options = new PredictiveScalerOptions();
        switch (setting)
        {
            case nameof(PredictiveScalerOptions.MaxScaleOutStep): options.MaxScaleOutStep = 0; break;
            case nameof(PredictiveScalerOptions.MaxScaleInFraction): options.MaxScaleInFraction = 0; break;
            default: options.ScaleInCooldown = TimeSpan.FromSeconds(-1); break;
        }
        options.Validate().Should().Be(message);
        FluentActions.Invoking(() => new PredictiveScaler(Capacity(), options)).Should().Throw<ArgumentException>().WithMessage(message + "*");
        new PredictiveScalerOptions().Validate().Should().BeNull();
    }
}
