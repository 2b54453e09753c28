using Foresight.Scaling;

namespace Foresight.Evaluation.Scaling;

/// <summary>
/// How the HPA chooses among the limits of several scaling policies: <c>selectPolicy</c> of
/// <c>HPAScalingRules</c> in <c>autoscaling/v2</c>.
/// </summary>
public enum HpaSelectPolicy
{
    /// <summary>The policy that allows the largest change (the Kubernetes default).</summary>
    Max,
    /// <summary>The policy that allows the smallest change.</summary>
    Min,
    /// <summary>No scaling in this direction.</summary>
    Disabled,
}

/// <summary>The kind of a scaling policy: <c>HPAScalingPolicyType</c> in <c>autoscaling/v2</c>.</summary>
public enum HpaPolicyType
{
    /// <summary>At most <see cref="HpaScalingPolicy.Value"/> replicas added or removed per period.</summary>
    Pods,
    /// <summary>At most <see cref="HpaScalingPolicy.Value"/> percent of the replicas at the start of the period added or removed per period.</summary>
    Percent,
}

/// <summary>
/// One rate limit of the HPA (<c>HPAScalingPolicy</c>): how much the replica count may change within
/// any trailing <paramref name="Period"/>.
/// </summary>
/// <param name="Type">Pods (an absolute count) or Percent (of the replicas at the start of the period).</param>
/// <param name="Value">The count or percentage; &gt; 0. Percent may exceed 100 for scale-up.</param>
/// <param name="Period">The trailing window the change is counted over; whole seconds in (0, 1800 s] as Kubernetes validates <c>periodSeconds</c>.</param>
public sealed record HpaScalingPolicy(HpaPolicyType Type, int Value, TimeSpan Period);

/// <summary>
/// Settings of <see cref="HorizontalPodAutoscaler"/>: one External or Object metric with an
/// <c>AverageValue</c> target, the bounds, the controller's tolerance, and <c>spec.behavior</c>.
/// </summary>
/// <remarks>
/// Defaults are those of Kubernetes: the controller flag <c>--horizontal-pod-autoscaler-tolerance</c>
/// (0.1) and <c>--horizontal-pod-autoscaler-sync-period</c> (15 s), <c>minReplicas</c> 1, and the
/// behavior listed under "Default Behavior" in the HPA documentation
/// (https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#default-behavior),
/// which <c>GenerateHPAScaleUpRules</c> and <c>GenerateHPAScaleDownRules</c>
/// (pkg/apis/autoscaling/v2/defaults.go) fill in. <see cref="Validate"/> applies the limits of the
/// API validation (pkg/apis/autoscaling/validation): windows of 0 to 3600 s, policy periods of 1 to
/// 1800 s, both in whole seconds, and at least one policy per direction.
/// </remarks>
public sealed class HpaOptions
{
    /// <summary>Scale-up policies of the default behavior: +100% or +4 pods per 15 s, whichever is larger.</summary>
    public static IReadOnlyList<HpaScalingPolicy> DefaultScaleUpPolicies { get; } =
        [new(HpaPolicyType.Percent, 100, TimeSpan.FromSeconds(15)), new(HpaPolicyType.Pods, 4, TimeSpan.FromSeconds(15))];

    /// <summary>Scale-down policies of the default behavior: −100% per 15 s (down to the stabilized recommendation at once).</summary>
    public static IReadOnlyList<HpaScalingPolicy> DefaultScaleDownPolicies { get; } =
        [new(HpaPolicyType.Percent, 100, TimeSpan.FromSeconds(15))];

    /// <summary>Target per replica of the metric (<c>target.averageValue</c>), in the metric's unit; &gt; 0.</summary>
    public required double TargetAverageValue { get; init; }

    /// <summary>No change while the usage ratio is within 1 ± this (0 or more). Default 0.1.</summary>
    public double Tolerance { get; init; } = 0.1;

