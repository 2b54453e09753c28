using Foresight.Detection.State;

namespace Foresight.Detection;

/// <summary>How <see cref="Ensemble"/> combines its members' likelihoods.</summary>
public enum EnsembleCombination
{
    /// <summary>The largest member log likelihood: the ensemble is as alarmed as its most alarmed member.</summary>
    Max,

    /// <summary>
    /// Noisy-OR, 1 − Π(1 − Lᵢ): the members' tail probabilities multiply, so several moderately
    /// surprised members add up to one strong alarm (on the log scale the member scores add).
    /// </summary>
    NoisyOr,
}

/// <summary>Parameters of <see cref="Ensemble"/>.</summary>
public sealed record EnsembleOptions
{
    /// <summary>The defaults, one instance shared by every ensemble built without options (a record cannot change).</summary>
    internal static EnsembleOptions Default { get; } = new();

    /// <summary>How member likelihoods are combined.</summary>
    public EnsembleCombination Combination { get; init; } = EnsembleCombination.Max;

    /// <summary>
    /// Likelihood post-processing applied to every member's raw score: NuPIC's settings with
    /// consecutive-red suppression, except a 30-point averaging window W′ (NuPIC: 10). Chosen on the
    /// NAB development half (see <see cref="Ensemble"/>) among W′ ∈ {5, 10, 15, 20, 30} together with
    /// <see cref="RangeBreakoutFraction"/>: with fraction 0.02, W′ = 10 / 20 / 30 gave dev
    /// 67.15 / 66.64 / 67.54 (standard, tuned θ) and 58.95 / 66.36 / 66.98 at θ = 0.5; W′ = 5 collapsed (47.04).
    /// </summary>
    public AnomalyLikelihoodOptions Likelihood { get; init; } = new() { SuppressConsecutiveRed = true, AveragingWindow = 30 };

    /// <summary>
    /// When positive, a value outside [min − f·range, max + f·range] of everything seen so far scores
    /// 1 (f = this fraction; Numenta's NAB detector uses the same "spatial anomaly" rule with 0.05).
    /// 0 disables the rule. 0.02 was chosen on the NAB development half among {0, 0.01, 0.02, 0.03,
    /// 0.05, 0.10}: the rule is worth about 18 points (dev, standard, tuned θ: 49.4 without it, 67.5 at 0.02).
    /// </summary>
    public double RangeBreakoutFraction { get; init; } = 0.02;

    /// <summary>
    /// Points before the range rule applies: 200 (was 400; on NAB's shorter files 400 points reach
    /// past the probationary 15%, so the rule was off where it counts). Dev, standard, tuned θ:
    /// 400 → 60.69, 200 → 65.20 (fraction 0.05, W′ = 10); 100 and 150 score the same as 200.
    /// </summary>
    public int RangeWarmUp { get; init; } = 200;

    /// <summary>Points after a range breakout during which the range rule stays silent (0: it may fire on every new extreme).</summary>
    public int RangeBreakoutRest { get; init; }

    /// <summary>
    /// Refractory length K in points, 0 to disable: a score that does not exceed the largest combined
    /// score of the previous K points is multiplied by <see cref="RefractoryDamping"/>, so one event
    /// raises one alarm rather than a run of them (an ongoing anomaly costs false positives in NAB once
    /// its window has ended).
    /// </summary>
    public int Refractory { get; init; }

    /// <summary>Factor in [0, 1] applied to scores inside the refractory period.</summary>
    public double RefractoryDamping { get; init; } = 0.5;

    /// <summary>
    /// Rest period in points, 0 to disable: after a combined score at or above <see cref="RestLevel"/>,
    /// the next this-many scores are multiplied by <see cref="RestDamping"/> (CAD OSE's rest period:
    /// NAB credits only the first detection in a window and charges every false positive). 30 was
    /// chosen on the NAB development half among {15, 20, 25, 30, 35, 40, 50, 100, 150, 400}: dev
    /// standard (tuned θ) 69.29 / 69.56 / 69.56 / 69.74 / 68.21 / 68.21 / 66.86 at 15–50 with the
    /// default members; 100 and more lose several points.
    /// </summary>
    public int RestPeriod { get; init; } = 30;

    /// <summary>Combined score that starts a rest period, in (0, 1]: 0.5, the fixed threshold (0.52 was worse on dev: 69.08).</summary>
    public double RestLevel { get; init; } = 0.5;

    /// <summary>Factor in [0, 1] applied to scores inside a rest period.</summary>
    public double RestDamping { get; init; }

