namespace Foresight.Scaling;

/// <summary>Settings of <see cref="PredictiveScaler"/>.</summary>
public sealed class PredictiveScalerOptions
{
    /// <summary>How often the policy is asked to decide; part of the look-ahead (start-up delay plus this). Default 30 s.</summary>
    public TimeSpan DecisionInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A scale-in uses the largest recommendation of this trailing window (as the HPA's downscale
    /// stabilization). Default 1 minute: shorter than the HPA's 5, because a scale-in is already held
    /// back by the forecast over the whole look-ahead, and a longer window only keeps replicas the
    /// newer data say are not needed.
    /// </summary>
    public TimeSpan ScaleDownStabilization { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>No scale-in for this long after a scale-out. Default 1 minute.</summary>
    public TimeSpan ScaleInCooldown { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Largest share of the replicas one scale-in may remove (0..1]; at least one replica goes. Default 0.5.</summary>
    public double MaxScaleInFraction { get; set; } = 0.5;

    /// <summary>
    /// Most replicas one decision may add (as the HPA's <c>scaleUp</c> Pods policy bounds a period's
    /// change), e.g. to spare a database a burst of new connections; null for no limit. Default null.
    /// </summary>
    public int? MaxScaleOutStep { get; set; }

    /// <summary>
    /// Headroom over the observed demand when there is no forecast yet, and for an emergency
    /// scale-out on a burst the forecast did not expect (demand × (1 + headroom)). Default 0.3.
    /// </summary>
    public double ReactiveHeadroom { get; set; } = 0.3;

    /// <summary>
    /// The last two observed values both at least this many upper-band widths above their own
    /// forecasts (<see cref="DemandOutlook.Surprise"/>) make an unforecast burst. Default 1: both
    /// beyond the band's edge, which for independent errors and a 90% band happens about once in a
    /// hundred steps, while a real burst that persists passes it on its second step.
    /// </summary>
    public double BurstSurprise { get; set; } = 1;

    /// <summary>
    /// Run only the replicas of the upper quantile that pay for themselves: a step short of capacity is
    /// priced at 1 / (1 − level) replica-steps and the count between the point forecast's and the
    /// quantile's with the least expected cost is chosen (see <see cref="PredictiveScaler"/>). False
    /// plans for the upper quantile alone. Default true.
    /// </summary>
    public bool CostAware { get; set; } = true;

    /// <summary>Usage below this share of the request suggests smaller requests. Default 0.5.</summary>
    public double LowRequestUsage { get; set; } = 0.5;

    /// <summary>Usage above this share of the request suggests larger requests. Default 0.95.</summary>
    public double HighRequestUsage { get; set; } = 0.95;

    /// <summary>Share of the request a suggested request puts the observed usage at. Default 0.7.</summary>
    public double RequestTargetUsage { get; set; } = 0.7;

    /// <summary>The first problem with the settings, or null when they are usable.</summary>
    public string? Validate()
    {
        if (DecisionInterval <= TimeSpan.Zero) return $"the decision interval must be positive (got {DecisionInterval})";
        if (ScaleDownStabilization < TimeSpan.Zero) return $"the scale-down stabilization must not be negative (got {ScaleDownStabilization})";
        if (ScaleInCooldown < TimeSpan.Zero) return $"the scale-in cooldown must not be negative (got {ScaleInCooldown})";
        if (!(MaxScaleInFraction is > 0 and <= 1)) return $"the largest share removed at once must be above 0 and at most 1 (got {MaxScaleInFraction})";
        if (MaxScaleOutStep is < 1) return $"the most replicas added at once must be at least 1 (got {MaxScaleOutStep})";
        if (!(ReactiveHeadroom >= 0) || !double.IsFinite(ReactiveHeadroom)) return $"the reactive headroom must be 0 or more (got {ReactiveHeadroom})";
        if (!(BurstSurprise > 0) || !double.IsFinite(BurstSurprise)) return $"the burst surprise must be positive (got {BurstSurprise})";
        if (!(LowRequestUsage > 0 && LowRequestUsage < HighRequestUsage && RequestTargetUsage > 0 && RequestTargetUsage <= 1))
            return $"request usages must satisfy 0 < low ({LowRequestUsage}) < high ({HighRequestUsage}) and 0 < target ({RequestTargetUsage}) <= 1";
        return null;
    }
}

/// <summary>Per-replica resource request and observed usage, for the vertical hint.</summary>
/// <param name="Request">Requested amount per replica (e.g. CPU cores).</param>
/// <param name="Usage">A high percentile of per-replica usage, same unit.</param>
public sealed record ReplicaUsage(double Request, double Usage);

/// <summary>What the policy knows when it decides.</summary>
/// <param name="Now">Decision time, Unix ms.</param>
/// <param name="CurrentReplicas">Replicas running or starting now.</param>
/// <param name="Demand">Latest observed demand (NaN when unknown).</param>
/// <param name="Outlook">Forecast of the coming steps, or null while there is none.</param>
/// <param name="Anomalous">True while the demand series is in an open anomaly.</param>
/// <param name="Usage">Per-replica request and usage, when known.</param>
public sealed record ScalingInput(long Now, int CurrentReplicas, double Demand, DemandOutlook? Outlook,
    bool Anomalous = false, ReplicaUsage? Usage = null);

/// <summary>
/// The predictive scaling policy. Replicas follow an upper quantile of the demand forecast over
/// the look-ahead that a decision controls — from now until a replica asked for at the next
/// decision would be ready (start-up delay plus decision interval) — so capacity is in place
/// before a forecast rise rather than after it. The observed demand stays as a floor (the
/// real-time safety net that Crane's Effective HPA also keeps), and a burst above the forecast's
/// upper band, or demand during an anomaly, triggers an emergency scale-out with reactive headroom.
/// Scale-in is damped as the Kubernetes HPA damps it: the largest recommendation of a
/// stabilization window, a cooldown after scale-out and a limit on the share removed at once.
/// <para>
/// The upper quantile is where planning starts, not always where it ends. Each replica costs a
/// replica-step and each step short of capacity is priced at 1 / (1 − level) replica-steps, and
/// the policy runs the count between the point forecast's replicas and the quantile's that has the
/// least expected cost, n + P(demand &gt; n · capacity) / (1 − level), with the probability read off
/// the forecaster's recent errors (<see cref="DemandOutlook.Exceedance"/>): the newsvendor's
/// trade-off (Arrow, Harris &amp; Marschak, "Optimal inventory policy", Econometrica 1951), on the
/// count of short steps. Where demand is sharp against a replica the quantile's count is also the
/// cheapest; where it is spread over several replicas (noise, heavy tails) the quantile's top
/// replicas each lower the chance of a short step by less than 1 − level and are not run.
/// </para>
/// </summary>
/// <remarks>One instance per workload: it keeps the recent recommendations and the last scale-out time.</remarks>
public sealed class PredictiveScaler
{
    private readonly CapacityModel _capacity;
    private readonly PredictiveScalerOptions _options;
    private readonly Queue<(long Time, int Replicas)> _recent = new();
    private long _lastScaleOut = long.MinValue;

    /// <summary>Creates the policy for one workload.</summary>
    public PredictiveScaler(CapacityModel capacity, PredictiveScalerOptions? options = null)
    {
        if (capacity.Validate() is { } problem) throw new ArgumentException(problem, nameof(capacity));
        _capacity = capacity;
        _options = options ?? new PredictiveScalerOptions();
        if (_options.Validate() is { } invalid) throw new ArgumentException(invalid, nameof(options));
    }

    /// <summary>The workload's capacity model.</summary>
    public CapacityModel Capacity => _capacity;

    /// <summary>The look-ahead a decision covers: start-up delay plus decision interval.</summary>
    public TimeSpan LookAhead => _capacity.StartupDelay + _options.DecisionInterval;

    /// <summary>Decides the replica count for <paramref name="input"/>.</summary>
    public ScalingDecision Decide(ScalingInput input)
    {
        var cap = _capacity;
        var current = input.CurrentReplicas;
        var demand = input.Demand;
        var hasDemand = double.IsFinite(demand);
        var reactive = hasDemand ? cap.ReplicasFor(demand) : Math.Max(current, cap.MinReplicas);

        // Replicas asked for now serve from now + start-up: a scale-out is sized for the demand from
        // then until the next decision's replicas could serve (the far window), while a scale-in must
        // not drop below what the whole look-ahead needs, since removed capacity cannot return sooner.
        var lookAhead = LookAhead;
        var now = input.Now;
        var until = now + (long)lookAhead.TotalMilliseconds;
        var farFrom = now + (long)cap.StartupDelay.TotalMilliseconds;
        var outlook = input.Outlook;
        var peakUpper = outlook?.PeakOver(now, until).Upper ?? double.NaN;
        var hasForecast = double.IsFinite(peakUpper) && outlook!.StepsOver(farFrom, until) is var (farFirst, farLast) && farFirst <= farLast;
        int planned, trimmed = 0;
        if (hasForecast)
        {
            var far = Plan(outlook!, farFrom, until);
            var whole = Plan(outlook!, now, until);
            planned = Math.Max(far.Replicas, Math.Min(current, whole.Replicas));
            trimmed = Math.Max(far.ForQuantile, Math.Min(current, whole.ForQuantile)) - planned;
        }
        else planned = hasDemand ? cap.ReplicasFor(demand * (1 + _options.ReactiveHeadroom)) : reactive;

        // An unforecast burst: the latest value far above the band that was forecast for it.
        var burst = hasForecast && hasDemand && outlook!.Surprise > _options.BurstSurprise;
        var emergency = (burst || (input.Anomalous && hasDemand)) ? cap.ReplicasFor(demand * (1 + _options.ReactiveHeadroom)) : 0;

        // The reactive floor: never fewer replicas than the observed demand needs. With a forecast it
        // bounds scale-in (capacity the current demand uses is never removed); a scale-out for demand
        // already seen would only arrive after the start-up delay, so whether that demand persists is
        // left to the forecast, which is anchored on it, and to the emergency rule for bursts.
        var floor = hasForecast ? Math.Min(current, reactive) : reactive;
        var raw = Math.Max(Math.Max(floor, planned), emergency);
        var desired = Stabilize(input.Now, raw, current);
        desired = Math.Clamp(desired, cap.MinReplicas, cap.MaxReplicas);
        var wanted = desired;
        if (_options.MaxScaleOutStep is { } step && current >= cap.MinReplicas) desired = Math.Min(desired, current + step);
        if (desired > current) _lastScaleOut = input.Now;

        var action = Classify(desired, current, reactive, planned, emergency, hasForecast);
        var confidence = hasForecast ? Confidence(outlook!, desired, now, until) : 0.5;
        var reason = Explain(action, desired, current, demand, peakUpper, outlook?.Level ?? double.NaN, lookAhead, burst, input.Anomalous, hasForecast, trimmed);
        if (desired < wanted) reason += $" (the policy wants {wanted}; at most {_options.MaxScaleOutStep} are added at once)";
        return new ScalingDecision(desired, current, action, confidence, reason, demand, peakUpper, lookAhead, VerticalHintFor(input.Usage));
    }

    /// <summary>
    /// Replicas for the steps of <paramref name="outlook"/> overlapping [from, to]: the most any step needs, cost-aware
    /// and for the upper quantile alone.
    /// </summary>
    private (int Replicas, int ForQuantile) Plan(DemandOutlook outlook, long from, long to)
    {
        var (first, last) = outlook.StepsOver(from, to);
        int replicas = _capacity.MinReplicas, forQuantile = _capacity.MinReplicas;
        for (var i = first; i <= last; i++)
        {
            var quantile = _capacity.ReplicasFor(outlook.Upper[i]);
            forQuantile = Math.Max(forQuantile, quantile);
            replicas = Math.Max(replicas, _options.CostAware ? CheapestReplicas(outlook, i, quantile) : quantile);
        }
        return (replicas, forQuantile);
    }

    /// <summary>
    /// The count n between the point forecast's replicas and <paramref name="quantile"/> that minimizes
    /// n + P(demand &gt; n · capacity) / (1 − level): replicas plus the expected cost of a short step.
    /// </summary>
    private int CheapestReplicas(DemandOutlook outlook, int i, int quantile)
    {
        var penalty = 1 / (1 - outlook.Level);
        var best = quantile;
        var bestCost = double.PositiveInfinity;
        for (var n = Math.Min(quantile, _capacity.ReplicasFor(outlook.Mean[i])); n <= quantile; n++)
        {
            var cost = n + penalty * outlook.Exceedance(i, n * _capacity.ReplicaCapacity);
            if (cost < bestCost - 1e-12) { bestCost = cost; best = n; }
        }
        return best;
    }

    private int Stabilize(long now, int raw, int current)
    {
        var window = (long)_options.ScaleDownStabilization.TotalMilliseconds;
        _recent.Enqueue((now, raw));
        while (_recent.Count > 0 && _recent.Peek().Time < now - window) _recent.Dequeue();
        if (raw >= current) return raw;
        if (_lastScaleOut != long.MinValue && now - _lastScaleOut < (long)_options.ScaleInCooldown.TotalMilliseconds) return current;
        var stabilized = raw;
        foreach (var (_, r) in _recent) stabilized = Math.Max(stabilized, r);
        var floor = current - Math.Max(1, (int)Math.Floor(current * _options.MaxScaleInFraction));
        return Math.Min(current, Math.Max(stabilized, floor));
    }

    private static ScalingAction Classify(int desired, int current, int reactive, int planned, int emergency, bool hasForecast)
    {
        if (desired == current) return ScalingAction.Maintain;
        if (desired > current)
        {
            if (current == 0) return ScalingAction.ScaleFromZero;
            if (emergency >= desired && emergency > Math.Max(reactive, planned)) return ScalingAction.EmergencyScaleOut;
            return hasForecast && planned > reactive ? ScalingAction.PreWarm : ScalingAction.ScaleOut;
        }
        return desired == 0 ? ScalingAction.ScaleToZero : ScalingAction.ScaleIn;
    }

    /// <summary>P(demand ≤ the capacity of <paramref name="desired"/> replicas at every step of the look-ahead) (<see cref="DemandOutlook.Covered"/>).</summary>
    private double Confidence(DemandOutlook outlook, int desired, long from, long to)
    {
        var (first, last) = outlook.StepsOver(from, to);
        return Math.Clamp(outlook.Covered(first, last, desired * _capacity.ReplicaCapacity), 0, 1);
    }

    private string Explain(ScalingAction action, int desired, int current, double demand, double peakUpper, double level, TimeSpan lookAhead,
        bool burst, bool anomalous, bool hasForecast, int trimmed)
    {
        var perReplica = _capacity.ReplicaCapacity;
        var ahead = Format(lookAhead);
        var forecast = hasForecast ? $"the p{level * 100:0.#} forecast peaks at {peakUpper:0.##} within {ahead}" : "there is no forecast yet";
        if (trimmed > 0)
            forecast += $" (covering it would take {trimmed} more replica{(trimmed == 1 ? "" : "s")}, which would lower the chance of a short step by less than {1 - level:0%} each: less than they cost)";
        return action switch
        {
            ScalingAction.EmergencyScaleOut when burst => $"demand {demand:0.##} is above the forecast's upper band; scaling out with {_options.ReactiveHeadroom:P0} headroom to {desired} replicas at once",
            ScalingAction.EmergencyScaleOut => $"demand {demand:0.##} during an anomaly; scaling out with {_options.ReactiveHeadroom:P0} headroom to {desired} replicas",
            ScalingAction.PreWarm => $"{forecast}, which needs {desired} replicas at {perReplica:0.##} each; starting them now so they are ready in time (demand now {demand:0.##})",
            ScalingAction.ScaleOut when !hasForecast => $"there is no forecast yet: demand {demand:0.##} with {_options.ReactiveHeadroom:P0} headroom needs {desired} replicas at {perReplica:0.##} each",
            ScalingAction.ScaleOut => $"demand {demand:0.##} needs {desired} replicas at {perReplica:0.##} each; {forecast}",
            ScalingAction.ScaleIn => $"{forecast}, which {desired} replicas serve; removing {current - desired}",
            ScalingAction.ScaleToZero => $"no demand now and none forecast within {ahead}; scaling to zero",
            ScalingAction.ScaleFromZero => $"demand {demand:0.##} on a workload at zero; starting {desired} replicas",
            _ when anomalous => $"demand {demand:0.##} during an anomaly is served by {current} replicas; {forecast}",
            _ => $"{current} replicas serve the demand ({demand:0.##} now; {forecast})",
        };
    }

    private VerticalHint? VerticalHintFor(ReplicaUsage? usage)
    {
        if (usage is null || !(usage.Request > 0) || !double.IsFinite(usage.Usage) || usage.Usage < 0) return null;
        var share = usage.Usage / usage.Request;
        var suggested = usage.Usage / _options.RequestTargetUsage;
        if (share < _options.LowRequestUsage)
            return new VerticalHint(VerticalHintKind.RequestsTooHigh, usage.Request, usage.Usage, suggested,
                $"replicas use {share:P0} of their request ({usage.Usage:0.###} of {usage.Request:0.###}); a request near {suggested:0.###} would fit the usage");
        if (share > _options.HighRequestUsage)
            return new VerticalHint(VerticalHintKind.RequestsTooLow, usage.Request, usage.Usage, suggested,
                $"replicas use {share:P0} of their request ({usage.Usage:0.###} of {usage.Request:0.###}); raise it to about {suggested:0.###} to avoid throttling");
        return null;
    }

    private static string Format(TimeSpan span) =>
        span.TotalHours >= 1 ? $"{span.TotalHours:0.#} h" : span.TotalMinutes >= 1 ? $"{span.TotalMinutes:0.#} min" : $"{span.TotalSeconds:0} s";
}
