using Foresight.Numerics;
namespace Foresight.Capacity;

/// <summary>Latency measured at one load: a load-test level, or one aligned step of request-rate and latency series.</summary>
/// <param name="ArrivalRate">Requests per unit time served (throughput), &gt; 0.</param>
/// <param name="Mean">Mean latency in the reciprocal time unit (seconds for requests/s), or NaN when not measured.</param>
/// <param name="P95">95th percentile latency, or NaN.</param>
/// <param name="P99">99th percentile latency, or NaN.</param>
public readonly record struct LatencyObservation(double ArrivalRate, double Mean, double P95 = double.NaN, double P99 = double.NaN);

/// <summary>Settings of <see cref="LatencyModel.TryFit"/>.</summary>
public sealed record LatencyFitOptions
{
    /// <summary>Largest server count the search tries (1..16 each, then a ladder). Default 128.</summary>
    public int MaxServers { get; init; } = 128;

    /// <summary>The server count when it is known (worker threads, cores); null to estimate it. Default null.</summary>
    public int? Servers { get; init; }

    /// <summary>Whether to fit a fixed latency that does not queue (network, framework). Default true.</summary>
    public bool EstimateOverhead { get; init; } = true;

    /// <summary>Residual-bootstrap refits behind the prediction intervals (0 for none: intervals collapse to the point). Default 40.</summary>
    public int BootstrapResamples { get; init; } = 40;

    /// <summary>Two-sided level of the prediction intervals, in (0, 1). Default 0.9.</summary>
    public double IntervalLevel { get; init; } = 0.9;

    /// <summary>Seed of the bootstrap, so a fit is reproducible. Default 0.</summary>
    public int Seed { get; init; }
}

/// <summary>A predicted latency statistic with its interval.</summary>
public readonly record struct LatencyEstimate(double Value, double Lower, double Upper);

/// <summary>Predicted latency at one load.</summary>
public sealed record LatencyPrediction(double ArrivalRate, LatencyEstimate Mean, LatencyEstimate P95, LatencyEstimate P99);

/// <summary>
/// Latency against load, learned from observations: a <see cref="QueueModel"/> (c servers of rate μ,
/// service-time variability cs², fixed overhead) fitted to observed mean and/or p95/p99 latencies at
/// several loads, which then predicts latency at loads not observed and answers capacity questions
/// (replicas for a latency objective, the load where it breaks, and when a load forecast gets there).
/// </summary>
/// <remarks>
/// <para>The fit minimises the squared log error of every observed statistic against the model's
/// (<see cref="QueueModel"/> documents the M/M/c and Allen–Cunneen G/G/c formulas): for each server
/// count c (or the known one) a Nelder–Mead search over μ (through the utilization at the highest observed
/// load, kept below 1), ln cs² in [ln 0.05, ln 20] and the overhead (0 to 95% of the lowest latency seen);
/// the c with the least error wins. Arrivals are taken as Poisson (ca² = 1). Loads well below the knee
/// pin the service time and its spread; the rise of latency with load pins c and μ: data that stays flat
/// cannot tell a far knee from a very far one, so measure up to at least half the expected saturation.</para>
/// <para>Prediction intervals come from a residual bootstrap (Efron &amp; Tibshirani, <i>An Introduction to the
/// Bootstrap</i>, 1993, §9.5): the fitted log residuals are resampled onto the fitted values, the model is
/// refitted with c fixed, and the interval is the percentile range of the refits' predictions, widened by
/// the residual spread of a single new measurement.</para>
/// </remarks>
public sealed partial class LatencyModel
{
    private readonly QueueModel[] _bootstrap;
    private readonly double _residualSd;
    private readonly double _z;

    private LatencyModel(QueueModel queue, double sse, int statistics, QueueModel[] bootstrap, double residualSd, double level)
    {
        Queue = queue;
        _bootstrap = bootstrap;
        _residualSd = residualSd;
        RootMeanSquareLogError = Math.Sqrt(sse / statistics);
        IntervalLevel = level;
        _z = NormalTail.InverseStandardCdf(0.5 + level / 2);
    }