    /// <summary>How often the controller reconciles, i.e. how often <see cref="HorizontalPodAutoscaler.Reconcile"/> should be called. Default 15 s.</summary>
    public TimeSpan SyncPeriod { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Fewest replicas (<c>minReplicas</c>). 0 models the <c>HPAScaleToZero</c> feature gate. Default 1.</summary>
    public int MinReplicas { get; init; } = 1;

    /// <summary>Most replicas (<c>maxReplicas</c>; at least 1 and at least <see cref="MinReplicas"/>). Default 100.</summary>
    public int MaxReplicas { get; init; } = 100;

    /// <summary>Scale-up uses the smallest recommendation of this trailing window (<c>scaleUp.stabilizationWindowSeconds</c>). Default 0.</summary>
    public TimeSpan ScaleUpStabilization { get; init; } = TimeSpan.Zero;

    /// <summary>Rate limits on scale-up (<c>scaleUp.policies</c>). Default <see cref="DefaultScaleUpPolicies"/>.</summary>
    public IReadOnlyList<HpaScalingPolicy> ScaleUpPolicies { get; init; } = DefaultScaleUpPolicies;

    /// <summary>How the scale-up policies combine (<c>scaleUp.selectPolicy</c>). Default <see cref="HpaSelectPolicy.Max"/>.</summary>
    public HpaSelectPolicy ScaleUpSelect { get; init; } = HpaSelectPolicy.Max;

    /// <summary>Scale-down uses the largest recommendation of this trailing window (<c>scaleDown.stabilizationWindowSeconds</c>). Default 300 s.</summary>
    public TimeSpan ScaleDownStabilization { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>Rate limits on scale-down (<c>scaleDown.policies</c>). Default <see cref="DefaultScaleDownPolicies"/>.</summary>
    public IReadOnlyList<HpaScalingPolicy> ScaleDownPolicies { get; init; } = DefaultScaleDownPolicies;

    /// <summary>How the scale-down policies combine (<c>scaleDown.selectPolicy</c>). Default <see cref="HpaSelectPolicy.Max"/>.</summary>
    public HpaSelectPolicy ScaleDownSelect { get; init; } = HpaSelectPolicy.Max;

    /// <summary>The first problem with the settings, or null when they are usable.</summary>
    public string? Validate()
    {
        if (!double.IsFinite(TargetAverageValue) || TargetAverageValue <= 0) return $"target average value must be a positive number (got {TargetAverageValue})";
        if (!double.IsFinite(Tolerance) || Tolerance < 0) return $"tolerance must be 0 or more (got {Tolerance})";
        if (SyncPeriod <= TimeSpan.Zero) return $"sync period must be positive (got {SyncPeriod})";
        if (MinReplicas < 0) return $"min replicas must be 0 or more (got {MinReplicas})";
        if (MaxReplicas < Math.Max(1, MinReplicas)) return $"max replicas must be at least 1 and at least min replicas (got {MaxReplicas}, min {MinReplicas})";
        return ValidateRules("scale-up", ScaleUpStabilization, ScaleUpPolicies, ScaleUpSelect)
            ?? ValidateRules("scale-down", ScaleDownStabilization, ScaleDownPolicies, ScaleDownSelect);
    }

    private static string? ValidateRules(string direction, TimeSpan window, IReadOnlyList<HpaScalingPolicy>? policies, HpaSelectPolicy select)
    {
        if (window < TimeSpan.Zero || window > TimeSpan.FromSeconds(3600) || !WholeSeconds(window))
            return $"{direction} stabilization window must be whole seconds from 0 to 3600 (got {window})";
        if (!Enum.IsDefined(select)) return $"{direction} select policy {select} is not one of Max, Min, Disabled";
        if (policies is null || policies.Count == 0) return $"{direction} needs at least one policy (use select policy Disabled to turn it off)";
        for (var i = 0; i < policies.Count; i++)
        {
            var p = policies[i];
            if (p is null) return $"{direction} policy {i} is missing";
            if (!Enum.IsDefined(p.Type)) return $"{direction} policy {i} has type {p.Type}, which is not Pods or Percent";
            if (p.Value <= 0) return $"{direction} policy {i} value must be greater than 0 (got {p.Value})";
            if (p.Period <= TimeSpan.Zero || p.Period > TimeSpan.FromSeconds(1800) || !WholeSeconds(p.Period))
                return $"{direction} policy {i} period must be whole seconds from 1 to 1800 (got {p.Period})";
        }
        return null;
    }

    private static bool WholeSeconds(TimeSpan span) => span.Ticks % TimeSpan.TicksPerSecond == 0;
}

/// <summary>
/// A faithful model of the Kubernetes HorizontalPodAutoscaler controller (<c>autoscaling/v2</c> with
/// <c>spec.behavior</c>), for use as the baseline a predictive policy is compared with in trace replay.
/// </summary>
/// <remarks>
/// <para>
/// Each call to <see cref="Reconcile"/> is one sync of the controller (<c>reconcileAutoscaler</c> in
/// pkg/controller/podautoscaler/horizontal.go), following the HPA documentation
/// (https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/, "Algorithm details",
/// "Configurable scaling behavior", "Default Behavior"):
/// </para>
/// <list type="number">
/// <item>The first sync records the current replica count as a recommendation
/// (<c>recordInitialRecommendation</c>), so a freshly started HPA does not scale down within its first
/// scale-down window. A target at 0 replicas is left alone while <c>minReplicas</c> is above 0 (the
/// controller's "ScalingDisabled"); a count above <c>maxReplicas</c> or below <c>minReplicas</c> is
/// set to that bound directly, without consulting the metric.</item>
/// <item>The proposal is that of an External or Object metric with an <c>AverageValue</c> target
/// (<c>GetExternalPerPodMetricReplicas</c> in replica_calculator.go): usageRatio = total ÷ (target ×
/// current); within 1 ± tolerance the proposal is the current count, otherwise ⌈total ÷ target⌉, which is
/// the documented ⌈currentReplicas × currentMetricValue ÷ desiredMetricValue⌉ with the per-replica
/// average as the current value. A metric that is not a finite number is "unavailable": as when the
/// controller cannot fetch it, nothing changes.</item>
/// <item><c>stabilizeRecommendationWithBehaviors</c>: the proposal is stored with its time; the result is
/// the current count raised to the smallest recommendation of the scale-up window and lowered to the
/// largest of the scale-down window (both windows include the proposal and hold recommendations strictly
/// newer than now − window).</item>
/// <item><c>convertDesiredReplicasWithBehaviorRate</c>: a rise is capped by
/// <c>calculateScaleUpLimitWithScalingRules</c> (never below the current count) and by <c>maxReplicas</c>;
/// a fall is floored by <c>calculateScaleDownLimitWithBehaviors</c> (never above the current count) and by
/// <c>minReplicas</c>. Each policy starts from the replicas at the start of its period — the current count
/// less the net change of the scale events strictly newer than now − period, counting both directions as
/// the current controller does (earlier releases counted only the same direction) — and allows periodStart + value (Pods) or
/// ⌈periodStart × (1 + value/100)⌉ (Percent) up, and periodStart − value or
/// ⌊periodStart × (1 − value/100)⌋ down. Max selects the largest change, Min the smallest, and Disabled
/// none.</item>
/// <item>A changed count is stored as a scale event (<c>storeScaleEvent</c>), reusing a slot older than
/// the direction's longest policy period as the controller does (<c>markScaleEventsOutdated</c>).</item>
/// </list>
/// <para>
/// The controller uses <c>status.replicas</c> in the usage ratio and <c>spec.replicas</c> elsewhere; here
/// both are <c>currentReplicas</c>, which the caller passes as the spec count including replicas not yet
/// ready. Not modelled: the legacy path of an HPA whose spec has no <c>behavior</c> at all
/// (<c>normalizeDesiredReplicas</c>, which caps a rise at max(2 × current, 4)), per-pod readiness and
/// missing-pod handling of Resource and Pods metrics, several metrics, and the controller's sync jitter.
/// </para>
/// </remarks>
public sealed class HorizontalPodAutoscaler
{
    private readonly HpaOptions _options;
    private readonly HpaScalingPolicy[] _upPolicies;
    private readonly HpaScalingPolicy[] _downPolicies;
    private readonly List<Stamped> _recommendations = [];
    private readonly List<Stamped> _scaleUpEvents = [];
    private readonly List<Stamped> _scaleDownEvents = [];
    private long _lastNow = long.MinValue;

    /// <summary>Creates the controller state for one HPA object.</summary>
    /// <exception cref="ArgumentException">The options are not valid (see <see cref="HpaOptions.Validate"/>).</exception>
    public HorizontalPodAutoscaler(HpaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { } problem) throw new ArgumentException(problem, nameof(options));
        _options = options;
        _upPolicies = [.. options.ScaleUpPolicies];
        _downPolicies = [.. options.ScaleDownPolicies];
    }

    /// <summary>The settings.</summary>
    public HpaOptions Options => _options;

    /// <summary>
    /// One sync of the controller: the replica count the HPA sets the target's scale to.
    /// </summary>
    /// <param name="now">Sync time, Unix ms; never earlier than the previous call's.</param>
    /// <param name="currentReplicas">The target's <c>spec.replicas</c> now, including replicas not ready yet; 0 or more.</param>
    /// <param name="metricTotal">The metric summed over the workload as the HPA sees it now (e.g. total requests per second); 0 or more, NaN when unavailable.</param>
    /// <returns>The new replica count; <paramref name="currentReplicas"/> when the HPA leaves the scale alone.</returns>
    public int Reconcile(long now, int currentReplicas, double metricTotal)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(currentReplicas);
        if (metricTotal < 0) throw new ArgumentOutOfRangeException(nameof(metricTotal), metricTotal, "the metric total must not be negative");
        if (now < _lastNow) throw new ArgumentOutOfRangeException(nameof(now), now, $"time must not go backwards (the previous sync was at {_lastNow})");
        _lastNow = now;

        if (_recommendations.Count == 0) _recommendations.Add(new(now, currentReplicas));

        var o = _options;
        if (currentReplicas == 0 && o.MinReplicas != 0) return 0;
        int desired;
        if (currentReplicas > o.MaxReplicas) desired = o.MaxReplicas;
        else if (currentReplicas < o.MinReplicas) desired = o.MinReplicas;
        else
        {
            if (!double.IsFinite(metricTotal)) return currentReplicas;
            var proposal = Math.Max(0, Propose(currentReplicas, metricTotal));
            var stabilized = Stabilize(now, currentReplicas, proposal);
            desired = LimitRate(now, currentReplicas, stabilized);
        }
        if (desired != currentReplicas) StoreScaleEvent(now, currentReplicas, desired);
        return desired;
    }

