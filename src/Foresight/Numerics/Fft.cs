namespace Foresight.Numerics;

/// <summary>
/// An iterative radix-2 Cooley–Tukey FFT of one fixed power-of-two length, working in place on
/// separate real and imaginary spans. The twiddle factors and the bit-reversal permutation are
/// computed once, so a transform allocates nothing: O(n log n) with n fixed by the plan.
/// </summary>
internal sealed class Fft
{
    private readonly double[] _cos;
    private readonly double[] _sin;
    private readonly int[] _reverse;

    public Fft(int length)
    {
        if (length < 2 || (length & (length - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(length), length, "The FFT length must be a power of two, at least 2.");
        Length = length;
        _cos = new double[length / 2];
        _sin = new double[length / 2];
        for (var k = 0; k < length / 2; k++)
        {
            _cos[k] = Math.Cos(2 * Math.PI * k / length);
            _sin[k] = Math.Sin(2 * Math.PI * k / length);
        }
        _reverse = new int[length];
        var bits = System.Numerics.BitOperations.Log2((uint)length);
        for (var i = 0; i < length; i++)
        {
            var r = 0;
            for (var b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
            _reverse[i] = r;
        }
    }

    public int Length { get; }

    /// <summary>
    /// X[k] = Σ x[j]·e^(∓2πi·jk/n): the forward transform uses the minus sign; the inverse the plus
    /// sign and divides by n, so Inverse(Forward(x)) = x.
    /// </summary>
    public void Transform(Span<double> re, Span<double> im, bool inverse)
    {
        var n = Length;
        if (re.Length != n || im.Length != n) throw new ArgumentException($"Both spans must have length {n}.");
        for (var i = 0; i < n; i++)
        {
            var j = _reverse[i];
            if (j <= i) continue;
            (re[i], re[j]) = (re[j], re[i]);
            (im[i], im[j]) = (im[j], im[i]);
        }
        var sign = inverse ? 1.0 : -1.0;
        for (var size = 2; size <= n; size <<= 1)
        {
            var half = size >> 1;
            var stride = n / size;
            for (var start = 0; start < n; start += size)
            {
                for (var k = 0; k < half; k++)
                {
                    var wr = _cos[k * stride];
                    var wi = sign * _sin[k * stride];
                    var a = start + k;
                    var b = a + half;
                    var tr = re[b] * wr - im[b] * wi;
                    var ti = re[b] * wi + im[b] * wr;
                    re[b] = re[a] - tr;
                    im[b] = im[a] - ti;
                    re[a] += tr;
                    im[a] += ti;
                }
            }
        }
        if (!inverse) return;
        var scale = 1.0 / n;
        for (var i = 0; i < n; i++)
        {
            re[i] *= scale;
            im[i] *= scale;
        }
    }
}