    /// <summary>
    /// <see cref="ContextNoveltyOptions.MaxEntries"/> of the two context members of the default ensemble: 512
    /// contexts and transitions, 832 bytes per member (13-bit tags allocated at once, see <see cref="ContextNovelty"/>; a standalone <see cref="ContextNovelty"/> keeps up to 2¹⁷,
    /// and on a noisy series reached ~3,300 in 3,000 points, ~100 KB as hash sets). The least recently seen are
    /// forgotten first. Whole NAB corpus, standard profile, with the likelihood's blocked window: 1,024 entries
    /// 72.3009 at the tuned θ and 71.8732 at θ = 0.5, 512 entries 73.1653 and 72.6359, against 72.4434 and 72.1294
    /// with unbounded hash sets and NuPIC's window: differences under the one point that separates neighbouring
    /// settings (see <see cref="Ensemble"/>), so the smaller table was kept for memory, not for its score. Not
    /// tuned on NAB: chosen for the memory budget (docs/detection.md, "Memory") and checked there; smaller tables
    /// were not tried.
    /// </summary>
    public int ContextMaxEntries { get; init; } = 512;
}

/// <summary>
/// Several streaming detectors, each turned into a calibrated likelihood by
/// <see cref="AnomalyLikelihood"/> (Ahmad et al., Neurocomputing 2017), combined into one score in
/// [0, 1] on the log-likelihood scale (<see cref="AnomalyLikelihood.ScoreFromLogTail"/>): by default the maximum, or a
/// noisy-OR (see <see cref="EnsembleCombination"/>). The likelihood step is what makes the
/// combination meaningful: raw scores of different detectors live on different scales, their
/// likelihoods do not. The defaults were chosen on NAB (same parameters for every file): members
/// <see cref="SeasonalRobustZScore"/>, <see cref="SpectralResidual"/>, <see cref="ContextNovelty"/> twice
/// (on first differences and on values) and <see cref="ForecastResidual"/> (<see cref="Bocpd"/> no longer changes any score once the others are
/// in, so it was dropped for speed), the maximum (the noisy-OR scored
/// lower: members that agree on ordinary noise compound it), NuPIC's consecutive-red suppression
/// a range-breakout rule after Numenta's and a rest period after each alarm after CAD OSE's.
/// Cost per point is the sum of the members' costs.
/// <para>NAB, split used for every choice since <see cref="ContextNovelty"/> was added: files sorted by
/// relative path, even indices the development half (29 files, where choices are made), odd indices the
/// held-out half (29 files, only reported). Scores are standard / low-FP / low-FN at the θ* tuned on
/// that half, then at the fixed θ = 0.5. Before (three members): dev 56.35 / 46.99 / 61.61 and
/// 53.91 / 40.95 / 59.98; held-out 64.16 / 59.72 / 67.78 and 60.63 / 45.87 / 67.09; full 58.33 /
/// 52.45 / 63.97 and 57.10 / 43.28 / 63.35. Adding <see cref="ContextNovelty"/>: dev 60.69 / 54.46 /
/// 65.05 and 52.50 / 34.70 / 60.13; held-out 68.47 / 61.98 / 72.92 and 60.55 / 39.90 / 69.46; full
/// 63.86 / 56.85 / 68.15 and 56.31 / 37.16 / 64.55. Range warm-up 200, range fraction 0.02 and
/// likelihood averaging window 30: dev 67.54 / 63.44 / 71.13 and 66.98 / 61.32 / 70.88; held-out
/// 69.04 / 62.70 / 73.30 and 68.78 / 61.73 / 73.13; full 68.10 / 62.90 / 72.13 and 67.84 / 61.52 /
/// 71.95. Rule for choosing: the best dev standard score at the tuned θ, with differences under one
/// point broken by the dev standard score at θ = 0.5 (the product runs at a fixed threshold).
/// A 30-point rest period after each alarm, <see cref="ForecastResidual"/> in and <see cref="Bocpd"/>
/// out: dev 69.74 / 65.38 / 73.27 and 69.47 / 64.83 / 73.09; held-out 69.87 / 62.98 / 74.46 and
/// 69.52 / 62.27 / 74.22; full 69.80 / 64.24 / 73.84 and 69.49 / 63.62 / 73.63. Context novelty on
/// first differences, 12 levels, order 4: dev 73.33 / 69.24 / 76.76 and 73.15 / 68.87 / 76.63;
/// held-out 70.79 / 64.15 / 75.07 and 70.53 / 63.64 / 74.90; full 72.13 / 66.83 / 75.96 and
/// 71.91 / 66.39 / 75.81. A second context member on the values (12 levels, order 4): dev
/// 74.33 / 69.87 / 77.97 and 73.96 / 69.14 / 77.72; held-out 70.35 / 63.26 / 74.78 and
/// 70.10 / 62.75 / 74.61; full 72.44 / 66.74 / 76.46 and 72.13 / 66.11 / 76.25 (kept by the rule
/// above although the held-out half lost 0.4–0.9). Neighbouring settings differ by one to two points
/// on either half, so differences of that size between settings are noise. Rejected on dev at this
/// stage: BOCPD back in (no change), without forecast residual (71.96), without spectral residual
/// (70.69), rest 20 / 45 (73.15 / 70.36), range fraction 0.03 (72.47). Bounded memory per series (the
/// likelihood's window as blocks, <see cref="AnomalyLikelihood"/>; context tables of
/// <see cref="EnsembleOptions.ContextMaxEntries"/> entries; not a tuning step): with 1,024 entries full 72.30 / 66.44 /
/// 76.36 and 71.87 / 65.57 / 76.08, held-out 70.21 / 62.92 / 74.68 and 69.55 / 61.60 / 74.25 (before: full 72.44 and
/// 72.13, held-out 70.35 and 70.10 standard); with 512 (the default) full 73.17 / 67.01 / 77.23 and 72.64 / 65.93 / 76.87.</para>
/// </summary>
public sealed class Ensemble : IStreamingDetector, IExplainingDetector, IRestorableState
{
    private readonly AnomalyLikelihood[] _members;
    private readonly string[] _names;
    private readonly double[] _lastScores;
    private bool _lastRange;
    private readonly EnsembleOptions _options;
    private double _min = double.PositiveInfinity, _max = double.NegativeInfinity;
    private readonly RingBuffer? _recent;
    private readonly SharedInput? _input; // the default members' clock and window, observed here before they run
    private long _seen;
    private int _rest;
    private int _rangeRest;

