using Foresight.Detection.State;
using Foresight.Numerics;

namespace Foresight.Detection;

/// <summary>Parameters of <see cref="SpectralResidual"/>; the defaults follow the paper and ML.NET's SrCnn detector.</summary>
public sealed record SpectralResidualOptions
{
    /// <summary>The defaults, one instance shared by every detector built without options (a record cannot change, so sharing is safe).</summary>
    internal static SpectralResidualOptions Default { get; } = new();

    /// <summary>Real points in the sliding window. Window + ExtrapolatedPoints must be a power of two (default 59 + 5 = 64).</summary>
    public int Window { get; init; } = 59;

    /// <summary>Points appended after the newest one (κ in the paper, 5), so that the newest point is not at the window's edge.</summary>
    public int ExtrapolatedPoints { get; init; } = 5;

    /// <summary>Preceding points whose average gradient gives the extrapolated value (m in the paper, 5).</summary>
    public int GradientPoints { get; init; } = 5;

    /// <summary>Width of the moving average over the log amplitude spectrum (q in the paper, 3).</summary>
    public int SpectrumAveraging { get; init; } = 3;

    /// <summary>Preceding saliency values whose mean is the local average (z in the paper, 21).</summary>
    public int LocalAverage { get; init; } = 21;

    /// <summary>The relative saliency excess (S − S̄)/S̄ that maps to a score of 0.5 (the paper's threshold τ = 3).</summary>
    public double RatioHalf { get; init; } = 3.0;
}

/// <summary>
/// Spectral Residual saliency (Ren et al., "Time-Series Anomaly Detection Service at Microsoft",
/// KDD 2019), run on a sliding window. Each point: the window of the last <c>Window</c> values is
/// extended by κ copies of an extrapolated point, so the point being judged sits inside the
/// transform. The paper extrapolates x̂ = x[n−m+1] + ḡ·m with ḡ the mean slope from the newest
/// point to its m predecessors; a spike at the newest point then drags the tail up with it and is
/// no longer salient, so here the slope and the anchor are taken from the point before the newest
/// (x̂ = x[n−m] + ḡ′·(m+1), ḡ′ the mean slope from x[n−1] to its m predecessors). Then
/// FFT → log amplitude L(f) → spectral residual R(f) = L(f) − (h_q * L)(f) (a q-point moving
/// average) → inverse FFT of exp(R(f) + i·P(f)) with the original phase P → saliency map S = |·|.
/// The newest point's relative excess r = (S − S̄)/S̄ over the mean S̄ of the z preceding saliency
/// values is mapped to max(r, 0)/(max(r, 0) + τ). A radix-2 FFT of fixed length makes the cost per
/// point constant (two 64-point transforms by default); no allocation after construction. The only state per
/// instance is the window of values: the transform's tables are shared by every instance of the same length and
/// its work buffers by every instance on the same thread.
/// </summary>
public sealed class SpectralResidual : IStreamingDetector, IRestorableState
{
    private readonly SpectralResidualOptions _options;
    private readonly RingBuffer _window; // with a shared input, its values, of which the newest Window are this window
    private readonly bool _shared;
    private readonly Fft _fft;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, Fft> Transforms = new();
    [ThreadStatic] private static double[]? t_scratch;

    /// <summary>Creates the detector with the given (or default) options.</summary>
    public SpectralResidual(SpectralResidualOptions? options = null)
        : this(options, input: null)
    {
    }

    /// <summary>A member of an ensemble that reads its window, the newest Window values, from <paramref name="input"/>.</summary>
    internal SpectralResidual(SpectralResidualOptions? options, SharedInput? input)
    {
        _options = options ?? SpectralResidualOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.GradientPoints, 1);
        if (_options.Window < _options.GradientPoints + 2) throw new ArgumentOutOfRangeException(nameof(options), "Window must exceed GradientPoints + 1.");
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.ExtrapolatedPoints, 0);
        if (_options.Window <= Math.Max(_options.GradientPoints, _options.LocalAverage))
            throw new ArgumentOutOfRangeException(nameof(options), "Window must exceed GradientPoints and LocalAverage.");
        _fft = Transforms.GetOrAdd(_options.Window + _options.ExtrapolatedPoints, length => new Fft(length));
        if (input is not null && input.Values.Capacity < _options.Window) throw new ArgumentException("The shared window is shorter than this detector's.", nameof(input));
        _shared = input is not null;
        _window = input?.Values ?? new RingBuffer(_options.Window);
    }

    /// <inheritdoc />
    public double Update(long timestamp, double value)
    {
        if (!_shared) _window.Push(value);
        if (_window.Count < _options.Window) return 0;
        var saliency = Saliency();
        var newest = _options.Window - 1;
        var mean = 0.0;
        for (var i = newest - _options.LocalAverage; i < newest; i++) mean += saliency[i];
        mean /= _options.LocalAverage;
        if (!(mean > 1e-12)) return saliency[newest] > 1e-9 ? 1 - 1e-9 : 0;
        var r = Math.Max(0, (saliency[newest] - mean) / mean);
        return r / (r + _options.RatioHalf);
    }

    /// <summary>Fills the real buffer with window + tail and returns the saliency map (valid until the next call on this thread).</summary>
    internal ReadOnlySpan<double> Saliency()
    {
        var len = _fft.Length;
        if (t_scratch is null || t_scratch.Length < 3 * len) t_scratch = new double[3 * len];
        var re = t_scratch.AsSpan(0, len);
        var im = t_scratch.AsSpan(len, len);
        var logAmplitude = t_scratch.AsSpan(2 * len, len);
        var n = _options.Window;
        _window.CopyLast(re, n);
        var m = _options.GradientPoints;
        var g = 0.0;
        // The extrapolation is anchored on the point before the newest: anchored on the newest, a
        // spike drags the tail up with it and stops being salient.
        for (var i = 1; i <= m; i++) g += (re[n - 2] - re[n - 2 - i]) / i;
        g /= m;
        var next = re[n - 1 - m] + g * (m + 1);
        for (var i = n; i < re.Length; i++) re[i] = next;
        im.Clear();

        _fft.Transform(re, im, inverse: false);
        for (var k = 0; k < len; k++)
        {
            var amplitude = Math.Sqrt(re[k] * re[k] + im[k] * im[k]);
            logAmplitude[k] = Math.Log(Math.Max(amplitude, 1e-300));
        }
        var q = _options.SpectrumAveraging;
        var running = 0.0;
        for (var k = 0; k < len; k++)
        {
            running += logAmplitude[k];
            if (k >= q) running -= logAmplitude[k - q];
            var average = running / Math.Min(k + 1, q);
            var amplitude = Math.Sqrt(re[k] * re[k] + im[k] * im[k]);
            if (amplitude < 1e-12)
            {
                re[k] = 0;
                im[k] = 0;
                continue;
            }
            // exp(R + iP) = exp(L − average) · F/|F| = F · exp(−average).
            var factor = Math.Exp(-average);
            re[k] *= factor;
            im[k] *= factor;
        }
        _fft.Transform(re, im, inverse: true);
        for (var k = 0; k < len; k++) re[k] = Math.Sqrt(re[k] * re[k] + im[k] * im[k]);
        return re;
    }

    /// <inheritdoc />
    public void WriteState(BinaryWriter writer)
    {
        writer.WriteTag("sr");
        if (!_shared) _window.WriteState(writer);
    }

    /// <inheritdoc />
    public void ReadState(BinaryReader reader)
    {
        reader.ExpectTag("sr");
        if (!_shared) _window.ReadState(reader, "window");
    }
}
