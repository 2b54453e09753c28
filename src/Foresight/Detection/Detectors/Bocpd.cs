using Foresight.Detection.State;

namespace Foresight.Detection;

/// <summary>Parameters of <see cref="Bocpd"/>.</summary>
public sealed record BocpdOptions
{
    /// <summary>The defaults, one instance shared by every detector built without options (a record cannot change, so sharing is safe).</summary>
    internal static BocpdOptions Default { get; } = new();

    /// <summary>Expected run length λ between changepoints; the constant hazard is 1/λ. Range 10–10⁶.</summary>
    public double ExpectedRunLength { get; init; } = 250;

    /// <summary>Run-length hypotheses kept (R); the least probable is dropped when a step adds one. Range 4–1000.</summary>
    public int MaxHypotheses { get; init; } = 40;

    /// <summary>Run lengths (points since the changepoint, the new point included) counted as "short" by the score, ≥ 1.</summary>
    public int ShortRun { get; init; } = 1;

    /// <summary>Pseudo-observations κ₀ behind the prior mean of a new segment, &gt; 0.</summary>
    public double PriorKappa { get; init; } = 1.0;

    /// <summary>Prior shape α₀ of the inverse-gamma on the variance, &gt; 0.</summary>
    public double PriorAlpha { get; init; } = 1.0;

    /// <summary>Smoothing rate of the running mean and variance that centre and scale the prior of a new segment, (0, 1).</summary>
    public double PriorRate { get; init; } = 0.01;

    /// <summary>Points used only to initialise the running mean and variance; the detector returns 0 for them.</summary>
    public int WarmUp { get; init; } = 30;
}

/// <summary>
/// Bayesian online changepoint detection (Adams &amp; MacKay, "Bayesian Online Changepoint
/// Detection", arXiv:0710.3742, 2007) with a Normal–inverse-gamma conjugate model: within a segment
/// x ~ N(μ, σ²), (μ, σ²) ~ NIG(μ₀, κ₀, α₀, β₀), so the predictive of each run-length hypothesis is a
/// Student-t with 2α degrees of freedom. A constant hazard H = 1/λ splits each hypothesis' mass into
/// growth (1 − H) and change (H); here a change at step t means x_t opens the new segment, so it is
/// judged under the prior predictive and a surprising point moves mass to the short run at once.
/// The prior of a new segment is centred on an exponentially weighted running mean of the series,
/// with β₀ = α₀ times its running variance (empirical Bayes, which makes the detector scale-free).
/// Memory is bounded by keeping at most R hypotheses (the least probable is dropped and the rest
/// renormalised), so each step costs O(R). Score = posterior mass of run lengths ≤ ShortRun.
/// </summary>
public sealed class Bocpd : IStreamingDetector, IRestorableState
{
    private readonly BocpdOptions _options;
    private readonly double _hazard;
    private readonly int[] _run;
    private readonly double[] _mu, _kappa, _alpha, _beta, _mass, _logLik;
    private int _count;
    private int _seen;
    private double _mean, _variance;

