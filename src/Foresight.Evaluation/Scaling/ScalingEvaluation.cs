using System.Globalization;
using Foresight.Forecasting;
using Foresight.Scaling;
using Foresight.Series;

namespace Foresight.Evaluation.Scaling;

/// <summary>Settings of a trace replay (<c>foresight eval scaling</c>).</summary>
public sealed class ScalingEvaluationOptions
{
    /// <summary>Most <see cref="PeakReplicas"/> a replay takes.</summary>
    public const int MaxPeakReplicas = 10_000;

    /// <summary>Replicas that serve the trace's peak at full capacity: capacity per replica = peak / this (1 to 10,000). Default 20.</summary>
    public int PeakReplicas { get; set; } = 20;

    /// <summary>Time from asking for a replica to its serving. Default 600 s.</summary>
    public TimeSpan StartupDelay { get; set; } = TimeSpan.FromSeconds(600);

    /// <summary>The HPA's target: average demand per replica as a share of a replica's capacity. Default 0.7.</summary>
    public double HpaTarget { get; set; } = 0.7;

    /// <summary>Controller tick: the HPA's sync period, also the predictive policy's decision interval. Default 15 s.</summary>
    public TimeSpan Tick { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Price of a replica-hour for the cost column. Default 0.10.</summary>
    public double PricePerReplicaHour { get; set; } = 0.10;

    /// <summary>Fewest replicas for every policy. Default 1.</summary>
    public int MinReplicas { get; set; } = 1;

    /// <summary>Most replicas the HPA and the predictive policy may run, as a multiple of <see cref="PeakReplicas"/>. Default 3.</summary>
    public int MaxReplicasFactor { get; set; } = 3;

    /// <summary>Settings of the predictive policy's forecaster.</summary>
    public DemandForecasterOptions Forecaster { get; set; } = new();

    /// <summary>Settings of the predictive policy (its decision interval is the tick).</summary>
    public PredictiveScalerOptions Scaler { get; set; } = new();

    /// <summary>The first problem with the settings, or null.</summary>
    public string? Validate()
    {
        if (PeakReplicas is < 1 or > MaxPeakReplicas) return $"peak replicas must be from 1 to {MaxPeakReplicas} (got {PeakReplicas})";
        if (StartupDelay < TimeSpan.Zero || StartupDelay > TimeSpan.FromDays(1)) return $"start-up delay must be from 0 to 86400 s (got {StartupDelay.TotalSeconds} s)";
        if (!(HpaTarget > 0 && HpaTarget <= 1)) return $"the HPA target must be in (0, 1] (got {HpaTarget})";
        if (Tick <= TimeSpan.Zero) return "the tick must be positive";
        if (!(PricePerReplicaHour is >= 0 and <= CapacityModel.MaxPrice)) return $"price per replica-hour must be from 0 to 1,000,000 (got {PricePerReplicaHour})";
        if (!(Forecaster.Level >= 0.5 && Forecaster.Level < 1)) return $"the forecast level must be in [0.5, 1) (got {Forecaster.Level})";
        return null;
    }
}

/// <summary>The replay of one trace: its shape and every policy's outcome.</summary>
/// <param name="Step">Trace step, ms.</param>
/// <param name="Timestamps">Start of each step.</param>
/// <param name="Demand">Demand per step.</param>
/// <param name="ReplicaCapacity">Demand one replica serves (peak / peak replicas).</param>
/// <param name="Policies">Outcomes, in the order hpa, predictive, static-peak, oracle.</param>
/// <param name="PredictiveModel">What the predictive policy's forecaster last chose.</param>
public sealed record ScalingReport(long Step, long[] Timestamps, double[] Demand, double ReplicaCapacity,
    IReadOnlyList<PolicyOutcome> Policies, string? PredictiveModel)
{
    /// <summary>How often the predictive policy's decisions served their look-ahead against the confidence they stated; null without any.</summary>
    public ConfidenceCalibration? Calibration { get; init; }

    /// <summary>Steps the trace has no value for, filled by linear interpolation between their neighbours.</summary>
    public int InterpolatedSteps { get; init; }
}

/// <summary>
/// The evaluation behind <c>foresight eval scaling</c>: replays a demand trace at its own step
/// against the Kubernetes HPA, the predictive policy, static provisioning for the peak and the
/// perfect-foresight oracle (<see cref="ScalingReplay"/> explains the simulated world).
/// </summary>
public static class ScalingEvaluation
{
    /// <summary>
    /// What keeps <paramref name="trace"/> (sorted by time) from being replayed, or null: fewer than two values,
    /// repeated timestamps, a negative value (the first is named), no positive value (a replica's capacity is
    /// the peak over the peak replicas), a span of more than <see cref="RegularSeries.MaxSpan"/> steps, or values on fewer than
    /// one step in ten (NAB's sparsest traces have values on one in four).
    /// </summary>
    public static string? Problem(IReadOnlyList<Point> trace)
    {
        var finite = 0;
        var peak = double.NegativeInfinity;
        foreach (var p in trace)
        {
            if (!double.IsFinite(p.Value)) continue;
            if (p.Value < 0) return string.Create(CultureInfo.InvariantCulture, $"the value at {Format(p.Timestamp)} is {p.Value}: demand cannot be negative");
            finite++;
            peak = Math.Max(peak, p.Value);
        }
        if (finite < 2) return $"the trace needs at least two values (it has {finite})";
        if (!(peak > 0)) return "the trace has no positive value: a replica's capacity is its peak divided by the peak replicas";
        var step = RegularSeries.MedianSpacing(trace);
        if (step <= 0) return "timestamps repeat: most points share their timestamp with the next, and a replay needs one value per step";
        var span = (trace[^1].Timestamp - trace[0].Timestamp) / step + 1;
        if (span > RegularSeries.MaxSpan)
            return string.Create(CultureInfo.InvariantCulture,
                $"the trace spans {span:N0} steps of {step / 1000.0:0.###} s from {Format(trace[0].Timestamp)} to {Format(trace[^1].Timestamp)}, more than the {RegularSeries.MaxSpan:N0} a replay covers (a stray timestamp?)");
        var filled = StepsWithValues(trace, step);
        if (filled * 10L < span)
            return string.Create(CultureInfo.InvariantCulture,
                $"only {filled:N0} of the {span:N0} steps of {step / 1000.0:0.###} s from {Format(trace[0].Timestamp)} to {Format(trace[^1].Timestamp)} have a value: a replay of a trace that is mostly gaps would be mostly interpolation (a stray timestamp?)");
        return null;
    }