    /// <summary><c>GetExternalPerPodMetricReplicas</c>: the metric's proposal before stabilization and rate limits.</summary>
    private int Propose(int current, double total)
    {
        var target = _options.TargetAverageValue;
        var usageRatio = total / (target * current);
        if (Math.Abs(1.0 - usageRatio) > _options.Tolerance)
        {
            var replicas = Math.Ceiling(total / target);
            return replicas >= int.MaxValue ? int.MaxValue : (int)replicas;
        }
        return current;
    }

    /// <summary><c>stabilizeRecommendationWithBehaviors</c>.</summary>
    private int Stabilize(long now, int current, int proposal)
    {
        var upCutoff = now - Milliseconds(_options.ScaleUpStabilization);
        var downCutoff = now - Milliseconds(_options.ScaleDownStabilization);
        int up = proposal, down = proposal, old = -1;
        for (var i = 0; i < _recommendations.Count; i++)
        {
            var (time, replicas) = _recommendations[i];
            if (time > upCutoff) up = Math.Min(replicas, up);
            if (time > downCutoff) down = Math.Max(replicas, down);
            if (time < upCutoff && time < downCutoff) old = i;
        }
        var recommendation = current;
        if (recommendation < up) recommendation = up;
        if (recommendation > down) recommendation = down;

        if (old >= 0) _recommendations[old] = new(now, proposal);
        else _recommendations.Add(new(now, proposal));
        return recommendation;
    }