    /// <summary>The fitted queue: servers c, service rate μ, service SCV cs², overhead.</summary>
    public QueueModel Queue { get; }

    /// <summary>sqrt(mean squared log error) of the fit: 0.05 means the model is off by about 5% on a typical statistic.</summary>
    public double RootMeanSquareLogError { get; }

    /// <summary>Level of the prediction intervals.</summary>
    public double IntervalLevel { get; }

    /// <summary>cμ: the load where latency goes vertical (the knee).</summary>
    public double SaturationLoad => Queue.SaturationLoad;

    /// <summary>
    /// Fits the model; false with a message when the observations cannot support it (fewer than 3 loads,
    /// non-positive values, no latency statistic at all).
    /// </summary>
    public static bool TryFit(IReadOnlyList<LatencyObservation> observations, out LatencyModel? model, out string error, LatencyFitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(observations);
        options ??= new LatencyFitOptions();
        if (options.MaxServers < 1) throw new ArgumentOutOfRangeException(nameof(options), options.MaxServers, "MaxServers must be at least 1");
        if (options.Servers is < 1) throw new ArgumentOutOfRangeException(nameof(options), options.Servers, "Servers must be at least 1");
        if (!(options.IntervalLevel > 0 && options.IntervalLevel < 1)) throw new ArgumentOutOfRangeException(nameof(options), options.IntervalLevel, "IntervalLevel must be in (0, 1)");
        model = null;
        if (Problem(observations) is { } problem)
        {
            error = problem;
            return false;
        }
        var data = observations.ToArray();
        var fitter = new LatencyFitter(data, options.EstimateOverhead);
        var fits = new List<(QueueModel Model, double Sse)>();
        double[]? start = null;
        foreach (var c in options.Servers is { } known ? [known] : LatencyFitter.Candidates(options.MaxServers))
        {
            var fit = fitter.FitServers(c, start);
            if (double.IsFinite(fit.Sse)) fits.Add(fit);
            start = fitter.Coordinates(fit.Model);
            start[0] *= (double)c / (c + 1);
        }
        if (fits.Count == 0)
        {
            error = "no queue model fits the observations (every candidate gave an infinite error); check that latency rises, or stays flat, as load grows";
            return false;
        }
        var best = Choose(fits, LatencyFitter.LogResiduals(fits[0].Model, data).Count);

        var residuals = LatencyFitter.LogResiduals(best.Model, data);
        var mean = residuals.Average();
        var sd = Math.Sqrt(residuals.Sum(r => (r - mean) * (r - mean)) / Math.Max(1, residuals.Count - 1));
        var bootstrap = Bootstrap(best.Model, data, residuals, options);
        model = new LatencyModel(best.Model, best.Sse, residuals.Count, bootstrap, sd, options.IntervalLevel);
        error = "";
        return true;
    }

    /// <summary>Mean, p95 and p99 latency at <paramref name="arrivalRate"/>, each with its interval; +∞ at or past saturation.</summary>
    public LatencyPrediction Predict(double arrivalRate) => new(arrivalRate,
        Estimate(q => q.MeanResponse(arrivalRate)),
        Estimate(q => q.ResponseQuantile(arrivalRate, 0.95)),
        Estimate(q => q.ResponseQuantile(arrivalRate, 0.99)));

    /// <summary>The q-quantile (or, for q = 0.5 as elsewhere, the median) of latency at <paramref name="arrivalRate"/> from the fitted queue.</summary>
    public double Quantile(double arrivalRate, double q) => Queue.ResponseQuantile(arrivalRate, q);