    private static string Format(long unixMs) => DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>
    /// Replays <paramref name="trace"/> (sorted by time, one point per step; gaps are interpolated).
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid, or the trace has a <see cref="Problem"/>.</exception>
    public static ScalingReport Run(IReadOnlyList<Point> trace, ScalingEvaluationOptions options, Action<string>? progress = null)
    {
        if (options.Validate() is { } invalid) throw new ArgumentException(invalid, nameof(options));
        if (Problem(trace) is { } problem) throw new ArgumentException(problem, nameof(trace));
        var step = RegularSeries.MedianSpacing(trace);
        var grid = RegularSeries.From(trace, step)!;
        var demand = grid.Values;
        var timestamps = new long[demand.Length];
        for (var i = 0; i < demand.Length; i++) timestamps[i] = grid.TimeAt(i);
        var peak = demand.Max();

        var capacity = peak / options.PeakReplicas;
        var startup = (long)options.StartupDelay.TotalMilliseconds;
        var tick = Math.Min((long)options.Tick.TotalMilliseconds, step);
        var maxReplicas = options.PeakReplicas * Math.Max(1, options.MaxReplicasFactor);
        var hpaStart = Math.Max(options.MinReplicas, (int)Math.Ceiling(demand[0] / (capacity * options.HpaTarget)));

        var results = new List<PolicyOutcome>();
        progress?.Invoke("hpa");
        var hpa = new HpaReplayPolicy(new HorizontalPodAutoscaler(new HpaOptions
        {
            TargetAverageValue = capacity * options.HpaTarget,
            SyncPeriod = TimeSpan.FromMilliseconds(tick),
            MinReplicas = options.MinReplicas,
            MaxReplicas = maxReplicas,
        }));
        results.Add(ScalingReplay.Run(hpa, timestamps, demand, step, capacity, hpaStart, startup, tick, options.PricePerReplicaHour));

        progress?.Invoke("predictive");
        var predictive = new PredictiveReplayPolicy(timestamps, demand, step, tick, new CapacityModel
        {
            ReplicaCapacity = capacity,
            StartupDelay = options.StartupDelay,
            MinReplicas = options.MinReplicas,
            MaxReplicas = maxReplicas,
            PricePerReplicaHour = options.PricePerReplicaHour,
        }, options);
        results.Add(ScalingReplay.Run(predictive, timestamps, demand, step, capacity, hpaStart, startup, tick, options.PricePerReplicaHour));

        var peakReplicas = Math.Max(options.MinReplicas, (int)Math.Ceiling(peak / capacity - 1e-9));
        results.Add(ScalingReplay.Run(new StaticPolicy("static-peak", peakReplicas), timestamps, demand, step, capacity, peakReplicas, startup, tick, options.PricePerReplicaHour));

        progress?.Invoke("oracle");
        var oracle = new OraclePolicy(timestamps, demand, step, capacity, options.MinReplicas, startup, tick);
        results.Add(ScalingReplay.Run(oracle, timestamps, demand, step, capacity, oracle.Initial, startup, tick, options.PricePerReplicaHour));
        return new ScalingReport(step, timestamps, demand, capacity, results, predictive.ModelDescription + "; point forecast: " + predictive.Variant)
        {
            Calibration = ConfidenceCalibration.Score(predictive.Decisions, demand, capacity),
            InterpolatedSteps = demand.Length - StepsWithValues(trace, step),
        };
    }