    /// <summary>
    /// The default ensemble: robust z-score, spectral residual, context novelty on differences and on
    /// values, and forecast residual, with default options.
    /// </summary>
    public Ensemble(EnsembleOptions? options = null)
        : this(DefaultInput(), options)
    {
    }

    private Ensemble(SharedInput input, EnsembleOptions? options)
        : this(DefaultMembers(options ?? EnsembleOptions.Default, input), options)
    {
        _input = input;
    }

    /// <summary>The default members' shared clock and window: the z-score's 64 recent values and the current one, of which
    /// the spectral residual's 59 are the newest (<see cref="SharedInput"/>).</summary>
    private static SharedInput DefaultInput() => new(
        Math.Max(SeasonalRobustZScoreOptions.Default.RecentWindow + 1, SpectralResidualOptions.Default.Window),
        SeasonalRobustZScoreOptions.Default.MaxPeriod);

    /// <summary>The member names of the last ensemble built: every series of the same members shares one array.</summary>
    private static string[]? s_names;

    /// <summary>The context members' options for the last bound asked for: every series shares one pair instead of two records each.</summary>
    private static ContextOptions? s_contextOptions;

    private sealed record ContextOptions(int MaxEntries, ContextNoveltyOptions Differences, ContextNoveltyOptions Values);

    private static IStreamingDetector[] DefaultMembers(EnsembleOptions options, SharedInput input)
    {
        var context = s_contextOptions;
        if (context is null || context.MaxEntries != options.ContextMaxEntries)
        {
            context = new ContextOptions(options.ContextMaxEntries, new() { MaxEntries = options.ContextMaxEntries },
                new() { Differences = false, MaxEntries = options.ContextMaxEntries });
            s_contextOptions = context;
        }
        return
        [
            new SeasonalRobustZScore(null, input), new SpectralResidual(null, input), new ContextNovelty(context.Differences),
            new ContextNovelty(context.Values), new ForecastResidual(null, input),
        ];
    }

    /// <summary>An ensemble of the given members (at least one; each must be a fresh detector owned by the ensemble).</summary>
    public Ensemble(IEnumerable<IStreamingDetector> members, EnsembleOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(members);
        _options = options ?? EnsembleOptions.Default;
        var list = members.ToList();
        _members = list.Select(m => new AnomalyLikelihood(m, _options.Likelihood)).ToArray();
        if (_members.Length == 0) throw new ArgumentException("An ensemble needs at least one member.", nameof(members));
        var names = list.Select(NameOf).ToArray();
        var shared = s_names;
        _names = shared is not null && shared.AsSpan().SequenceEqual(names) ? shared : s_names = names; // never changed, so shared
        _lastScores = new double[_members.Length];
        if (_options.Refractory > 0) _recent = new RingBuffer(_options.Refractory);
    }