    /// <summary><c>convertDesiredReplicasWithBehaviorRate</c>.</summary>
    private int LimitRate(long now, int current, int desired)
    {
        if (desired > current)
        {
            var limit = Math.Max(ScaleUpLimit(now, current), current);
            var maxAllowed = Math.Min(_options.MaxReplicas, limit);
            if (desired > maxAllowed) return maxAllowed;
        }
        else if (desired < current)
        {
            var limit = Math.Min(ScaleDownLimit(now, current), current);
            var minAllowed = Math.Max(_options.MinReplicas, limit);
            if (desired < minAllowed) return minAllowed;
        }
        return desired;
    }

    /// <summary><c>calculateScaleUpLimitWithScalingRules</c>: the most replicas the scale-up policies allow now.</summary>
    private int ScaleUpLimit(long now, int current)
    {
        var select = _options.ScaleUpSelect;
        if (select == HpaSelectPolicy.Disabled) return current;
        var result = select == HpaSelectPolicy.Min ? int.MaxValue : int.MinValue;
        foreach (var policy in _upPolicies)
        {
            var start = PeriodStartReplicas(now, current, policy.Period);
            var proposed = policy.Type == HpaPolicyType.Pods
                ? start + policy.Value
                : (int)Math.Ceiling(start * (1 + policy.Value / 100.0));
            result = select == HpaSelectPolicy.Min ? Math.Min(result, proposed) : Math.Max(result, proposed);
        }
        return result;
    }

