using Foresight.Forecasting;

namespace Foresight.Scaling;

/// <summary>Settings of <see cref="DemandForecaster"/>.</summary>
public sealed class DemandForecasterOptions
{
    /// <summary>Level of the upper quantile that replicas are planned for (0.5..1). Default 0.93.</summary>
    public double Level { get; set; } = 0.93;

    /// <summary>How often the forecasting model is refitted; in between, its path is re-anchored on every new value. Default 1 day.</summary>
    public TimeSpan RefitEvery { get; set; } = TimeSpan.FromDays(1);

    /// <summary>History needed before the first fit. Default 1 day (and at least 24 steps).</summary>
    public TimeSpan MinHistory { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Most recent steps the model is fitted on. Default 4,100 (the forecasting grid's cap).</summary>
    public int MaxHistory { get; set; } = RegularSeries.MaxPoints;

    /// <summary>Recent one-step-to-h-step errors kept per lead for the online quantile. Default 2,016 (a week of 5-minute steps).</summary>
    public int ErrorWindow { get; set; } = 2016;

    /// <summary>Errors needed per lead before the online quantile replaces the model's own conformal band. Default 48.</summary>
    public int MinErrors { get; set; } = 48;

    /// <summary>
    /// The band's quantile is taken over the errors of targets within this many hours of the target's time of
    /// day (UTC), when there are at least <see cref="MinErrors"/> of them; a negative value or 12 or more pools the whole day.
    /// Default 1 (a three-hour window).
    /// </summary>
    public int PhaseWindowHours { get; set; } = 1;
}

/// <summary>
/// Short-horizon demand forecasts for scaling, updated on every new value of a regular series.
/// The automatic forecaster (<see cref="AutoForecaster"/>, seasonal periods detected from the
/// step) is refitted every <see cref="DemandForecasterOptions.RefitEvery"/>; between fits its path
/// is re-anchored on the latest value (the last residual carried forward with a damping factor
/// estimated online, an AR(1) on the residuals), and the upper band comes from the empirical
/// quantile of this forecaster's own recent errors at each lead, scaled by the forecast level —
/// online split-conformal prediction (Vovk et al. 2005; for adapting to drift see Gibbs &amp;
/// Candès, NeurIPS 2021), so the band tracks how wrong the forecasts have actually been lately.
/// The quantile is taken over the errors of targets at the same time of day (within
/// <see cref="DemandForecasterOptions.PhaseWindowHours"/>), a conformal band conditioned on the
/// phase of the daily cycle, so the morning ramp's misses widen the morning's band instead of
/// being diluted over the whole day.
/// </summary>
public sealed class DemandForecaster
{
    private readonly long _step;
    private readonly int _leads;
    private readonly DemandForecasterOptions _options;
    private readonly AutoForecaster _model;
    private readonly int _refitSteps;
    private readonly int _minHistory;
    private readonly List<double> _values = [];
    private long _offset;              // absolute index of _values[0]
    private long _lastTimestamp = long.MinValue;

    private double[] _path = [];       // model mean, absolute index _pathStart + i
    private double[] _pathBand = [];   // model's own upper-minus-mean band
    private long _pathStart = -1;
    private double _sxy, _sxx;         // decayed sums for the residual AR(1) factor
    private double _previousResidual = double.NaN;

    // Point-forecast variants scored against each other on their recent errors: the model's path,
    // the path smoothed over neighbouring steps, the local level alone (one-hour half-life), and the
    // recent level (15-minute half-life), which follows bursts that persist for a few steps.
    private const int Variants = 4;
    private static readonly string[] VariantNames = ["path", "smoothed path", "level", "recent level"];
    private readonly Queue<(double Error, int Hour)>[][] _errors;   // [variant][lead]: scaled error and the UTC hour of day of its target step
    private long _appendTime;
    private readonly int[] _chosen;                            // variant used per lead
    private double[] _smoothPath = [];
    private readonly Dictionary<long, (double[][] Mean, double[] Scale)> _issued = new();  // origin index -> point forecasts per variant and lead, error scales per lead
    private readonly Queue<(double[] Errors, int Hour)> _joint = new();   // per completed origin: scaled errors [variant * leads + lead], the UTC hour of its first target
    private DemandOutlook? _outlook;

    /// <summary>Creates a forecaster for a series on a grid of <paramref name="step"/> ms, forecasting <paramref name="leads"/> steps ahead.</summary>
    public DemandForecaster(long step, int leads, DemandForecasterOptions? options = null, AutoForecaster? model = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(leads, 1);
        _step = step;
        _leads = leads;
        _options = options ?? new DemandForecasterOptions();
        if (!(_options.Level >= 0.5 && _options.Level < 1)) throw new ArgumentOutOfRangeException(nameof(options), _options.Level, "the level must be in [0.5, 1)");
        _model = model ?? CreateModel();
        _refitSteps = (int)Math.Max(1, _options.RefitEvery.TotalMilliseconds / step);
        _minHistory = (int)Math.Max(24, _options.MinHistory.TotalMilliseconds / step);
        _errors = new Queue<(double, int)>[Variants][];
        for (var v = 0; v < Variants; v++)
        {
            _errors[v] = new Queue<(double, int)>[leads];
            for (var i = 0; i < leads; i++) _errors[v][i] = new Queue<(double, int)>();
        }
        _chosen = new int[leads];
    }

    /// <summary>
    /// The automatic forecaster over the forecasting capability's seasonal candidates plus
    /// non-seasonal AutoETS, which wins the cross-validation on demand that is mostly noise
    /// (where a seasonal profile estimated from a few noisy cycles only adds noise).
    /// </summary>
    public static AutoForecaster CreateModel() =>
        new([.. ForecastModels.CreateAuto().Candidates, new AutoEts { AllowUndampedTrend = false, MaxSeasonalPeriod = 0 }], new AutoForecasterOptions { Name = "scaling" });

    /// <summary>Grid step, ms.</summary>
    public long Step => _step;

    /// <summary>Steps forecast ahead.</summary>
    public int Leads => _leads;

    /// <summary>Values observed so far.</summary>
    public long Count => _offset + _values.Count;

    /// <summary>What the last fit chose (e.g. <c>mean of mstl-ets, snaive</c>), or null before the first fit.</summary>
    public string? ModelDescription { get; private set; }

    /// <summary>The forecast from the latest value, or null before there is enough history.</summary>
    public DemandOutlook? Outlook => _outlook;

    /// <summary>
    /// Adds the value of the grid step starting at <paramref name="timestamp"/> (later than the last
    /// one; skipped steps are filled by linear interpolation) and updates the forecast.
    /// </summary>
    public void Observe(long timestamp, double value)
    {
        if (!double.IsFinite(value)) return;
        if (_lastTimestamp != long.MinValue)
        {
            if (timestamp <= _lastTimestamp) throw new ArgumentException($"timestamp {timestamp} is not after the last one ({_lastTimestamp})", nameof(timestamp));
            var missing = (int)Math.Min(_options.MaxHistory, (timestamp - _lastTimestamp) / _step - 1);
            var last = _values[^1];
            for (var i = 1; i <= missing; i++)
            {
                _appendTime = _lastTimestamp + i * _step;
                Append(last + (value - last) * i / (missing + 1.0));
            }
        }
        _appendTime = timestamp;
        Append(value);
        _lastTimestamp = timestamp;

        var n = Count;
        if (_values.Count < _minHistory) { _outlook = null; return; }
        if (_pathStart < 0 || n - _pathStart >= _refitSteps || n + _leads > _pathStart + _path.Length) Refit();
        _outlook = Forecast(n);
    }

    private void Append(double value)
    {
        var index = Count;
        var alpha = 1 - Math.Pow(0.5, 1.0 / Math.Max(3.0, 3_600_000.0 / _step));   // half-life one hour, at least 3 steps
        _level = double.IsNaN(_level) ? value : _level + alpha * (value - _level);
        var fast = 1 - Math.Pow(0.5, 1.0 / Math.Max(1.0, 900_000.0 / _step));      // half-life 15 minutes, at least 1 step
        _recentLevel = double.IsNaN(_recentLevel) ? value : _recentLevel + fast * (value - _recentLevel);
        ScoreIssued(index, value);
        _values.Add(value);
        UpdateResidualFactor(index, value);
        if (_values.Count > 2 * _options.MaxHistory)
        {
            var drop = _values.Count - _options.MaxHistory;
            _values.RemoveRange(0, drop);
            _offset += drop;
        }
    }

    private void ScoreIssued(long index, double actual)
    {
        for (var lead = 0; lead < _leads; lead++)
        {
            if (!_issued.TryGetValue(index - lead, out var forecast)) continue;
            for (var v = 0; v < Variants; v++)
            {
                var queue = _errors[v][lead];
                queue.Enqueue(((actual - forecast.Mean[v][lead]) / forecast.Scale[lead], HourOf(_appendTime)));
                while (queue.Count > _options.ErrorWindow) queue.Dequeue();
            }
        }
        if (_issued.Remove(index - _leads + 1, out var complete)) KeepJoint(index - _leads + 1, complete, actual);
    }

    /// <summary>
    /// Keeps the errors a forecast made at all its leads, once the last of them is known (one row per origin,
    /// every variant's), for <see cref="DemandOutlook.JointErrors"/>; <paramref name="last"/> is the last lead's actual.
    /// </summary>
    private void KeepJoint(long origin, (double[][] Mean, double[] Scale) forecast, double last)
    {
        var row = new double[Variants * _leads];
        for (var lead = 0; lead < _leads; lead++)
        {
            var target = origin + lead;
            var actual = lead == _leads - 1 ? last : _values[(int)(target - _offset)];
            for (var v = 0; v < Variants; v++) row[v * _leads + lead] = (actual - forecast.Mean[v][lead]) / forecast.Scale[lead];
        }
        _joint.Enqueue((row, HourOf(_appendTime - (_leads - 1) * _step)));
        while (_joint.Count > _options.ErrorWindow) _joint.Dequeue();
    }

    /// <summary>
    /// The joint rows for the variants chosen per lead, flattened (<see cref="DemandOutlook.JointErrors"/>): those whose
    /// first target is within <see cref="DemandForecasterOptions.PhaseWindowHours"/> of <paramref name="hour"/>, or all
    /// when fewer than <see cref="DemandForecasterOptions.MinErrors"/> are; null when there are too few rows.
    /// </summary>
    private double[]? JointRows(int hour)
    {
        if (_joint.Count < _options.MinErrors) return null;
        var near = NearInPhase(_joint, hour);
        var rows = new double[(near < 0 ? _joint.Count : near) * _leads];
        var r = 0;
        foreach (var (errors, h) in _joint)
        {
            if (near >= 0 && !InPhase(h, hour)) continue;
            for (var lead = 0; lead < _leads; lead++) rows[r * _leads + lead] = errors[_chosen[lead] * _leads + lead];
            r++;
        }
        return rows;
    }

    /// <summary>
    /// How many of <paramref name="items"/> fall within <see cref="DemandForecasterOptions.PhaseWindowHours"/> of
    /// <paramref name="hour"/>, or -1 when the whole day is pooled instead: the window is off, or fewer than
    /// <see cref="DemandForecasterOptions.MinErrors"/> items are in it.
    /// </summary>
    private int NearInPhase<T>(Queue<(T Item, int Hour)> items, int hour)
    {
        var window = _options.PhaseWindowHours;
        if (window < 0 || window >= 12) return -1;
        var near = 0;
        foreach (var (_, h) in items) if (InPhase(h, hour)) near++;
        return near < _options.MinErrors ? -1 : near;
    }

    private bool InPhase(int h, int hour) => Math.Min(Math.Abs(h - hour), 24 - Math.Abs(h - hour)) <= _options.PhaseWindowHours;

    private void UpdateResidualFactor(long index, double value)
    {
        if (index < _pathStart || index >= _pathStart + _path.Length) { _previousResidual = double.NaN; return; }
        var residual = value - _path[index - _pathStart];
        if (double.IsFinite(_previousResidual))
        {
            const double decay = 0.995;
            _sxy = decay * _sxy + _previousResidual * residual;
            _sxx = decay * _sxx + _previousResidual * _previousResidual;
        }
        _previousResidual = residual;
    }

    private void Refit()
    {
        var history = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_values);
        if (history.Length > _options.MaxHistory) history = history[^_options.MaxHistory..];
        var seasons = SeasonalityDetector.Detect(history, SeasonalityDetector.CandidatesFor(TimeSpan.FromMilliseconds(_step)));
        var horizon = _refitSteps + _leads;
        var outcome = _model.Run(history, horizon, seasons, [_options.Level]);
        _path = outcome.Mean;
        _pathBand = new double[horizon];
        for (var h = 0; h < horizon; h++) _pathBand[h] = Math.Max(0, outcome.QuantileValues[0][h] - outcome.Mean[h]);
        var half = Math.Max(1, _leads / 2);
        _smoothPath = new double[horizon];
        for (var h = 0; h < horizon; h++)
        {
            double sum = 0;
            var count = 0;
            for (var j = Math.Max(0, h - half); j <= Math.Min(horizon - 1, h + half); j++) { sum += _path[j]; count++; }
            _smoothPath[h] = sum / count;
        }
        _pathStart = Count;
        _previousResidual = double.NaN;
        ModelDescription = outcome.Description;
    }

    private DemandOutlook Forecast(long n)
    {
        // Residual of the latest value against each path, carried forward with factor phi per step.
        var lastIndex = n - 1;
        var inPath = lastIndex >= _pathStart;
        var residual = inPath ? _values[^1] - _path[lastIndex - _pathStart] : 0;
        var smoothResidual = inPath ? _values[^1] - _smoothPath[lastIndex - _pathStart] : 0;
        var phi = _sxx > 0 ? Math.Clamp(_sxy / _sxx, 0, 1) : 0.5;
        if (n % 12 == 0) ChooseVariants();

        var means = new double[Variants][];
        for (var v = 0; v < Variants; v++) means[v] = new double[_leads];
        var mean = new double[_leads];
        var upper = new double[_leads];
        var scales = new double[_leads];
        var samples = new double[_leads][];
        var carry = 1.0;
        for (var lead = 0; lead < _leads; lead++)
        {
            carry *= phi;
            var at = n + lead - _pathStart;
            means[0][lead] = _path[at] + carry * residual;
            means[1][lead] = _smoothPath[at] + carry * smoothResidual;
            means[2][lead] = _level;
            means[3][lead] = _recentLevel;
            scales[lead] = Scale(_level);

            var chosen = _chosen[lead];
            var m = means[chosen][lead];
            var errors = _errors[chosen][lead];
            samples[lead] = errors.Count >= _options.MinErrors ? PhaseErrors(errors, HourOf(_lastTimestamp + (lead + 1) * _step)) : [];
            var band = samples[lead].Length > 0
                ? scales[lead] * ConformalIntervals.EmpiricalQuantile(samples[lead], _options.Level)
                : _pathBand[at];
            mean[lead] = m;
            upper[lead] = Math.Max(m, m + band);
        }
        _issued[n] = (means, scales);
        var surprise = double.NaN;
        if (_outlook is { } previous && previous.Start == _lastTimestamp)
        {
            var width = previous.Upper[0] - previous.Mean[0];
            surprise = (_values[^1] - previous.Mean[0]) / Math.Max(width, 1e-9 * Math.Max(1, Math.Abs(previous.Mean[0])));
        }
        // Surprise of the last two values: the smaller, so one outlier is not a burst.
        var sustained = Math.Min(surprise, _lastSurprise);
        _lastSurprise = surprise;
        return new DemandOutlook(_lastTimestamp + _step, _step, mean, upper, _options.Level, double.IsNaN(surprise) ? double.NaN : sustained)
        {
            Errors = samples,
            ErrorScale = scales,
            JointErrors = JointRows(HourOf(_lastTimestamp + _step)),
        };
    }

    /// <summary>
    /// Per lead, the variant whose recent errors give the sharpest upper quantile: the lowest mean
    /// pinball (quantile) loss at the planning level, the proper scoring rule for a quantile
    /// (Gneiting &amp; Raftery, JASA 2007). The model's path wins on smooth seasonal demand; the
    /// level alone wins when the demand is mostly noise, the recent level when bursts last a few steps.
    /// </summary>
    private void ChooseVariants()
    {
        var tau = _options.Level;
        for (var lead = 0; lead < _leads; lead++)
        {
            var best = double.PositiveInfinity;
            for (var v = 0; v < Variants; v++)
            {
                var errors = _errors[v][lead];
                if (errors.Count < _options.MinErrors) continue;
                var sorted = Sorted(errors);
                var q = ConformalIntervals.EmpiricalQuantile(sorted, tau);
                double loss = 0;
                foreach (var e in sorted) loss += e >= q ? tau * (e - q) : (1 - tau) * (q - e);
                loss /= sorted.Length;
                if (loss < best) { best = loss; _chosen[lead] = v; }
            }
        }
    }

    /// <summary>Name of the point forecast used at the first lead (path, smoothed path or level).</summary>
    public string Variant => VariantNames[_chosen[0]];

    private static double[] Sorted(Queue<(double Error, int Hour)> errors)
    {
        var sorted = new double[errors.Count];
        var i = 0;
        foreach (var (e, _) in errors) sorted[i++] = e;
        Array.Sort(sorted);
        return sorted;
    }

    /// <summary>
    /// The errors of targets within <see cref="DemandForecasterOptions.PhaseWindowHours"/> of <paramref name="hour"/>
    /// (circularly, UTC), sorted, when there are at least <see cref="DemandForecasterOptions.MinErrors"/> of them; else all
    /// errors. Demand's errors depend on the time of day (the morning ramp is missed more than the night), and
    /// pooling them would spread the ramp's rare large errors over the whole day.
    /// </summary>
    private double[] PhaseErrors(Queue<(double Error, int Hour)> errors, int hour)
    {
        var near = NearInPhase(errors, hour);
        if (near < 0) return Sorted(errors);
        var sorted = new double[near];
        var i = 0;
        foreach (var (e, h) in errors)
            if (InPhase(h, hour)) sorted[i++] = e;
        Array.Sort(sorted);
        return sorted;
    }

    private static int HourOf(long timestampMs) => (int)(((timestampMs % 86_400_000) + 86_400_000) % 86_400_000 / 3_600_000);

    /// <summary>
    /// Errors are relative to the local level of demand (noise grows with demand): an exponentially
    /// weighted mean with a one-hour half-life, which is smooth even when single values are not,
    /// floored at a tenth of the recent mean so near-zero levels do not blow the errors up.
    /// </summary>
    private double Scale(double level)
    {
        var floor = Math.Max(1e-9, 0.1 * RecentMeanAbs());
        return Math.Max(Math.Abs(level), floor);
    }

    private double _level = double.NaN;
    private double _recentLevel = double.NaN;
    private double _lastSurprise = double.NaN;
    private double _recentMean = double.NaN;
    private long _recentMeanAt = -1;

    private double RecentMeanAbs()
    {
        if (_recentMeanAt == Count) return _recentMean;
        var take = Math.Min(_values.Count, 1000);
        double sum = 0;
        for (var i = _values.Count - take; i < _values.Count; i++) sum += Math.Abs(_values[i]);
        _recentMeanAt = Count;
        return _recentMean = take == 0 ? 0 : sum / take;
    }
}
