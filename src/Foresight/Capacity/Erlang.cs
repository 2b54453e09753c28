namespace Foresight.Capacity;

/// <summary>
/// The Erlang loss and delay formulas for c servers offered a = λ/μ erlangs, computed by the stable
/// recursion B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1)) (Jagerman, "Some properties of the Erlang loss
/// function", Bell Syst. Tech. J. 53, 1974), which stays in [0, 1] and needs no factorials, so it works
/// for thousands of servers; C follows from B as C = c·B / (c − a(1 − B)) (Kleinrock, <i>Queueing
/// Systems</i> vol. 1, 1975, §3.5).
/// </summary>
public static class Erlang
{
    /// <summary>Erlang B: the probability an arrival finds all <paramref name="servers"/> busy in M/M/c/c (it is lost).</summary>
    /// <param name="servers">c ≥ 1.</param>
    /// <param name="offeredLoad">a = λ/μ ≥ 0, in erlangs.</param>
    public static double B(int servers, double offeredLoad)
    {
        Check(servers, offeredLoad);
        var b = 1.0;
        for (var k = 1; k <= servers; k++) b = offeredLoad * b / (k + offeredLoad * b);
        return b;
    }

    /// <summary>
    /// Erlang C: the probability an arrival waits in M/M/c (all servers busy). 1 when a ≥ c (the queue is
    /// unstable and every arrival eventually waits).
    /// </summary>
    /// <param name="servers">c ≥ 1.</param>
    /// <param name="offeredLoad">a = λ/μ ≥ 0, in erlangs.</param>
    public static double C(int servers, double offeredLoad)
    {
        Check(servers, offeredLoad);
        if (offeredLoad >= servers) return 1;
        var b = B(servers, offeredLoad);
        return servers * b / (servers - offeredLoad * (1 - b));
    }

    private static void Check(int servers, double offeredLoad)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(servers, 1);
        if (!(offeredLoad >= 0) || double.IsPositiveInfinity(offeredLoad))
            throw new ArgumentOutOfRangeException(nameof(offeredLoad), offeredLoad, "the offered load must be a finite number ≥ 0");
    }
}
