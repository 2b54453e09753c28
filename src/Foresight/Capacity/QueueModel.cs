using Foresight.Numerics;
namespace Foresight.Capacity;

/// <summary>
/// A c-server first-come-first-served queue with Poisson-like arrivals: latency (response time) against
/// arrival rate. With exponential service and Poisson arrivals (<see cref="ServiceScv"/> = <see cref="ArrivalScv"/> = 1)
/// it is the exact M/M/c model; otherwise the G/G/c approximation described below.
/// </summary>
/// <remarks>
/// <para><b>M/M/c</b> (Kleinrock 1975, §3.5; Gross &amp; Harris, <i>Fundamentals of Queueing Theory</i>, §2.3):
/// with a = λ/μ and ρ = a/c &lt; 1, an arrival waits with probability C = Erlang C(c, a); given that it waits, the
/// wait is exponential with rate cμ − λ. So the mean wait is C/(cμ − λ), the response time R = W + S with S
/// exponential(μ), and P(R &gt; t) = (1 − C)e^{−μt} + C·(θe^{−μt} − μe^{−θt})/(θ − μ), θ = cμ − λ (the Erlang-2
/// tail (1 + μt)e^{−μt} when θ = μ). Percentiles invert this by bisection.</para>
/// <para><b>G/G/c</b> (Allen–Cunneen, after Kingman's heavy-traffic law): the mean wait is the M/M/c one scaled by
/// (ca² + cs²)/2, ca² and cs² the squared coefficients of variation of inter-arrival and service times
/// (Allen, <i>Probability, Statistics and Queueing Theory</i>, 2nd ed. 1990, §6.2; Whitt, "Approximations for
/// the GI/G/m queue", Prod. Oper. Manag. 2, 1993). For percentiles the wait keeps the M/M/c shape (0 with
/// probability C, else exponential) with its rate divided by the same factor, so its mean matches
/// Allen–Cunneen, and the service time is a gamma distribution with mean 1/μ and squared coefficient of
/// variation cs²; the response-time CDF is their exact convolution (closed form, see the code). This is an
/// approximation: the true G/G/c wait is not exactly exponential, and a lognormal or heavier service tail is
/// only matched in its first two moments.</para>
/// <para>A fixed <see cref="Overhead"/> (network, framework) adds to every response and does not queue.
/// Times are in the reciprocal of the rate unit: rates per second give seconds.</para>
/// </remarks>
public sealed record QueueModel
{
    /// <summary>c, the servers (workers, threads, cores) that serve in parallel; ≥ 1.</summary>
    public required int Servers { get; init; }

    /// <summary>μ, requests one server completes per unit time; &gt; 0. The mean service time is 1/μ.</summary>
    public required double ServiceRate { get; init; }

    /// <summary>cs², the squared coefficient of variation of the service time (1 exponential, 0 deterministic); &gt; 0. Default 1.</summary>
    public double ServiceScv { get; init; } = 1;

    /// <summary>ca², the squared coefficient of variation of inter-arrival times (1 Poisson); &gt; 0. Default 1.</summary>
    public double ArrivalScv { get; init; } = 1;

    /// <summary>Fixed latency added to every response, in time units; ≥ 0. Default 0.</summary>
    public double Overhead { get; init; }

    /// <summary>True when the model is the exact M/M/c (exponential service, Poisson arrivals).</summary>
    public bool IsMarkovian => ServiceScv == 1 && ArrivalScv == 1;

    /// <summary>cμ, the saturation load: the arrival rate where utilization reaches 1 and latency goes vertical.</summary>
    public double SaturationLoad => Servers * ServiceRate;

    /// <summary>ρ = λ/(cμ).</summary>
    public double Utilization(double arrivalRate) => CheckRate(arrivalRate) / SaturationLoad;

    /// <summary>P(wait) = Erlang C(c, λ/μ); 1 at or past saturation.</summary>
    public double WaitProbability(double arrivalRate) => Erlang.C(Servers, Math.Min(CheckRate(arrivalRate) / ServiceRate, Servers));

    /// <summary>Mean time in queue: C/(cμ − λ) · (ca² + cs²)/2; +∞ at or past saturation.</summary>
    public double MeanWait(double arrivalRate)
    {
        if (CheckRate(arrivalRate) >= SaturationLoad) return double.PositiveInfinity;
        return WaitProbability(arrivalRate) / (SaturationLoad - arrivalRate) * Variability;
    }

    /// <summary>Mean response time: overhead + mean wait + 1/μ; +∞ at or past saturation.</summary>
    public double MeanResponse(double arrivalRate) => Overhead + MeanWait(arrivalRate) + 1 / ServiceRate;

    /// <summary>P(R ≤ t), R the response time (overhead included); 0 everywhere at or past saturation.</summary>
    public double ResponseCdf(double arrivalRate, double t)
    {
        if (CheckRate(arrivalRate) >= SaturationLoad) return 0;
        return Cdf(arrivalRate).At(t);
    }

    /// <summary>The q-quantile of the response time (q = 0.99 for p99); +∞ at or past saturation.</summary>
    /// <param name="arrivalRate">λ ≥ 0.</param>
    /// <param name="q">In (0, 1).</param>
    public double ResponseQuantile(double arrivalRate, double q)
    {
        if (!(q > 0 && q < 1)) throw new ArgumentOutOfRangeException(nameof(q), q, "the quantile level must be in (0, 1)");
        if (CheckRate(arrivalRate) >= SaturationLoad) return double.PositiveInfinity;
        var cdf = Cdf(arrivalRate) with { Overhead = 0 };
        return Overhead + ResponseTime.Quantile(cdf.At, q, MeanWait(arrivalRate) + 1 / ServiceRate);
    }

    /// <summary>The first problem with the settings, or null.</summary>
    public string? Validate()
    {
        if (Servers < 1) return $"servers must be at least 1 (got {Servers})";
        if (!(double.IsFinite(ServiceRate) && ServiceRate > 0)) return $"the service rate must be a positive number (got {ServiceRate})";
        if (!(double.IsFinite(ServiceScv) && ServiceScv > 0)) return $"the service-time SCV must be a positive number (got {ServiceScv})";
        if (!(double.IsFinite(ArrivalScv) && ArrivalScv > 0)) return $"the inter-arrival SCV must be a positive number (got {ArrivalScv})";
        if (!(double.IsFinite(Overhead) && Overhead >= 0)) return $"the overhead must be 0 or more (got {Overhead})";
        return null;
    }

    private double Variability => (ArrivalScv + ServiceScv) / 2;

    private CdfAtLoad Cdf(double arrivalRate) => new(
        IsMarkovian, WaitProbability(arrivalRate), (SaturationLoad - arrivalRate) / Variability, ServiceRate, 1 / ServiceScv, Overhead);

    private static double CheckRate(double arrivalRate) =>
        arrivalRate >= 0 && !double.IsPositiveInfinity(arrivalRate) ? arrivalRate
            : throw new ArgumentOutOfRangeException(nameof(arrivalRate), arrivalRate, "the arrival rate must be a finite number ≥ 0");

    private readonly record struct CdfAtLoad(bool Exponential, double WaitProbability, double WaitRate, double ServiceRate, double Shape, double Overhead)
    {
        private readonly double _logGammaShape = SpecialFunctions.LogGamma(Shape);

        public double At(double t) => Exponential
            ? ResponseTime.ExponentialCdf(t - Overhead, WaitProbability, WaitRate, ServiceRate)
            : ResponseTime.GammaCdf(t - Overhead, WaitProbability, WaitRate, Shape, Shape * ServiceRate, _logGammaShape);
    }
}
