namespace Foresight.Numerics;

/// <summary>A model for <see cref="LevenbergMarquardt"/>: its value at one input and its gradient in the parameters.</summary>
/// <param name="x">The input (one observation's regressor).</param>
/// <param name="parameters">The parameter vector.</param>
/// <param name="gradient">Out: ∂f/∂θ, one entry per parameter.</param>
/// <returns>f(x; θ).</returns>
internal delegate double ModelWithGradient(double x, ReadOnlySpan<double> parameters, Span<double> gradient);

/// <summary>Outcome of a <see cref="LevenbergMarquardt"/> run: the sum of squared residuals, JᵀJ at the solution, and whether it converged.</summary>
internal sealed record LeastSquaresResult(double ResidualSumOfSquares, double[,] Normal, int Iterations, bool Converged);

/// <summary>
/// Nonlinear least squares by Levenberg–Marquardt with Marquardt's diagonal scaling (Marquardt, "An
/// algorithm for least-squares estimation of nonlinear parameters", SIAM J. Appl. Math. 11, 1963):
/// each step solves (JᵀJ + μ·diag(JᵀJ)) δ = Jᵀr, accepted when it lowers the sum of squares (μ /= 3),
/// else μ *= 4. Bounds are kept by projecting each trial point into the box.
/// </summary>
internal static class LevenbergMarquardt
{
    public static LeastSquaresResult Fit(ModelWithGradient model, ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> theta,
        ReadOnlySpan<double> lower, ReadOnlySpan<double> upper, int maxIterations = 500)
    {
        var p = theta.Length;
        var gradient = new double[p];
        var trial = new double[p];
        var normal = new double[p, p];
        var rhs = new double[p];
        var damping = 1e-3;
        var sse = SumOfSquares(model, x, y, theta, gradient);
        var converged = false;
        var iteration = 0;
        for (; iteration < maxIterations && !converged; iteration++)
        {
            Normal(model, x, y, theta, gradient, normal, rhs);
            var improved = false;
            while (damping < 1e16)
            {
                var system = (double[,])normal.Clone();
                for (var i = 0; i < p; i++) system[i, i] += damping * Math.Max(normal[i, i], 1e-300);
                var step = (double[])rhs.Clone();
                if (!DenseMatrix.Solve(system, step)) { damping *= 4; continue; }
                for (var i = 0; i < p; i++) trial[i] = Math.Clamp(theta[i] + step[i], lower[i], upper[i]);
                var trialSse = SumOfSquares(model, x, y, trial, gradient);
                if (trialSse <= sse)
                {
                    var relativeStep = 0.0;
                    for (var i = 0; i < p; i++) relativeStep = Math.Max(relativeStep, Math.Abs(trial[i] - theta[i]) / Math.Max(Math.Abs(theta[i]), 1e-300));
                    converged = relativeStep < 1e-12 || sse - trialSse <= 1e-15 * sse;
                    trial.CopyTo(theta);
                    sse = trialSse;
                    damping = Math.Max(damping / 3, 1e-15);
                    improved = true;
                    break;
                }
                damping *= 4;
            }
            if (!improved) { converged = true; break; }
        }
        Normal(model, x, y, theta, gradient, normal, rhs);
        return new LeastSquaresResult(sse, normal, iteration, converged);
    }

    private static double SumOfSquares(ModelWithGradient model, ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> theta, Span<double> gradient)
    {
        var sum = 0.0;
        for (var i = 0; i < x.Length; i++)
        {
            var r = y[i] - model(x[i], theta, gradient);
            sum += r * r;
        }
        return double.IsFinite(sum) ? sum : double.PositiveInfinity;
    }

    private static void Normal(ModelWithGradient model, ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> theta, Span<double> gradient,
        double[,] normal, double[] rhs)
    {
        var p = theta.Length;
        Array.Clear(normal);
        Array.Clear(rhs);
        for (var n = 0; n < x.Length; n++)
        {
            var r = y[n] - model(x[n], theta, gradient);
            for (var i = 0; i < p; i++)
            {
                rhs[i] += gradient[i] * r;
                for (var j = 0; j < p; j++) normal[i, j] += gradient[i] * gradient[j];
            }
        }
    }
}

/// <summary>Gauss–Jordan elimination with partial pivoting for the small dense systems of the fits.</summary>
internal static class DenseMatrix
{
    /// <summary>
    /// Solves A x = b in place (b becomes x; A is destroyed), after scaling A symmetrically to a unit
    /// diagonal so parameters of very different magnitudes (λ ≈ 1e3 beside κ ≈ 1e-4) do not look singular.
    /// False when A is singular to working precision.
    /// </summary>
    public static bool Solve(double[,] a, double[] b)
    {
        var n = b.Length;
        var s = new double[n];
        for (var i = 0; i < n; i++) s[i] = a[i, i] > 0 ? 1 / Math.Sqrt(a[i, i]) : 1;
        for (var i = 0; i < n; i++)
        {
            b[i] *= s[i];
            for (var j = 0; j < n; j++) a[i, j] *= s[i] * s[j];
        }
        if (!SolveScaled(a, b)) return false;
        for (var i = 0; i < n; i++) b[i] *= s[i];
        return true;
    }

    private static bool SolveScaled(double[,] a, double[] b)
    {
        var n = b.Length;
        var scale = 0.0;
        for (var i = 0; i < n; i++) scale = Math.Max(scale, Math.Abs(a[i, i]));
        for (var col = 0; col < n; col++)
        {
            var pivot = col;
            for (var r = col + 1; r < n; r++) if (Math.Abs(a[r, col]) > Math.Abs(a[pivot, col])) pivot = r;
            if (!(Math.Abs(a[pivot, col]) > 1e-14 * scale)) return false;
            if (pivot != col)
            {
                for (var c = 0; c < n; c++) (a[col, c], a[pivot, c]) = (a[pivot, c], a[col, c]);
                (b[col], b[pivot]) = (b[pivot], b[col]);
            }
            for (var r = 0; r < n; r++)
            {
                if (r == col) continue;
                var f = a[r, col] / a[col, col];
                if (f == 0) continue;
                for (var c = col; c < n; c++) a[r, c] -= f * a[col, c];
                b[r] -= f * b[col];
            }
        }
        for (var i = 0; i < n; i++) b[i] /= a[i, i];
        return true;
    }

    /// <summary>The inverse of A, or null when A is singular.</summary>
    public static double[,]? Inverse(double[,] a)
    {
        var n = a.GetLength(0);
        var inverse = new double[n, n];
        for (var col = 0; col < n; col++)
        {
            var e = new double[n];
            e[col] = 1;
            if (!Solve((double[,])a.Clone(), e)) return null;
            for (var r = 0; r < n; r++) inverse[r, col] = e[r];
        }
        return inverse;
    }
}
