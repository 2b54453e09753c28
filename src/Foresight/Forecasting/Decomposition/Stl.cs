using System.Buffers;

namespace Foresight.Forecasting;

/// <summary>
/// STL, Seasonal-Trend decomposition procedure based on Loess (R. B. Cleveland, W. S. Cleveland,
/// J. E. McRae &amp; I. Terpenning, "STL: A Seasonal-Trend Decomposition Procedure Based on Loess",
/// Journal of Official Statistics 6(1), 1990, 3–73): y = trend + seasonal + remainder, computed as
/// the netlib Fortran (<c>stl.f</c>, the code behind R's <c>stl</c>) does.
/// </summary>
/// <remarks>
/// <para>Inner loop, repeated <see cref="StlOptions.InnerIterations"/> times from a zero trend:
/// (1) detrend, y − T; (2) smooth each cycle-subseries (all values at one position of the cycle)
/// with loess of span n_s, extrapolating one cycle on both ends; (3) low-pass filter that series with
/// moving averages of length period, period and 3 and a loess of span n_l; (4) seasonal S = the
/// cycle-subseries smooth minus the low-pass, which keeps low frequencies out of S; (5) deseasonalize,
/// y − S; (6) trend T = loess of span n_t of that.</para>
/// <para>Outer loop (robust STL): after each inner pass the remainders R set robustness weights
/// B(|R| / (6·median|R|)), B(u) = (1 − u²)², with B the bisquare, which multiply the loess weights of the next pass.</para>
/// <para>Loess is evaluated every <c>jump</c> points and interpolated (the Fortran's speed-up);
/// the defaults (a tenth of each window) change the result by far less than the remainder's scale.
/// Needs n &gt; 2·period, as R. Cost is O(n·(n_s + n_l + n_t)/jump) per pass with no allocation
/// beyond the results.</para>
/// </remarks>
public static class Stl
{
    /// <summary>Decomposes <paramref name="y"/> (no NaN) with seasonal period <paramref name="period"/>.</summary>
    /// <exception cref="ArgumentException">Period below 2, or fewer than two full periods plus one observation (n ≤ 2·period).</exception>
    public static StlResult Decompose(ReadOnlySpan<double> y, int period, StlOptions? options = null)
    {
        var parameters = (options ?? StlOptions.Default).Resolve(period);
        if (y.Length <= 2 * period)
        {
            throw new ArgumentException($"STL needs more than two full periods: {y.Length} observations for period {period}.", nameof(y));
        }
        var n = y.Length;
        var seasonal = new double[n];
        var trend = new double[n];
        var weights = new double[n];
        using (var workspace = new StlWorkspace(n, period))
        {
            Run(y, parameters, workspace, seasonal, trend, weights);
        }
        var remainder = new double[n];
        for (var i = 0; i < n; i++) remainder[i] = y[i] - trend[i] - seasonal[i];
        return new StlResult(trend, seasonal, remainder, weights, period);
    }

    /// <summary>
    /// The decomposition into caller-owned spans: seasonal and trend (length n) and robustness
    /// weights (length n, all 1 without an outer loop). Needs n &gt; 2·period (checked by callers).
    /// </summary>
    internal static void Run(ReadOnlySpan<double> y, in StlParameters p, StlWorkspace workspace, Span<double> seasonal, Span<double> trend, Span<double> weights)
    {
        var n = y.Length;
        trend.Clear();
        var useWeights = false;
        for (var pass = 0; ; pass++)
        {
            InnerLoop(y, p, workspace, useWeights ? weights : default, seasonal, trend);
            if (pass >= p.Outer) break;
            RobustnessWeights(y, seasonal, trend, workspace.Sort(n), weights);
            useWeights = true;
        }
        if (!useWeights) weights.Fill(1);
    }

