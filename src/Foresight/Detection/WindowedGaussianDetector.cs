using Foresight.Detection.State;
using Foresight.Numerics;

namespace Foresight.Detection;

/// <summary>Settings of <see cref="WindowedGaussianDetector"/>.</summary>
public sealed class WindowedGaussianOptions
{
    /// <summary>Values the Gaussian is fitted to, at most (NAB: 6400). At least 1.</summary>
    public int WindowSize { get; set; } = 6400;

    /// <summary>Once the window is full, it slides in steps of this many values (NAB: 100), 1..<see cref="WindowSize"/>.</summary>
    public int StepSize { get; set; } = 100;
}

/// <summary>
/// NAB's "windowedGaussian" baseline (Lavin &amp; Ahmad, "Evaluating Real-time Anomaly Detection
/// Algorithms – the Numenta Anomaly Benchmark", ICMLA 2015; 39.65 standard on NAB v1.1): a Gaussian
/// fitted to a window of past values scores each new value by how far into its tail it falls.
/// </summary>
/// <remarks>
/// <para>The score of x is 1 − Q(|x − μ|/σ), where Q is the upper tail of the standard normal and
/// μ, σ the mean and population standard deviation of the window (σ = 0 is replaced by 1e-6): 0.5
/// at the mean, approaching 1 far from it, and exactly 1 beyond about 8.3σ. The first value scores 0.</para>
/// <para>As in NAB, the window grows one value at a time up to <see cref="WindowedGaussianOptions.WindowSize"/>
/// with the fit refreshed after each; after that, values are buffered and the window slides forward
/// by <see cref="WindowedGaussianOptions.StepSize"/> at once, refitting only then. The fit is
/// incremental while growing and a two-pass refit per step, so the cost per point is O(1) amortized
/// (O(W/step) per point at the worst).</para>
/// </remarks>
public sealed class WindowedGaussianDetector : IStreamingDetector, IRestorableState
{
    private readonly int _windowSize;
    private readonly int _stepSize;
    private readonly double[] _window;   // ring buffer of the window
    private readonly double[] _step;
    private int _count;                  // values in the window
    private int _head;                   // index of the oldest value once full
    private int _pending;                // values in _step
    private double _mean;
    private double _m2;                  // Welford's sum of squared deviations while growing
    private double _std = 1.0;

    /// <summary>Creates a detector with NAB's settings, or <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range.</exception>
    public WindowedGaussianDetector(WindowedGaussianOptions? options = null)
    {
        options ??= new WindowedGaussianOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.WindowSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.StepSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.StepSize, options.WindowSize);
        _windowSize = options.WindowSize;
        _stepSize = options.StepSize;
        _window = new double[_windowSize];
        _step = new double[_stepSize];
    }

    /// <summary>The registry name, <c>windowedgaussian</c>.</summary>
    public const string Name = "windowedgaussian";

    /// <inheritdoc />
    public double Update(long timestamp, double value)
    {
        var score = _count > 0 ? 1.0 - NormalTail.Upper(value, _mean, _std) : 0.0;
        if (_count < _windowSize)
        {
            _window[_count++] = value;
            var delta = value - _mean;
            _mean += delta / _count;
            _m2 += delta * (value - _mean);
            SetStd(Math.Sqrt(Math.Max(0, _m2) / _count));
        }
        else
        {
            _step[_pending++] = value;
            if (_pending == _stepSize)
            {
                for (var k = 0; k < _stepSize; k++)
                {
                    _window[_head] = _step[k];
                    _head = (_head + 1) % _windowSize;
                }
                _pending = 0;
                Refit();
            }
        }
        return score;
    }

    private void Refit()
    {
        var sum = 0.0;
        foreach (var v in _window) sum += v;
        _mean = sum / _windowSize;
        var squares = 0.0;
        foreach (var v in _window) squares += (v - _mean) * (v - _mean);
        SetStd(Math.Sqrt(squares / _windowSize));
    }

    private void SetStd(double std) => _std = std == 0.0 ? 0.000001 : std;

    /// <inheritdoc />
    public void WriteState(BinaryWriter writer)
    {
        writer.WriteTag(Name);
        writer.Write(_windowSize);
        writer.Write(_stepSize);
        // The window as stored, not oldest first: the refit sums it in array order.
        writer.WriteDoubles(_window.AsSpan(0, _count));
        writer.Write(_head);
        writer.WriteDoubles(_step.AsSpan(0, _pending));
        writer.Write(_mean);
        writer.Write(_m2);
        writer.Write(_std);
    }

    /// <inheritdoc />
    public void ReadState(BinaryReader reader)
    {
        reader.ExpectTag(Name);
        reader.ExpectSetting(_windowSize, "window size");
        reader.ExpectSetting(_stepSize, "step size");
        var window = reader.ReadDoubles(_windowSize, "window values");
        window.CopyTo(_window, 0);
        _count = window.Length;
        _head = reader.ReadInt32();
        if (_head < 0 || _head >= _windowSize) throw new InvalidDataException($"a window head at {_head} of {_windowSize}.");
        var step = reader.ReadDoubles(_stepSize - 1, "buffered values");
        step.CopyTo(_step, 0);
        _pending = step.Length;
        _mean = reader.ReadDouble();
        _m2 = reader.ReadDouble();
        _std = reader.ReadDouble();
    }
}
