using Foresight.Scaling;

namespace Foresight.Evaluation.Scaling;

/// <summary>
/// Perfect foresight: the fewest replicas that serve every step, each started exactly one
/// start-up delay before the step that first needs it. The need of step t is ⌈demand_t / capacity⌉
/// (at least the minimum); replica k is needed on the steps where the need is at least k, and
/// across a gap shorter than the start-up delay it is cheaper to keep it than to restart it, so
/// it is kept. Replicas are interchangeable, so planning each "layer" k on its own is optimal for
/// replica-hours. The limit no policy can beat.
/// </summary>
internal sealed class OraclePolicy : IReplayPolicy
{
    private readonly List<(long Time, int Change)> _events = [];
    private int _next;
    private int _count;

    public OraclePolicy(long[] timestamps, double[] demand, long step, double replicaCapacity, int minReplicas, long startupMs, long tickMs)
    {
        var need = Need(demand, replicaCapacity, minReplicas);
        var maxNeed = need.Length == 0 ? 0 : need.Max();
        var end = timestamps.Length == 0 ? 0 : timestamps[^1] + step;
        for (var k = 1; k <= maxNeed; k++)
        {
            var t = 0;
            long? provisionedFrom = null;   // start of the current provisioned interval of layer k
            long lastEnd = long.MinValue;
            while (t < need.Length)
            {
                if (need[t] < k) { t++; continue; }
                var runStart = t;
                while (t < need.Length && need[t] >= k) t++;
                var startTime = timestamps[runStart];
                var requestAt = startTime - startupMs < timestamps[0] ? long.MinValue : FloorToTick(startTime - startupMs, timestamps[0], tickMs);
                if (provisionedFrom is null)
                {
                    provisionedFrom = requestAt;
                }
                else if (startTime - lastEnd > startupMs)
                {
                    // Gap longer than the start-up: stop the replica and start it again in time.
                    AddInterval(provisionedFrom.Value, lastEnd);
                    provisionedFrom = requestAt;
                }
                lastEnd = t < need.Length ? timestamps[t] : end;
            }
            if (provisionedFrom is not null) AddInterval(provisionedFrom.Value, lastEnd);
        }
        _events.Sort((a, b) => a.Time.CompareTo(b.Time));
        // Replicas provisioned from the start are the initial replicas, not events.
        while (_next < _events.Count && _events[_next].Time == long.MinValue) _count += _events[_next++].Change;
        Initial = Math.Max(_count, minReplicas);
    }

    public string Name => "oracle";

    /// <summary>Replicas at the start of the trace.</summary>
    public int Initial { get; }

    public int Decide(in ReplayTick tick)
    {
        while (_next < _events.Count && _events[_next].Time <= tick.Now) _count += _events[_next++].Change;
        return _count;
    }

    /// <summary>⌈demand / capacity⌉ per step, at least <paramref name="minReplicas"/>.</summary>
    public static int[] Need(double[] demand, double replicaCapacity, int minReplicas)
    {
        var need = new int[demand.Length];
        for (var t = 0; t < demand.Length; t++)
            need[t] = Math.Max(minReplicas, (int)Math.Ceiling(Math.Max(0, demand[t]) / replicaCapacity - 1e-9));
        return need;
    }

    private void AddInterval(long from, long to)
    {
        _events.Add((from, +1));
        _events.Add((to, -1));
    }

    private static long FloorToTick(long time, long origin, long tickMs) => origin + (time - origin) / tickMs * tickMs;
}