    /// <summary><c>calculateScaleDownLimitWithBehaviors</c>: the fewest replicas the scale-down policies allow now.</summary>
    private int ScaleDownLimit(long now, int current)
    {
        var select = _options.ScaleDownSelect;
        if (select == HpaSelectPolicy.Disabled) return current;
        var result = select == HpaSelectPolicy.Min ? int.MinValue : int.MaxValue;
        foreach (var policy in _downPolicies)
        {
            var start = PeriodStartReplicas(now, current, policy.Period);
            // Go's int32(float64) truncates toward zero; so does the cast.
            var proposed = policy.Type == HpaPolicyType.Pods
                ? start - policy.Value
                : (int)(start * (1 - policy.Value / 100.0));
            result = select == HpaSelectPolicy.Min ? Math.Max(result, proposed) : Math.Min(result, proposed);
        }
        return result;
    }

    /// <summary>Replicas at the start of a trailing period: current less replicas added, plus replicas removed within it (<c>getReplicasChangePerPeriod</c>).</summary>
    private int PeriodStartReplicas(long now, int current, TimeSpan period)
    {
        var cutoff = now - Milliseconds(period);
        return current - ChangeSince(_scaleUpEvents, cutoff) + ChangeSince(_scaleDownEvents, cutoff);
    }

    private static int ChangeSince(List<Stamped> events, long cutoff)
    {
        var sum = 0;
        foreach (var (time, change) in events)
            if (time > cutoff) sum += change;
        return sum;
    }

    /// <summary><c>storeScaleEvent</c>: records the change, reusing the last slot older than the direction's longest policy period.</summary>
    private void StoreScaleEvent(long now, int previous, int next)
    {
        var up = next > previous;
        var events = up ? _scaleUpEvents : _scaleDownEvents;
        var longest = TimeSpan.Zero;
        foreach (var policy in up ? _upPolicies : _downPolicies)
            if (policy.Period > longest) longest = policy.Period;
        var cutoff = now - Milliseconds(longest);
        var old = -1;
        for (var i = 0; i < events.Count; i++)
            if (events[i].Time < cutoff) old = i;
        var stamped = new Stamped(now, up ? next - previous : previous - next);
        if (old >= 0) events[old] = stamped;
        else events.Add(stamped);
    }

    private static long Milliseconds(TimeSpan span) => span.Ticks / TimeSpan.TicksPerMillisecond;

    private readonly record struct Stamped(long Time, int Value);
}
