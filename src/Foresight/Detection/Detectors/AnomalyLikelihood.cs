using Foresight.Detection.State;

namespace Foresight.Detection;

/// <summary>
/// Parameters of <see cref="AnomalyLikelihood"/>. The defaults are Numenta's (NuPIC
/// <c>anomaly_likelihood.py</c>, used for the paper's NAB results).
/// </summary>
public sealed record AnomalyLikelihoodOptions
{
    /// <summary>The defaults, one instance shared by every detector built without options (a record cannot change, so sharing is safe).</summary>
    internal static AnomalyLikelihoodOptions Default { get; } = new();

    /// <summary>Initial raw scores ignored for estimation while the wrapped detector learns (288, a day of 5-minute data).</summary>
    public int LearningPeriod { get; init; } = 288;

    /// <summary>Averaged scores gathered after the learning period before the first estimate (100).</summary>
    public int EstimationSamples { get; init; } = 100;

    /// <summary>
    /// Long window W of averaged scores from which μ and σ are estimated (8640, a month of 5-minute data, NuPIC's).
    /// The window is kept as blocks of <see cref="HistoricBlock"/> points (see <see cref="AnomalyLikelihood"/>),
    /// so it holds the last ⌈W / block⌉ closed blocks and the open one: 11 blocks, 8,800 to 9,500 points by default,
    /// never fewer than W.
    /// </summary>
    public int HistoricWindow { get; init; } = 8640;

    /// <summary>Points between re-estimations of μ and σ (100).</summary>
    public int ReestimationPeriod { get; init; } = 100;

    /// <summary>
    /// Averaged scores summarised by one block of the historic window (800; see <see cref="AnomalyLikelihood"/>): a block
    /// closes at the first re-estimation at which it holds at least this many, so it holds a whole number of
    /// re-estimation periods. The window keeps ⌈W / block⌉ closed blocks plus the open one. Chosen for memory, not tuned:
    /// 11 blocks instead of 87 (88 bytes instead of 696 per likelihood); NAB in docs/detection.md, "Memory".
    /// </summary>
    public int HistoricBlock { get; init; } = 800;

    /// <summary>
    /// Short moving-average window W′ over the raw scores (10). The window keeps each raw score, clamped to [0, 1], in
    /// units of 1/65,535 (2 bytes) and their sum as an integer, so the average carries no rounding drift; the ensemble's
    /// 30-point windows cost 60 bytes instead of 240 (NAB standard 72.9283 → 72.9133 at the tuned θ, θ = 0.5 unchanged).
    /// </summary>
    public int AveragingWindow { get; init; } = 10;

    /// <summary>Lower bound on the estimated mean (0.03), so that near-zero raw scores do not make the slightest blip red.</summary>
    public double MinMean { get; init; } = 0.03;

    /// <summary>Lower bound on the estimated variance (0.0003).</summary>
    public double MinVariance { get; init; } = 0.0003;

    /// <summary>
    /// When true, a tail probability at or below 10⁻⁵ ("red") that directly follows another red one is
    /// raised to 10⁻³ ("yellow"): NuPIC's <c>_filterLikelihoods</c>, which reports a run of reds once.
    /// </summary>
    public bool SuppressConsecutiveRed { get; init; }
}

