using Foresight.Evaluation.Scaling;

namespace Foresight.Evaluation.Tests.Scaling;

// Every expected count below is worked out by hand from the Kubernetes rules, with a target of
// 10 per replica: the proposal is ceil(total / 10) unless total / (10 × current) is within 1 ± 0.1.
public class HorizontalPodAutoscalerTests
{
    private const long T0 = 1_700_000_000_000;
    private const double Target = 10;

    private static long At(int seconds) => T0 + seconds * 1000L;

    private static HorizontalPodAutoscaler Hpa(HpaOptions? options = null) => new(options ?? new HpaOptions { TargetAverageValue = Target });

    private static HpaScalingPolicy Pods(int value, int seconds) => new(HpaPolicyType.Pods, value, TimeSpan.FromSeconds(seconds));

    private static HpaScalingPolicy Percent(int value, int seconds) => new(HpaPolicyType.Percent, value, TimeSpan.FromSeconds(seconds));

    /// <summary>Syncs every 15 s from t = 0 s, each result becoming the next current count; returns the count after each sync.</summary>
    private static int[] Run(HorizontalPodAutoscaler hpa, int current, int syncs, Func<int, double> totalAtSecond)
    {
        var counts = new int[syncs];
        for (var i = 0; i < syncs; i++)
        {
            current = hpa.Reconcile(At(15 * i), current, totalAtSecond(15 * i));
            counts[i] = current;
        }
        return counts;
    }

    [Theory]
    [InlineData(4, 57, 6)]   // ratio 57/40 = 1.425; ceil(5.7) = 6 = ceil(4 × 1.425)
    [InlineData(2, 40, 4)]   // ratio 2: the count doubles
    [InlineData(10, 151, 16)] // ratio 1.51; ceil(15.1) = 16
    public void Proposal_is_the_ceiling_of_the_total_over_the_per_replica_target(int current, double total, int expected)
    {
        Hpa().Reconcile(At(0), current, total).Should().Be(expected);
    }

    [Theory]
    [InlineData(200, 20)] // ratio 1
    [InlineData(219, 20)] // ratio 1.095: within tolerance although ceil(21.9) = 22
    [InlineData(181, 20)] // ratio 0.905: within tolerance although ceil(18.1) = 19
    [InlineData(221, 23)] // ratio 1.105: just outside; ceil(22.1) = 23
    [InlineData(179, 18)] // ratio 0.895: just outside; ceil(17.9) = 18
    public void Usage_within_ten_percent_of_the_target_keeps_the_count(double total, int expected)
    {
        var hpa = Hpa(new HpaOptions { TargetAverageValue = Target, ScaleDownStabilization = TimeSpan.Zero });
        hpa.Reconcile(At(0), 20, total).Should().Be(expected);
    }

    [Fact]
    public void Scale_down_waits_for_the_300_second_stabilization_window()
    {
        // Demand for 10 replicas until t = 60 s, then for 2. The last recommendation of 10 is at
        // t = 60 s, so it leaves the window (now − 300 s, now] at t = 360 s.
        var counts = Run(Hpa(), 10, 26, t => t <= 60 ? 100 : 20);
        counts[..24].Should().OnlyContain(c => c == 10, "t = 0 .. 345 s still sees the recommendation of 10 made at t = 60 s");
        counts[24].Should().Be(2, "at t = 360 s the window holds only recommendations of 2, and the default policy removes up to 100% at once");
        counts[25].Should().Be(2);
    }

    [Fact]
    public void Scale_down_follows_the_largest_recommendation_of_the_last_300_seconds()
    {
        // Recommendations: 10 at t = 0..45 s, 8 at t = 60..105 s, then 5.
        var counts = Run(Hpa(), 10, 28, t => t < 60 ? 100 : t < 120 ? 80 : 50);
        counts[..23].Should().OnlyContain(c => c == 10, "a 10 from t = 45 s is in the window until t = 345 s");
        counts[23..27].Should().OnlyContain(c => c == 8, "t = 345 .. 390 s: the largest left is the 8 from t = 105 s");
        counts[27].Should().Be(5, "at t = 405 s only recommendations of 5 remain");
    }