    /// <summary>How many steps of <paramref name="step"/> ms (aligned as <see cref="RegularSeries.From"/> aligns them) hold a finite value of the time-sorted trace.</summary>
    private static int StepsWithValues(IReadOnlyList<Point> trace, long step)
    {
        var filled = 0;
        long? previous = null;
        foreach (var p in trace)
        {
            if (!double.IsFinite(p.Value)) continue;
            var bucket = p.Timestamp / step - (p.Timestamp % step < 0 ? 1 : 0);
            if (bucket != previous) filled++;
            previous = bucket;
        }
        return filled;
    }

    private sealed class StaticPolicy(string name, int replicas) : IReplayPolicy
    {
        public string Name => name;
        public int Decide(in ReplayTick tick) => replicas;
    }

    /// <summary>The predictive policy in the replay: the forecaster observes each step as it completes.</summary>
    private sealed class PredictiveReplayPolicy : IReplayPolicy
    {
        private readonly long[] _timestamps;
        private readonly double[] _demand;
        private readonly DemandForecaster _forecaster;
        private readonly PredictiveScaler _scaler;
        private readonly long _step;

        public PredictiveReplayPolicy(long[] timestamps, double[] demand, long step, long tick, CapacityModel capacity, ScalingEvaluationOptions options)
        {
            _timestamps = timestamps;
            _demand = demand;
            _step = step;
            var leads = (int)((capacity.StartupDelay.TotalMilliseconds + step) / step) + 1;
            _forecaster = new DemandForecaster(step, leads, options.Forecaster);
            var scalerOptions = options.Scaler;
            scalerOptions.DecisionInterval = TimeSpan.FromMilliseconds(tick);
            _scaler = new PredictiveScaler(capacity, scalerOptions);
        }

        public string Name => "predictive";

        public string? ModelDescription => _forecaster.ModelDescription;

        public string Variant => _forecaster.Variant;

        /// <summary>The decisions made with a forecast at the start of each step: step, desired replicas, confidence, and the steps after it the look-ahead reaches.</summary>
        public List<(int Step, int Desired, double Confidence, int StepsAhead)> Decisions { get; } = [];

        public int Decide(in ReplayTick tick)
        {
            if (tick.NewStep && tick.StepIndex > 0) _forecaster.Observe(_timestamps[tick.StepIndex - 1], _demand[tick.StepIndex - 1]);
            var outlook = _forecaster.Outlook;
            var decision = _scaler.Decide(new ScalingInput(tick.Now, tick.Replicas, tick.ObservedDemand, outlook));
            if (tick.NewStep && outlook is not null)
                Decisions.Add((tick.StepIndex, decision.Desired, decision.Confidence, (int)(decision.LookAhead.TotalMilliseconds / _step)));
            return decision.Desired;
        }
    }

    /// <summary>The HPA in the replay: one reconcile per sync period on the lagged demand.</summary>
    private sealed class HpaReplayPolicy(HorizontalPodAutoscaler hpa) : IReplayPolicy
    {
        public string Name => "hpa";
        public int Decide(in ReplayTick tick) => hpa.Reconcile(tick.Now, tick.Replicas, tick.ObservedDemand);
    }
}