    /// <summary>Creates the detector with the given (or default) options.</summary>
    public Bocpd(BocpdOptions? options = null)
    {
        _options = options ?? BocpdOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxHypotheses, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.ExpectedRunLength, 1.0);
        _hazard = 1.0 / _options.ExpectedRunLength;
        var r = _options.MaxHypotheses + 1;
        _run = new int[r];
        _mu = new double[r];
        _kappa = new double[r];
        _alpha = new double[r];
        _beta = new double[r];
        _mass = new double[r];
        _logLik = new double[r];
    }

    /// <summary>The current run-length posterior: (points in the current segment, probability) per kept hypothesis.</summary>
    internal IEnumerable<(int RunLength, double Probability)> Posterior()
    {
        for (var i = 0; i < _count; i++) yield return (_run[i], _mass[i]);
    }

    /// <inheritdoc />
    public double Update(long timestamp, double value)
    {
        _seen++;
        if (_seen <= _options.WarmUp)
        {
            // Welford over the warm-up, then exponential smoothing from there on.
            var delta = value - _mean;
            _mean += delta / _seen;
            _variance += (delta * (value - _mean) - _variance) / _seen;
            return 0;
        }

        var priorBeta = _options.PriorAlpha * Math.Max(_variance, 1e-12 * (1 + _mean * _mean));
        var priorLik = StudentLogPdf(value, _mean, _options.PriorKappa, _options.PriorAlpha, priorBeta);
        var maxLik = priorLik;
        for (var i = 0; i < _count; i++)
        {
            _logLik[i] = StudentLogPdf(value, _mu[i], _kappa[i], _alpha[i], _beta[i]);
            maxLik = Math.Max(maxLik, _logLik[i]);
        }

        var total = 0.0;
        for (var i = 0; i < _count; i++)
        {
            _mass[i] *= (1 - _hazard) * Math.Exp(_logLik[i] - maxLik);
            total += _mass[i];
            Observe(i, value);
            _run[i]++;
        }
        // Mass before this step sums to 1 (or there was no hypothesis yet: the first segment opens).
        var change = (_count == 0 ? 1.0 : _hazard) * Math.Exp(priorLik - maxLik);
        _run[_count] = 0;
        _mu[_count] = _mean;
        _kappa[_count] = _options.PriorKappa;
        _alpha[_count] = _options.PriorAlpha;
        _beta[_count] = priorBeta;
        _mass[_count] = change;
        Observe(_count, value);
        _run[_count] = 1;
        _count++;
        total += change;
        for (var i = 0; i < _count; i++) _mass[i] /= total;
        if (_count > _options.MaxHypotheses) DropLeastProbable();

        var delta2 = value - _mean;
        _mean += _options.PriorRate * delta2;
        _variance = (1 - _options.PriorRate) * (_variance + _options.PriorRate * delta2 * delta2);

        var shortMass = 0.0;
        for (var i = 0; i < _count; i++)
            if (_run[i] <= _options.ShortRun) shortMass += _mass[i];
        return Math.Clamp(shortMass, 0, 1);
    }

    private void Observe(int i, double x)
    {
        var k = _kappa[i];
        var d = x - _mu[i];
        _beta[i] += k * d * d / (2 * (k + 1));
        _mu[i] += d / (k + 1);
        _kappa[i] = k + 1;
        _alpha[i] += 0.5;
    }

    private void DropLeastProbable()
    {
        var worst = 0;
        for (var i = 1; i < _count; i++)
            if (_mass[i] < _mass[worst]) worst = i;
        var removed = _mass[worst];
        var last = _count - 1;
        _run[worst] = _run[last];
        _mu[worst] = _mu[last];
        _kappa[worst] = _kappa[last];
        _alpha[worst] = _alpha[last];
        _beta[worst] = _beta[last];
        _mass[worst] = _mass[last];
        _count = last;
        var keep = 1 - removed;
        for (var i = 0; i < _count; i++) _mass[i] /= keep;
    }

    /// <summary>Log density at x of the NIG posterior predictive: Student-t, ν = 2α, location μ, scale² = β(κ+1)/(ακ).</summary>
    internal static double StudentLogPdf(double x, double mu, double kappa, double alpha, double beta)
    {
        var scale2 = beta * (kappa + 1) / (alpha * kappa);
        var d = x - mu;
        return LogGammaHalfRatio(alpha) - 0.5 * Math.Log(2 * alpha * Math.PI * scale2)
            - (alpha + 0.5) * Math.Log(1 + d * d / (2 * alpha * scale2));
    }

    /// <summary>ln Γ(a + ½) − ln Γ(a) for a &gt; 0: the asymptotic series for a ≥ 8, shifted up by the recurrence below.</summary>
    internal static double LogGammaHalfRatio(double a)
    {
        var shift = 0.0;
        while (a < 8)
        {
            // Γ(a+½)/Γ(a) = Γ(a+1+½)/Γ(a+1) · a/(a+½)
            shift += Math.Log(a / (a + 0.5));
            a += 1;
        }
        var inv = 1 / a;
        return shift + 0.5 * Math.Log(a) - inv / 8 + inv * inv * inv / 192;
    }

    /// <inheritdoc />
    public void WriteState(BinaryWriter writer)
    {
        writer.WriteTag("bocpd");
        writer.Write(_count);
        for (var i = 0; i < _count; i++)
        {
            writer.Write(_run[i]);
            writer.Write(_mu[i]);
            writer.Write(_kappa[i]);
            writer.Write(_alpha[i]);
            writer.Write(_beta[i]);
            writer.Write(_mass[i]);
        }
        writer.Write(_seen);
        writer.Write(_mean);
        writer.Write(_variance);
    }

    /// <inheritdoc />
    public void ReadState(BinaryReader reader)
    {
        reader.ExpectTag("bocpd");
        _count = reader.ReadCount(_options.MaxHypotheses, "run-length hypotheses");
        for (var i = 0; i < _count; i++)
        {
            _run[i] = reader.ReadInt32();
            _mu[i] = reader.ReadDouble();
            _kappa[i] = reader.ReadDouble();
            _alpha[i] = reader.ReadDouble();
            _beta[i] = reader.ReadDouble();
            _mass[i] = reader.ReadDouble();
        }
        _seen = reader.ReadInt32();
        _mean = reader.ReadDouble();
        _variance = reader.ReadDouble();
    }
}