    /// <inheritdoc />
    public double Update(long timestamp, double value)
    {
        _input?.Observe(timestamp, value);
        double score;
        if (_options.Combination == EnsembleCombination.Max)
        {
            score = 0;
            for (var i = 0; i < _members.Length; i++)
            {
                _lastScores[i] = _members[i].Update(timestamp, value);
                score = Math.Max(score, _lastScores[i]);
            }
        }
        else
        {
            var logTail = 0.0;
            for (var i = 0; i < _members.Length; i++)
            {
                _lastScores[i] = _members[i].Update(timestamp, value);
                logTail += _members[i].LogTailProbability;
            }
            score = AnomalyLikelihood.ScoreFromLogTail(logTail);
        }
        var range = RangeBreakout(value);
        _lastRange = range > 0;
        score = Math.Max(score, range);
        return Rest(Refract(score));
    }

    /// <summary>
    /// The members whose likelihood score reached <see cref="EnsembleOptions.RestLevel"/> on the last
    /// point (<c>zscore</c>, <c>sr</c>, <c>context</c>, <c>context-values</c>, <c>forecast</c>,
    /// <c>bocpd</c>), and <c>range</c> when the range rule fired.
    /// </summary>
    public IReadOnlyList<string> Fired
    {
        get
        {
            var fired = new List<string>();
            for (var i = 0; i < _members.Length; i++) if (_lastScores[i] >= _options.RestLevel) fired.Add(_names[i]);
            if (_lastRange) fired.Add("range");
            return fired;
        }
    }

    private static string NameOf(IStreamingDetector detector) => detector switch
    {
        SeasonalRobustZScore => "zscore",
        SpectralResidual => "sr",
        ContextNovelty c => c.Options.Differences ? "context" : "context-values",
        ForecastResidual => "forecast",
        Bocpd => "bocpd",
        WindowedGaussianDetector => "windowedgaussian",
        _ => detector.GetType().Name.ToLowerInvariant(),
    };

    private double Rest(double score)
    {
        if (_options.RestPeriod <= 0) return score;
        if (_rest > 0)
        {
            _rest--;
            return score * _options.RestDamping;
        }
        if (score >= _options.RestLevel) _rest = _options.RestPeriod;
        return score;
    }

    private double Refract(double score)
    {
        if (_recent is null) return score;
        var recentMax = 0.0;
        for (var i = 0; i < _recent.Count; i++) recentMax = Math.Max(recentMax, _recent[i]);
        _recent.Push(score);
        return score > recentMax ? score : score * _options.RefractoryDamping;
    }

    private double RangeBreakout(double value)
    {
        if (_options.RangeBreakoutFraction <= 0) return 0;
        _seen++;
        var result = 0.0;
        if (_seen > _options.RangeWarmUp && _max > _min)
        {
            var tolerance = (_max - _min) * _options.RangeBreakoutFraction;
            if (_rangeRest > 0) _rangeRest--;
            else if (value > _max + tolerance || value < _min - tolerance)
            {
                result = 1;
                _rangeRest = _options.RangeBreakoutRest;
            }
        }
        _min = Math.Min(_min, value);
        _max = Math.Max(_max, value);
        return result;
    }

    /// <inheritdoc />
    /// <exception cref="NotSupportedException">A member's state cannot be saved.</exception>
    public void WriteState(BinaryWriter writer)
    {
        writer.WriteTag("ensemble");
        writer.Write(_members.Length);
        writer.Write(_input is not null);
        _input?.WriteState(writer);
        for (var i = 0; i < _members.Length; i++)
        {
            writer.Write(_names[i]);
            _members[i].WriteState(writer);
        }
        writer.WriteDoubles(_lastScores);
        writer.Write(_lastRange);
        writer.Write(_min);
        writer.Write(_max);
        writer.Write(_recent is not null);
        _recent?.WriteState(writer);
        writer.Write(_seen);
        writer.Write(_rest);
        writer.Write(_rangeRest);
    }

    /// <inheritdoc />
    public void ReadState(BinaryReader reader)
    {
        reader.ExpectTag("ensemble");
        reader.ExpectCount(_members.Length, "members");
        if (reader.ReadBoolean() != _input is not null) throw new InvalidDataException("the members' shared input differs from this ensemble's.");
        _input?.ReadState(reader);
        for (var i = 0; i < _members.Length; i++)
        {
            var name = reader.ReadString();
            if (name != _names[i]) throw new InvalidDataException($"member {i + 1} is '{name}' where this ensemble has '{_names[i]}'.");
            _members[i].ReadState(reader);
        }
        reader.ReadDoubles(_lastScores, "member scores");
        _lastRange = reader.ReadBoolean();
        _min = reader.ReadDouble();
        _max = reader.ReadDouble();
        if (reader.ReadBoolean() != _recent is not null) throw new InvalidDataException("the refractory setting differs from this ensemble's.");
        _recent?.ReadState(reader, "refractory window");
        _seen = reader.ReadInt64();
        _rest = reader.ReadInt32();
        _rangeRest = reader.ReadInt32();
    }
}