    private static void InnerLoop(ReadOnlySpan<double> y, in StlParameters p, StlWorkspace ws, ReadOnlySpan<double> weights, Span<double> seasonal, Span<double> trend)
    {
        var n = y.Length;
        var np = p.Period;
        var work = ws.Work(n);
        var cycle = ws.Cycle(n + 2 * np);
        var lowPass = ws.LowPass(n);
        var smoothLowPass = ws.SmoothLowPass(n);
        for (var iteration = 0; iteration < p.Inner; iteration++)
        {
            for (var i = 0; i < n; i++) work[i] = y[i] - trend[i];
            CycleSubseries(work, p, weights, ws, cycle);
            LowPassFilter(cycle, np, ws, lowPass);
            Loess.Smooth(lowPass, p.LowPassWindow, p.LowPassDegree, p.LowPassJump, default, smoothLowPass);
            for (var i = 0; i < n; i++)
            {
                seasonal[i] = cycle[np + i] - smoothLowPass[i];
                work[i] = y[i] - seasonal[i];
            }
            Loess.Smooth(work, p.TrendWindow, p.TrendDegree, p.TrendJump, weights, trend);
        }
    }

    /// <summary>
    /// Smooths each cycle-subseries and extrapolates it one step on both ends (<c>stlss</c>), so
    /// <paramref name="cycle"/> (length n + 2·period) covers one period before and after the data.
    /// </summary>
    private static void CycleSubseries(ReadOnlySpan<double> x, in StlParameters p, ReadOnlySpan<double> weights, StlWorkspace ws, Span<double> cycle)
    {
        var n = x.Length;
        var np = p.Period;
        var ns = p.SeasonalWindow;
        var maxK = (n - 1) / np + 1;
        var sub = ws.Sub(maxK);
        var subWeights = weights.IsEmpty ? default : ws.SubWeights(maxK);
        var smooth = ws.SubSmooth(maxK + 2);
        for (var j = 0; j < np; j++)
        {
            var k = (n - 1 - j) / np + 1;
            var series = sub[..k];
            for (var i = 0; i < k; i++) series[i] = x[i * np + j];
            ReadOnlySpan<double> rw = default;
            if (!weights.IsEmpty)
            {
                var w = subWeights[..k];
                for (var i = 0; i < k; i++) w[i] = weights[i * np + j];
                rw = w;
            }
            Loess.Smooth(series, ns, p.SeasonalDegree, p.SeasonalJump, rw, smooth.Slice(1, k));
            var right = Math.Min(ns, k) - 1;
            smooth[0] = Loess.TryEstimate(series, ns, p.SeasonalDegree, -1, 0, right, rw, out var before) ? before : smooth[1];
            var left = Math.Max(0, k - ns);
            smooth[k + 1] = Loess.TryEstimate(series, ns, p.SeasonalDegree, k, left, k - 1, rw, out var after) ? after : smooth[k];
            for (var m = 0; m < k + 2; m++) cycle[m * np + j] = smooth[m];
        }
    }

    /// <summary>Moving averages of length period, period and 3 over n + 2·period values give n (<c>stlfts</c>).</summary>
    private static void LowPassFilter(ReadOnlySpan<double> cycle, int np, StlWorkspace ws, Span<double> output)
    {
        var first = ws.Average1(cycle.Length - np + 1);
        MovingAverage(cycle, np, first);
        var second = ws.Average2(first.Length - np + 1);
        MovingAverage(first, np, second);
        MovingAverage(second, 3, output);
    }

    private static void MovingAverage(ReadOnlySpan<double> x, int length, Span<double> output)
    {
        var count = x.Length - length + 1;
        var sum = 0.0;
        for (var i = 0; i < length; i++) sum += x[i];
        var scale = 1.0 / length;
        output[0] = sum * scale;
        for (var i = 1; i < count; i++)
        {
            sum += x[i + length - 1] - x[i - 1];
            output[i] = sum * scale;
        }
    }