    [Fact]
    public void A_fresh_autoscaler_counts_the_current_replicas_as_its_first_recommendation()
    {
        // recordInitialRecommendation: the first sync stores 10 at t = 0 s, which holds the count for 300 s.
        var counts = Run(Hpa(), 10, 21, _ => 20);
        counts[..20].Should().OnlyContain(c => c == 10);
        counts[20].Should().Be(2, "at t = 300 s the stored 10 is no longer strictly inside the window");
    }

    [Theory]
    [InlineData(1, 5)]   // max(ceil(1 × 2), 1 + 4)
    [InlineData(2, 6)]   // max(4, 6)
    [InlineData(3, 7)]   // max(6, 7)
    [InlineData(4, 8)]   // max(8, 8)
    [InlineData(10, 20)] // max(20, 14)
    public void Scale_up_adds_the_larger_of_100_percent_and_4_pods_per_15_seconds(int current, int expected)
    {
        Hpa().Reconcile(At(0), current, 1000).Should().Be(expected);
    }

    [Fact]
    public void Scale_up_compounds_over_consecutive_15_second_syncs()
    {
        // Each sync's period (now − 15 s, now] excludes the previous sync's event, so each starts afresh.
        Run(Hpa(), 1, 7, _ => 1000).Should().Equal(5, 10, 20, 40, 80, 100, 100);
    }

    [Fact]
    public void A_second_sync_within_the_same_15_seconds_counts_the_replicas_already_added()
    {
        var hpa = Hpa();
        hpa.Reconcile(At(0), 1, 1000).Should().Be(5);
        hpa.Reconcile(At(10), 5, 1000).Should().Be(5, "the period started at 5 − 4 = 1 replica, which allows at most 5");
        hpa.Reconcile(At(15), 5, 1000).Should().Be(10, "the event at t = 0 s is no longer strictly inside (0 s, 15 s]");
    }

    [Fact]
    public void A_pods_policy_over_60_seconds_counts_every_scale_up_within_it()
    {
        var hpa = Hpa(new HpaOptions { TargetAverageValue = Target, ScaleUpPolicies = [Pods(4, 60)] });
        // +4 at t = 0 s; nothing more until that event leaves the period at t = 60 s; then +4 again until t = 120 s.
        Run(hpa, 10, 9, _ => 1000).Should().Equal(14, 14, 14, 14, 18, 18, 18, 18, 22);
    }

    [Fact]
    public void Scale_up_limit_counts_replicas_removed_within_its_period()
    {
        var hpa = Hpa(new HpaOptions
        {
            TargetAverageValue = Target,
            ScaleUpPolicies = [Pods(4, 60)],
            ScaleDownPolicies = [Percent(50, 60)],
            ScaleDownStabilization = TimeSpan.Zero,
        });
        hpa.Reconcile(At(0), 10, 20).Should().Be(5, "floor(10 × 0.5)");
        // Period start = 5 − 0 added + 5 removed = 10, so the limit is 10 + 4, not 5 + 4.
        hpa.Reconcile(At(15), 5, 200).Should().Be(14);
    }

    [Fact]
    public void Scale_down_percent_policy_limits_the_share_removed_per_period()
    {
        var hpa = Hpa(new HpaOptions
        {
            TargetAverageValue = Target,
            ScaleDownPolicies = [Percent(50, 60)],
            ScaleDownStabilization = TimeSpan.Zero,
        });
        // Proposal 1 throughout. t = 0: floor(20 × 0.5) = 10; until t = 60 s the period starts at 20.
        // t = 60: floor(10 × 0.5) = 5; t = 120: floor(5 × 0.5) = 2; t = 180: floor(2 × 0.5) = 1.
        Run(hpa, 20, 13, _ => 10).Should().Equal(10, 10, 10, 10, 5, 5, 5, 5, 2, 2, 2, 2, 1);
    }

