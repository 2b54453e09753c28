using Foresight.Detection.State;

namespace Foresight.Detection;

/// <summary>Parameters of <see cref="ForecastResidual"/>.</summary>
public sealed record ForecastResidualOptions
{
    /// <summary>The defaults, one instance shared by every detector built without options (a record cannot change, so sharing is safe).</summary>
    internal static ForecastResidualOptions Default { get; } = new();

    /// <summary>Level smoothing α ∈ (0, 1).</summary>
    public double LevelRate { get; init; } = 0.2;

    /// <summary>Seasonal smoothing γ ∈ (0, 1), applied to the phase just observed.</summary>
    public double SeasonRate { get; init; } = 0.1;

    /// <summary>Smoothing of the mean absolute residual that scales the residuals, (0, 1).</summary>
    public double ScaleRate { get; init; } = 0.02;

    /// <summary>Largest daily period, in steps, for which a seasonal state is kept.</summary>
    public int MaxPeriod { get; init; } = 1440;

    /// <summary>Points before the first score.</summary>
    public int WarmUp { get; init; } = 30;

    /// <summary>The standardised residual |z| that maps to a score of 0.5; score = |z| / (|z| + ZHalf).</summary>
    public double ZHalf { get; init; } = 4.0;
}

/// <summary>
/// One-step-ahead forecast residual from additive seasonal exponential smoothing (Holt–Winters
/// without trend; Hyndman &amp; Athanasopoulos, "Forecasting: Principles and Practice", §8.3).
/// The daily period comes from the timestamps' spacing as in <see cref="SeasonalRobustZScore"/>
/// (no season when a day is not a whole number of steps). Prediction ŷ = ℓ + s[phase]; the residual
/// e = y − ŷ is standardised by 1.25 × an exponentially weighted mean absolute residual (1.25 ≈
/// √(π/2), the ratio of σ to the mean absolute deviation of a Gaussian), and the state is then
/// updated: ℓ ← ℓ + α(y − s − ℓ), s[phase] ← s + γ(y − ℓ − s). O(1) per point.
/// </summary>
public sealed class ForecastResidual : IStreamingDetector, IRestorableState
{
    private readonly ForecastResidualOptions _options;
    private readonly CycleClock _clock;
    private readonly bool _shared; // the clock is an ensemble's, observed before this member runs
    private double[] _season = [];
    private double _level = double.NaN;
    private double _scale = double.NaN;
    private int _seen;

    /// <summary>Creates the detector with the given (or default) options.</summary>
    public ForecastResidual(ForecastResidualOptions? options = null)
        : this(options, input: null)
    {
    }

    /// <summary>A member of an ensemble that reads its clock from <paramref name="input"/>.</summary>
    internal ForecastResidual(ForecastResidualOptions? options, SharedInput? input)
    {
        _options = options ?? ForecastResidualOptions.Default;
        if (input is not null && input.Clock.MaxPeriod != _options.MaxPeriod) throw new ArgumentException("The shared clock has another MaxPeriod.", nameof(input));
        _shared = input is not null;
        _clock = input?.Clock ?? new CycleClock(_options.MaxPeriod);
    }

    /// <inheritdoc />
    public double Update(long timestamp, double value)
    {
        if (!_shared) _clock.Observe(timestamp);
        if (_clock.Ready && _clock.Period > 0 && _season.Length == 0) _season = new double[_clock.Period];
        _seen++;
        if (double.IsNaN(_level))
        {
            _level = value;
            return 0;
        }
        var phase = _season.Length > 0 ? _clock.Phase(timestamp) : -1;
        var s = phase >= 0 ? _season[phase] : 0;
        var residual = value - (_level + s);
        var score = 0.0;
        if (_seen > _options.WarmUp && _scale > 0)
        {
            var z = Math.Abs(residual) / (1.25 * _scale);
            score = z / (z + _options.ZHalf);
        }
        var abs = Math.Abs(residual);
        _scale = double.IsNaN(_scale) ? abs : _scale + _options.ScaleRate * (abs - _scale);
        _scale = Math.Max(_scale, 1e-9 * (1 + Math.Abs(_level)));
        _level += _options.LevelRate * (value - s - _level);
        if (phase >= 0) _season[phase] += _options.SeasonRate * (value - _level - s);
        return score;
    }

    /// <inheritdoc />
    public void WriteState(BinaryWriter writer)
    {
        writer.WriteTag("forecast");
        if (!_shared) _clock.WriteState(writer);
        writer.WriteDoubles(_season);
        writer.Write(_level);
        writer.Write(_scale);
        writer.Write(_seen);
    }

    /// <inheritdoc />
    public void ReadState(BinaryReader reader)
    {
        reader.ExpectTag("forecast");
        if (!_shared) _clock.ReadState(reader);
        _season = reader.ReadDoubles(_options.MaxPeriod, "seasonal states");
        if (_season.Length != 0 && _season.Length != _clock.Period) throw new InvalidDataException($"{_season.Length} seasonal states for a period of {_clock.Period}.");
        _level = reader.ReadDouble();
        _scale = reader.ReadDouble();
        _seen = reader.ReadInt32();
    }
}