    /// <summary>Bisquare weights of |y − fit| over six times its median (<c>stlrwt</c>).</summary>
    private static void RobustnessWeights(ReadOnlySpan<double> y, ReadOnlySpan<double> seasonal, ReadOnlySpan<double> trend, Span<double> sorted, Span<double> weights)
    {
        var n = y.Length;
        for (var i = 0; i < n; i++) sorted[i] = Math.Abs(y[i] - seasonal[i] - trend[i]);
        sorted.Sort();
        var limit = 3 * (sorted[n / 2] + sorted[n - n / 2 - 1]);
        var c9 = 0.999 * limit;
        var c1 = 0.001 * limit;
        for (var i = 0; i < n; i++)
        {
            var r = Math.Abs(y[i] - seasonal[i] - trend[i]);
            if (r <= c1)
            {
                weights[i] = 1;
            }
            else if (r <= c9)
            {
                var u = r / limit;
                var v = 1 - u * u;
                weights[i] = v * v;
            }
            else
            {
                weights[i] = 0;
            }
        }
    }
}

/// <summary>An STL decomposition: y = <see cref="Trend"/> + <see cref="Seasonal"/> + <see cref="Remainder"/>.</summary>
/// <param name="Trend">Trend-cycle component.</param>
/// <param name="Seasonal">Seasonal component.</param>
/// <param name="Remainder">y − trend − seasonal.</param>
/// <param name="Weights">Robustness weights in [0, 1] from the last outer pass; all 1 for non-robust STL.</param>
/// <param name="Period">The seasonal period decomposed.</param>
public sealed record StlResult(double[] Trend, double[] Seasonal, double[] Remainder, double[] Weights, int Period);

/// <summary>
/// Scratch buffers for STL, rented from the shared array pool and sized for the largest series and
/// period a caller will decompose, so repeated decompositions (MSTL's iterations) allocate nothing.
/// </summary>
internal sealed class StlWorkspace : IDisposable
{
    private readonly double[] _work, _cycle, _lowPass, _smoothLowPass, _average1, _average2, _sort, _weights, _sub, _subWeights, _subSmooth;

    public StlWorkspace(int n, int maxPeriod)
    {
        var extended = n + 2 * maxPeriod;
        var maxK = (n - 1) / 2 + 1; // the longest cycle-subseries, for the smallest period 2
        _work = Rent(n);
        _cycle = Rent(extended);
        _lowPass = Rent(n);
        _smoothLowPass = Rent(n);
        _average1 = Rent(extended);
        _average2 = Rent(extended);
        _sort = Rent(n);
        _weights = Rent(n);
        _sub = Rent(maxK);
        _subWeights = Rent(maxK);
        _subSmooth = Rent(maxK + 2);
    }

    public Span<double> Work(int length) => _work.AsSpan(0, length);
    public Span<double> Cycle(int length) => _cycle.AsSpan(0, length);
    public Span<double> LowPass(int length) => _lowPass.AsSpan(0, length);
    public Span<double> SmoothLowPass(int length) => _smoothLowPass.AsSpan(0, length);
    public Span<double> Average1(int length) => _average1.AsSpan(0, length);
    public Span<double> Average2(int length) => _average2.AsSpan(0, length);
    public Span<double> Sort(int length) => _sort.AsSpan(0, length);
    public Span<double> Weights(int length) => _weights.AsSpan(0, length);
    public Span<double> Sub(int length) => _sub.AsSpan(0, length);
    public Span<double> SubWeights(int length) => _subWeights.AsSpan(0, length);
    public Span<double> SubSmooth(int length) => _subSmooth.AsSpan(0, length);

    public void Dispose()
    {
        var pool = ArrayPool<double>.Shared;
        pool.Return(_work);
        pool.Return(_cycle);
        pool.Return(_lowPass);
        pool.Return(_smoothLowPass);
        pool.Return(_average1);
        pool.Return(_average2);
        pool.Return(_sort);
        pool.Return(_weights);
        pool.Return(_sub);
        pool.Return(_subWeights);
        pool.Return(_subSmooth);
    }

    private static double[] Rent(int length) => ArrayPool<double>.Shared.Rent(Math.Max(1, length));
}