/// <summary>
/// Numenta's anomaly likelihood (Ahmad, Lavin, Purdy &amp; Agha, "Unsupervised real-time anomaly
/// detection for streaming data", Neurocomputing 262, 2017, §3.3), wrapped around any
/// <see cref="IStreamingDetector"/>. The wrapped detector's raw scores are averaged over a short
/// window W′ = 10; the averages over a long window W are modelled as a Gaussian N(μ, σ²)
/// (re-estimated every 100 points, with μ ≥ 0.03 and σ² ≥ 0.0003), and the likelihood is
/// L = 1 − Q((μ̃ − μ)/σ), Q the Gaussian upper tail. It turns "how unusual is this raw score" into
/// "how unusual is this score for this series", which puts different detectors and series on one
/// scale. <see cref="Update"/> returns a log-likelihood score, <see cref="ScoreFromLogTail"/>, which
/// orders points like L but keeps resolution near L = 1 (0.5 ↔ Q = 10⁻⁵); unlike NuPIC's
/// ln(Q + 10⁻¹⁰)/ln(10⁻¹⁰) it does not saturate, so the strongest alarms stay distinguishable.
/// Cost per point is O(1) amortised (a sum over the window's blocks every re-estimation period).
/// <para>Memory: NuPIC keeps the W averages themselves. Here the averages are summarised in blocks that end where
/// an estimate is made (the first holds the <see cref="AnomalyLikelihoodOptions.EstimationSamples"/> averages
/// before the first estimate, each later one the <see cref="AnomalyLikelihoodOptions.ReestimationPeriod"/>
/// averages between two estimates), each kept as count, mean and M2 and combined by Chan, Golub &amp; LeVeque's
/// pairwise formula (<see cref="BlockedMoments"/>). Every estimate then sees exactly the averages of its last
/// ⌈W / period⌉ blocks: with the defaults the same values NuPIC's window holds until 8,640 points have been
/// averaged, and afterwards the last 8,700 (W rounded up to whole blocks, so the window is never shorter
/// than the month NuPIC keeps) rather than 8,640. That is 87 blocks of 8 bytes instead of 8,640 doubles:
/// about 0.7 KB per likelihood instead of 69 KB. Since then a block spans <see cref="AnomalyLikelihoodOptions.HistoricBlock"/>
/// averages (800, eight re-estimation periods) and an estimate combines the closed blocks with the open one, so the
/// window holds 8,800 to 9,500 averages in 11 blocks (88 bytes); NAB standard 73.1653 → 72.9283 (tuned θ),
/// 72.6359 → 72.4938 (θ = 0.5); blocks of 200 scored 72.9294 and 72.5410. The short window W′ holds raw scores at a resolution of
/// 1/65,535 (<see cref="AnomalyLikelihoodOptions.AveragingWindow"/>). Before that, on NAB (Release, ensemble defaults; measured together
/// with the bounded context tables of <see cref="EnsembleOptions.ContextMaxEntries"/>, not separately) the standard
/// score went from 72.4434 to 72.3009 (1,024-entry tables) and 73.1653 (512) at the tuned threshold, and from
/// 72.1294 to 71.8732 and 72.6359 at θ = 0.5.</para>
/// </summary>
public sealed class AnomalyLikelihood : IStreamingDetector, IRestorableState
{
    private static readonly double LogRed = Math.Log(1e-5);
    private static readonly double LogYellow = Math.Log(1e-3);
    private readonly IStreamingDetector _inner;
    private readonly AnomalyLikelihoodOptions _options;
    private readonly ushort[] _short; // the last W′ raw scores in units of 1/65,535, a ring from _shortHead
    private readonly BlockedMoments _historic;
    private int _shortHead, _shortCount;
    private long _shortSum; // exact: the sum of the units in the ring
    private long _seen;
    private int _sinceEstimate;
    private double _mean = double.NaN, _stdev;
    private bool _previousRed;

