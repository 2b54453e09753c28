using Foresight.Scaling;

namespace Foresight.Evaluation.Scaling;

/// <summary>What a replayed policy sees at one controller tick.</summary>
/// <param name="Now">Tick time, Unix ms.</param>
/// <param name="StepIndex">Index of the trace step the tick falls in.</param>
/// <param name="NewStep">True on the first tick of a step (a new observation has arrived).</param>
/// <param name="Replicas">Replicas asked for so far (ready or starting): the scale's spec.</param>
/// <param name="ObservedDemand">The demand the policy can see: the previous step's (the metric lag).</param>
internal readonly record struct ReplayTick(long Now, int StepIndex, bool NewStep, int Replicas, double ObservedDemand);

/// <summary>A scaling policy driven by the replay, one tick at a time.</summary>
internal interface IReplayPolicy
{
    /// <summary>Name in the report.</summary>
    string Name { get; }

    /// <summary>Replica count to run from this tick on.</summary>
    int Decide(in ReplayTick tick);
}

/// <summary>How one policy fared over a replayed trace.</summary>
/// <param name="Name">Policy name (<c>hpa</c>, <c>predictive</c>, <c>static-peak</c>, <c>oracle</c>).</param>
/// <param name="UnderProvisionedSteps">Steps with any time of demand above ready capacity.</param>
/// <param name="UnderProvisionedMinutes">Minutes of demand above ready capacity.</param>
/// <param name="UnservedShare">Demand above ready capacity over all demand (demand × time).</param>
/// <param name="ReplicaHours">Replica-hours paid for, starting replicas included.</param>
/// <param name="Cost">Replica-hours × price per replica-hour.</param>
/// <param name="MeanUtilization">Served demand over ready capacity (both integrated over time).</param>
/// <param name="ScalingActions">Times the replica count changed.</param>
/// <param name="ReadyReplicas">Fewest ready replicas within each step (for the plot).</param>
public sealed record PolicyOutcome(string Name, int UnderProvisionedSteps, double UnderProvisionedMinutes, double UnservedShare,
    double ReplicaHours, double Cost, double MeanUtilization, int ScalingActions, int[] ReadyReplicas);

/// <summary>
/// Replays a demand trace against a policy in simulated time. Demand is constant within a step;
/// the controller ticks every <c>tick</c> ms (the HPA's 15-second sync period), the policy sees the
/// previous step's demand, replicas it adds serve after the start-up delay, and replicas it
/// removes go at once (starting ones first, as a ReplicaSet deletes unready pods first).
/// Under-provisioning, unserved demand, replica-time and utilization are integrated over ticks.
/// </summary>
internal static class ScalingReplay
{
    public static PolicyOutcome Run(IReplayPolicy policy, long[] timestamps, double[] demand, long step, double replicaCapacity,
        int initialReplicas, long startupMs, long tickMs, double pricePerReplicaHour)
    {
        var readyAt = new List<long>();                 // ascending: replicas are added in time order
        for (var i = 0; i < initialReplicas; i++) readyAt.Add(long.MinValue);
        var readyPerStep = new int[demand.Length];
        double underMs = 0, unserved = 0, total = 0, served = 0, capacityTime = 0, replicaMs = 0;
        int underSteps = 0, actions = 0;

        for (var t = 0; t < demand.Length; t++)
        {
            var stepStart = timestamps[t];
            var d = demand[t];
            var observed = t > 0 ? demand[t - 1] : demand[0];
            var stepUnder = false;
            var minReady = int.MaxValue;
            for (long offset = 0; offset < step; offset += tickMs)
            {
                var now = stepStart + offset;
                var dt = Math.Min(tickMs, step - offset);
                var desired = Math.Max(0, policy.Decide(new ReplayTick(now, t, offset == 0, readyAt.Count, observed)));
                if (desired != readyAt.Count)
                {
                    actions++;
                    if (desired > readyAt.Count)
                    {
                        for (var i = readyAt.Count; i < desired; i++) readyAt.Add(now + startupMs);
                    }
                    else
                    {
                        readyAt.RemoveRange(desired, readyAt.Count - desired);   // the latest added (starting first) go first
                    }
                }
                var ready = CountReady(readyAt, now);

                var capacity = ready * replicaCapacity;
                minReady = Math.Min(minReady, ready);
                if (d > capacity * (1 + 1e-12))
                {
                    underMs += dt;
                    stepUnder = true;
                    unserved += (d - capacity) * dt;
                }
                total += d * dt;
                served += Math.Min(d, capacity) * dt;
                capacityTime += capacity * dt;
                replicaMs += readyAt.Count * (double)dt;
            }
            if (stepUnder) underSteps++;
            readyPerStep[t] = minReady;
        }

        var replicaHours = replicaMs / 3_600_000.0;
        return new PolicyOutcome(policy.Name, underSteps, underMs / 60_000.0, total > 0 ? unserved / total : 0, replicaHours,
            replicaHours * pricePerReplicaHour, capacityTime > 0 ? served / capacityTime : 0, actions, readyPerStep);
    }

    private static int CountReady(List<long> readyAt, long now)
    {
        // readyAt is ascending, so the ready replicas are a prefix.
        int lo = 0, hi = readyAt.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (readyAt[mid] <= now) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