    [Fact]
    public void Scale_up_stops_at_max_replicas()
    {
        var hpa = Hpa(new HpaOptions { TargetAverageValue = Target, MaxReplicas = 8 });
        hpa.Reconcile(At(0), 5, 1000).Should().Be(8, "the rate limit allows max(10, 9) = 10, max replicas 8");
    }

    [Fact]
    public void Scale_down_stops_at_min_replicas()
    {
        var hpa = Hpa(new HpaOptions { TargetAverageValue = Target, MinReplicas = 3, ScaleDownStabilization = TimeSpan.Zero });
        hpa.Reconcile(At(0), 5, 0).Should().Be(3);
    }

    [Fact]
    public void A_count_outside_the_bounds_is_set_to_the_bound_whatever_the_metric()
    {
        var options = new HpaOptions { TargetAverageValue = Target, MinReplicas = 3, MaxReplicas = 8 };
        new HorizontalPodAutoscaler(options).Reconcile(At(0), 12, 0).Should().Be(8);
        new HorizontalPodAutoscaler(options).Reconcile(At(0), 1, 1000).Should().Be(3);
        new HorizontalPodAutoscaler(options).Reconcile(At(0), 1, double.NaN).Should().Be(3);
    }

    [Fact]
    public void Zero_replicas_disable_the_autoscaler()
    {
        var hpa = Hpa();
        hpa.Reconcile(At(0), 0, 500).Should().Be(0);
        hpa.Reconcile(At(15), 0, 500).Should().Be(0);
    }

    [Fact]
    public void With_min_replicas_zero_the_autoscaler_scales_from_and_to_zero()
    {
        var options = new HpaOptions { TargetAverageValue = Target, MinReplicas = 0, ScaleDownStabilization = TimeSpan.Zero };
        new HorizontalPodAutoscaler(options).Reconcile(At(0), 0, 25).Should().Be(3, "ceil(25 / 10), within 0 + 4 pods");
        new HorizontalPodAutoscaler(options).Reconcile(At(0), 0, 1000).Should().Be(4, "the Pods policy allows 0 + 4; 100% of 0 is 0");
        new HorizontalPodAutoscaler(options).Reconcile(At(0), 3, 0).Should().Be(0);
    }

    [Fact]
    public void An_unavailable_metric_changes_nothing()
    {
        Hpa().Reconcile(At(0), 7, double.NaN).Should().Be(7);
    }

    [Theory]
    [InlineData(10, 14)] // min(20, 14)
    [InlineData(1, 2)]   // min(2, 5)
    public void Min_select_policy_takes_the_smaller_scale_up_limit(int current, int expected)
    {
        var hpa = Hpa(new HpaOptions { TargetAverageValue = Target, ScaleUpSelect = HpaSelectPolicy.Min });
        hpa.Reconcile(At(0), current, 1000).Should().Be(expected);
    }

    [Theory]
    [InlineData(HpaSelectPolicy.Max, 5)] // min(floor(10 × 0.5), 10 − 2): the larger change
    [InlineData(HpaSelectPolicy.Min, 8)] // max(5, 8): the smaller change
    public void Select_policy_picks_the_scale_down_limit(HpaSelectPolicy select, int expected)
    {
        var hpa = Hpa(new HpaOptions
        {
            TargetAverageValue = Target,
            ScaleDownPolicies = [Percent(50, 15), Pods(2, 15)],
            ScaleDownSelect = select,
            ScaleDownStabilization = TimeSpan.Zero,
        });
        hpa.Reconcile(At(0), 10, 0).Should().Be(expected);
    }

    [Fact]
    public void Disabled_scale_up_keeps_the_count_however_high_the_demand()
    {
        var hpa = Hpa(new HpaOptions { TargetAverageValue = Target, ScaleUpSelect = HpaSelectPolicy.Disabled });
        Run(hpa, 5, 4, _ => 1000).Should().Equal(5, 5, 5, 5);
    }