    /// <summary>Wraps <paramref name="inner"/>, whose raw scores should lie in [0, 1].</summary>
    public AnomalyLikelihood(IStreamingDetector inner, AnomalyLikelihoodOptions? options = null)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        _options = options ?? AnomalyLikelihoodOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.AveragingWindow, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.EstimationSamples, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.ReestimationPeriod, 1);
        _short = new ushort[_options.AveragingWindow];
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.HistoricWindow, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.HistoricBlock, 1);
        _historic = new BlockedMoments((int)Math.Ceiling((double)_options.HistoricWindow / _options.HistoricBlock));
    }

    /// <summary>The last tail probability Q (1 before the first estimate).</summary>
    public double TailProbability => Math.Exp(LogTailProbability);

    /// <summary>ln Q of the last point, computed directly so that it stays finite far in the tail (0 before the first estimate).</summary>
    public double LogTailProbability { get; private set; }

    /// <summary>The last likelihood L = 1 − Q.</summary>
    public double Likelihood => 1 - TailProbability;

    /// <summary>
    /// Maps −ln Q to a score in [0, 1) without saturating: x/(x + ln 10⁵), so Q = 10⁻⁵ scores 0.5,
    /// 10⁻¹⁰ scores 2/3 and 10⁻¹⁰⁰ scores 0.95; the order of the tail probabilities is kept.
    /// </summary>
    public static double ScoreFromLogTail(double logTail)
    {
        var x = Math.Max(0, -logTail);
        return x / (x + HalfScoreLogTail);
    }

    private static readonly double HalfScoreLogTail = Math.Log(1e5);

    /// <summary>Raw scores are averaged at a resolution of 1/65,535: 2 bytes each in the short window, summed exactly.</summary>
    private const double ScoreUnits = ushort.MaxValue;

    /// <inheritdoc />
    public double Update(long timestamp, double value)
    {
        var raw = _inner.Update(timestamp, value);
        var units = double.IsNaN(raw) ? (ushort)0 : (ushort)Math.Round(Math.Clamp(raw, 0, 1) * ScoreUnits);
        if (_shortCount < _short.Length) _shortCount++;
        else _shortSum -= _short[_shortHead];
        _short[_shortHead] = units;
        _shortSum += units;
        _shortHead = _shortHead + 1 == _short.Length ? 0 : _shortHead + 1;
        var average = (double)_shortSum / _shortCount / ScoreUnits;
        _seen++;

        double score = 0;
        LogTailProbability = 0;
        if (_seen > _options.LearningPeriod + _options.EstimationSamples)
        {
            if (_seen == _options.LearningPeriod + _options.EstimationSamples + 1 || ++_sinceEstimate >= _options.ReestimationPeriod) Estimate();
            LogTailProbability = LogUpperTail((average - _mean) / _stdev);
            var red = LogTailProbability <= LogRed;
            if (_options.SuppressConsecutiveRed && red && _previousRed) LogTailProbability = LogYellow;
            _previousRed = red;
            score = ScoreFromLogTail(LogTailProbability);
        }
        if (_seen > _options.LearningPeriod) _historic.Add(average);
        return score;
    }

    private void Estimate()
    {
        _sinceEstimate = 0;
        if (_historic.Blocks == 0 || _historic.OpenCount >= _options.HistoricBlock) _historic.Close();
        var (_, mean, variance) = _historic.Estimate();
        _mean = Math.Max(mean, _options.MinMean);
        _stdev = Math.Sqrt(Math.Max(variance, _options.MinVariance));
    }

    /// <summary>
    /// Q(z) = P(Z &gt; z) for a standard normal. Unlike NuPIC, which reflects z &lt; 0 (so an unusually
    /// quiet stretch also turns red), only raw scores above the mean count as anomalous: detectors
    /// whose normal raw score is well above zero would otherwise flag calm periods. erfc by the
    /// Chebyshev fit of Numerical Recipes §6.2 (fractional error below 1.2·10⁻⁷ everywhere).
    /// </summary>
    internal static double LogUpperTail(double z)
    {
        var x = z / Math.Sqrt(2);
        if (x < 0) return Math.Log(0.5 * (2 - Math.Exp(LogErfcPositive(-x))));
        return Math.Log(0.5) + LogErfcPositive(x);
    }

    /// <summary>ln erfc(z) for z ≥ 0, evaluated in log space so that it does not underflow.</summary>
    private static double LogErfcPositive(double z)
    {
        var t = 1 / (1 + 0.5 * z);
        return Math.Log(t) - z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
            + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
    }

    /// <summary>Writes this likelihood's state and the wrapped detector's.</summary>
    /// <exception cref="NotSupportedException">The wrapped detector's state cannot be saved.</exception>
    public void WriteState(BinaryWriter writer)
    {
        writer.WriteTag("likelihood");
        StateIo.Restorable(_inner).WriteState(writer);
        writer.Write(_short.Length);
        writer.Write(_shortCount);
        for (var i = 0; i < _shortCount; i++) writer.Write(_short[(_shortHead - _shortCount + i + 2 * _short.Length) % _short.Length]);
        _historic.WriteState(writer);
        writer.Write(_seen);
        writer.Write(_sinceEstimate);
        writer.Write(_mean);
        writer.Write(_stdev);
        writer.Write(_previousRed);
        writer.Write(LogTailProbability);
    }

    /// <inheritdoc />
    public void ReadState(BinaryReader reader)
    {
        reader.ExpectTag("likelihood");
        StateIo.Restorable(_inner).ReadState(reader);
        reader.ExpectSetting(_short.Length, "averaging window length");
        _shortCount = reader.ReadCount(_short.Length, "scores in the averaging window");
        _shortSum = 0;
        for (var i = 0; i < _shortCount; i++) _shortSum += _short[i] = reader.ReadUInt16();
        _shortHead = _shortCount % _short.Length;
        _historic.ReadState(reader, "historic window");
        _seen = reader.ReadInt64();
        _sinceEstimate = reader.ReadInt32();
        _mean = reader.ReadDouble();
        _stdev = reader.ReadDouble();
        _previousRed = reader.ReadBoolean();
        LogTailProbability = reader.ReadDouble();
    }
}
