namespace Foresight.Scaling;

/// <summary>What a scaling decision does.</summary>
public enum ScalingAction
{
    /// <summary>Keep the current replica count.</summary>
    Maintain,
    /// <summary>Add replicas because current demand needs them.</summary>
    ScaleOut,
    /// <summary>Remove replicas the demand over the look-ahead does not need.</summary>
    ScaleIn,
    /// <summary>Add replicas ahead of a forecast rise that current demand does not yet need.</summary>
    PreWarm,
    /// <summary>Add replicas at once for a burst the forecast did not expect, or during an anomaly.</summary>
    EmergencyScaleOut,
    /// <summary>Remove every replica: no demand now and none forecast over the look-ahead.</summary>
    ScaleToZero,
    /// <summary>Start replicas for a workload scaled to zero.</summary>
    ScaleFromZero,
}

/// <summary>Whether the per-replica resource request fits the observed usage.</summary>
public enum VerticalHintKind
{
    /// <summary>Requests are well above what replicas use: smaller requests would pack more replicas per node.</summary>
    RequestsTooHigh,
    /// <summary>Usage runs close to or above the request: replicas risk throttling or eviction.</summary>
    RequestsTooLow,
}

/// <summary>A suggestion to change the per-replica resource request rather than the replica count.</summary>
/// <param name="Kind">Too high or too low.</param>
/// <param name="Request">The current per-replica request.</param>
/// <param name="Usage">The observed per-replica usage (high percentile) it was compared with.</param>
/// <param name="Suggested">A request that fits the usage with headroom.</param>
/// <param name="Reason">One sentence a person can act on.</param>
public sealed record VerticalHint(VerticalHintKind Kind, double Request, double Usage, double Suggested, string Reason);

/// <summary>
/// One scaling decision: the replica count to run, the action it amounts to, how confident the
/// policy is that it covers the demand until the next decision takes effect, and why.
/// </summary>
/// <param name="Desired">Replicas to run.</param>
/// <param name="Current">Replicas before the decision.</param>
/// <param name="Action">What the change amounts to.</param>
/// <param name="Confidence">Estimated probability (0..1) that <paramref name="Desired"/> replicas serve the demand over the look-ahead.</param>
/// <param name="Reason">A plain sentence saying what drove the decision.</param>
/// <param name="Demand">The latest observed demand.</param>
/// <param name="ForecastPeak">The upper forecast of the demand over the look-ahead, or NaN without a forecast.</param>
/// <param name="LookAhead">How far ahead the decision looked (start-up delay plus decision interval).</param>
/// <param name="Vertical">A request-size hint, when usage and request are known and far apart.</param>
public sealed record ScalingDecision(int Desired, int Current, ScalingAction Action, double Confidence, string Reason,
    double Demand, double ForecastPeak, TimeSpan LookAhead, VerticalHint? Vertical = null);