    [Fact]
    public void Disabled_scale_down_keeps_the_count_but_still_scales_up()
    {
        var options = new HpaOptions { TargetAverageValue = Target, ScaleDownSelect = HpaSelectPolicy.Disabled, ScaleDownStabilization = TimeSpan.Zero };
        new HorizontalPodAutoscaler(options).Reconcile(At(0), 10, 0).Should().Be(10);
        new HorizontalPodAutoscaler(options).Reconcile(At(0), 10, 300).Should().Be(20, "proposal 30, limited to max(20, 14)");
    }

    [Fact]
    public void Scale_up_stabilization_uses_the_smallest_recommendation_of_its_window()
    {
        var hpa = Hpa(new HpaOptions { TargetAverageValue = Target, ScaleUpStabilization = TimeSpan.FromSeconds(60) });
        // Recommendation 2 at t = 0 s, then 8. The 2 leaves the window (now − 60 s, now] at t = 60 s,
        // when the rise from 2 is limited to max(4, 6) = 6.
        Run(hpa, 2, 5, t => t == 0 ? 20 : 80).Should().Equal(2, 2, 2, 2, 6);
    }

    [Fact]
    public void Defaults_are_the_documented_default_behavior()
    {
        var o = new HpaOptions { TargetAverageValue = Target };
        o.Validate().Should().BeNull();
        o.Tolerance.Should().Be(0.1);
        o.SyncPeriod.Should().Be(TimeSpan.FromSeconds(15));
        o.MinReplicas.Should().Be(1);
        o.ScaleUpStabilization.Should().Be(TimeSpan.Zero);
        o.ScaleUpPolicies.Should().Equal(Percent(100, 15), Pods(4, 15));
        o.ScaleUpSelect.Should().Be(HpaSelectPolicy.Max);
        o.ScaleDownStabilization.Should().Be(TimeSpan.FromSeconds(300));
        o.ScaleDownPolicies.Should().Equal(Percent(100, 15));
        o.ScaleDownSelect.Should().Be(HpaSelectPolicy.Max);
    }

    [Fact]
    public void Invalid_options_are_reported_and_refused()
    {
        HpaOptions[] invalid =
        [
            new() { TargetAverageValue = 0 },
            new() { TargetAverageValue = double.NaN },
            new() { TargetAverageValue = Target, Tolerance = -0.1 },
            new() { TargetAverageValue = Target, MinReplicas = 5, MaxReplicas = 4 },
            new() { TargetAverageValue = Target, ScaleUpPolicies = [] },
            new() { TargetAverageValue = Target, ScaleDownPolicies = [Pods(0, 15)] },
            new() { TargetAverageValue = Target, ScaleDownPolicies = [Pods(1, 0)] },
            new() { TargetAverageValue = Target, ScaleUpPolicies = [Percent(100, 1801)] },
            new() { TargetAverageValue = Target, ScaleUpPolicies = [new(HpaPolicyType.Pods, 4, TimeSpan.FromMilliseconds(1500))] },
            new() { TargetAverageValue = Target, ScaleDownStabilization = TimeSpan.FromSeconds(3601) },
            new() { TargetAverageValue = Target, ScaleUpStabilization = TimeSpan.FromSeconds(-1) },
            new() { TargetAverageValue = Target, ScaleUpSelect = (HpaSelectPolicy)7 },
        ];
        foreach (var options in invalid)
        {
            options.Validate().Should().NotBeNullOrWhiteSpace();
            FluentActions.Invoking(() => new HorizontalPodAutoscaler(options)).Should().Throw<ArgumentException>();
        }
    }

    [Fact]
    public void Misuse_throws()
    {
        var hpa = Hpa();
        FluentActions.Invoking(() => hpa.Reconcile(At(0), -1, 10)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => hpa.Reconcile(At(0), 1, -10)).Should().Throw<ArgumentOutOfRangeException>();
        hpa.Reconcile(At(15), 1, 10).Should().Be(1);
        FluentActions.Invoking(() => hpa.Reconcile(At(0), 1, 10)).Should().Throw<ArgumentOutOfRangeException>("time must not go backwards");
    }
}