    /// <inheritdoc />
    public override string ToString() => FormattableString.Invariant(
        $"c={Queue.Servers} μ={Queue.ServiceRate:G4}/s (service {1000 / Queue.ServiceRate:0.##} ms) cs²={Queue.ServiceScv:0.###} overhead={1000 * Queue.Overhead:0.##} ms knee={SaturationLoad:G4}/s rmsle={RootMeanSquareLogError:0.###}");

    private LatencyEstimate Estimate(Func<QueueModel, double> statistic)
    {
        var value = statistic(Queue);
        if (_bootstrap.Length == 0 || !double.IsFinite(value)) return new LatencyEstimate(value, value, value);
        var draws = _bootstrap.Select(statistic).Order().ToArray();
        var tail = (1 - IntervalLevel) / 2;
        var lo = RobustStats.Quantile(draws, tail);
        var hi = RobustStats.Quantile(draws, 1 - tail);
        // A new measurement also carries the residual noise: widen on the log scale by z·sd.
        var widen = Math.Exp(_z * _residualSd);
        return new LatencyEstimate(value, Math.Min(lo, value) / widen, Math.Max(hi, value) * widen);
    }

    /// <summary>
    /// The server count to keep: among the counts whose error is statistically indistinguishable from the
    /// best (SSE within <see cref="AmbiguityTolerance"/>·s² of it, s² = SSE_best/(n − 4), a likelihood-ratio
    /// bound), the one with the highest knee. Below half the knee, few servers with a near knee and many with a
    /// far one can fit equally well; the far-knee reading predicts the least queueing the data allows, and its
    /// errors past the data are bounded, while a knee placed too near sends predictions to infinity.
    /// </summary>
    private static (QueueModel Model, double Sse) Choose(List<(QueueModel Model, double Sse)> fits, int statistics)
    {
        var best = fits.MinBy(f => f.Sse);
        var s2 = best.Sse / Math.Max(1, statistics - 4);
        return fits.Where(f => f.Sse <= best.Sse + AmbiguityTolerance * s2).MaxBy(f => f.Model.SaturationLoad);
    }

    /// <summary>χ²₁ at 99%: how far (in residual variances) a server count's error may sit above the best and still count as a fit.</summary>
    private const double AmbiguityTolerance = 6.63;

    private static QueueModel[] Bootstrap(QueueModel best, LatencyObservation[] data, List<double> residuals, LatencyFitOptions options)
    {
        if (options.BootstrapResamples <= 0) return [];
        var random = new Random(options.Seed);
        var result = new QueueModel[options.BootstrapResamples];
        var draw = new double[residuals.Count];
        for (var b = 0; b < result.Length; b++)
        {
            for (var i = 0; i < draw.Length; i++) draw[i] = residuals[random.Next(residuals.Count)];
            var resampled = LatencyFitter.Perturb(best, data, draw);
            var fitter = new LatencyFitter(resampled, options.EstimateOverhead);
            result[b] = fitter.FitServers(best.Servers, fitter.Coordinates(best)).Model;
        }
        return result;
    }

    private static string? Problem(IReadOnlyList<LatencyObservation> observations)
    {
        for (var i = 0; i < observations.Count; i++)
        {
            var o = observations[i];
            if (!(double.IsFinite(o.ArrivalRate) && o.ArrivalRate > 0)) return $"observation {i}: the arrival rate must be a positive number (got {o.ArrivalRate})";
            if (!double.IsFinite(o.Mean) && !double.IsFinite(o.P95) && !double.IsFinite(o.P99)) return $"observation {i}: needs at least one of mean, p95, p99 latency";
            foreach (var (name, v) in new[] { ("mean", o.Mean), ("p95", o.P95), ("p99", o.P99) })
                if (!double.IsNaN(v) && !(double.IsFinite(v) && v > 0)) return $"observation {i}: {name} latency must be a positive number or NaN (got {v})";
        }
        var loads = observations.Select(o => o.ArrivalRate).Distinct().Count();
        if (loads < 3) return $"the queue model needs observations at 3 or more distinct loads to separate service time from queueing (got {loads})";
        return null;
    }
}
