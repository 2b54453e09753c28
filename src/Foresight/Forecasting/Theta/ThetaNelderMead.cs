namespace Foresight.Forecasting;

/// <summary>An objective for <see cref="ThetaNelderMead"/>; a struct so the call inlines and nothing is boxed.</summary>
internal interface IThetaObjective
{
    double Evaluate(ReadOnlySpan<double> x);
}

/// <summary>
/// A small bounded Nelder–Mead simplex minimiser (Nelder &amp; Mead, Computer Journal 1965) with the
/// standard coefficients (reflection 1, expansion 2, contraction ½, shrink ½). Trial points are
/// clamped into the box. Works in up to 8 dimensions with stack buffers only.
/// </summary>
/// <remarks>
/// Temporary: a shared optimiser is being written under <c>Forecasting/Optimization</c>; this one
/// is internal to the theta family and should be replaced by it when the branches meet.
/// </remarks>
internal static class ThetaNelderMead
{
    private const int MaxDimension = 8;

    /// <summary>
    /// Minimises <paramref name="objective"/> over the box [lower, upper] starting from
    /// <paramref name="x"/> (overwritten with the best point). Stops when the simplex is narrower than
    /// <paramref name="xTolerance"/> in every coordinate, when its values agree to a relative
    /// 1e-12, or after <paramref name="maxEvaluations"/> evaluations. Returns the best value.
    /// </summary>
    public static double Minimize<T>(ref T objective, Span<double> x, ReadOnlySpan<double> lower, ReadOnlySpan<double> upper,
        ReadOnlySpan<double> step, double xTolerance, int maxEvaluations) where T : struct, IThetaObjective
    {
        var d = x.Length;
        if (d is < 1 or > MaxDimension) throw new ArgumentOutOfRangeException(nameof(x), "Dimension must be 1..8.");
        Span<double> simplex = stackalloc double[(MaxDimension + 1) * MaxDimension];
        Span<double> values = stackalloc double[MaxDimension + 1];
        Span<double> centroid = stackalloc double[MaxDimension];
        Span<double> reflected = stackalloc double[MaxDimension];
        Span<double> trial = stackalloc double[MaxDimension];
        simplex = simplex[..((d + 1) * d)];
        centroid = centroid[..d];
        reflected = reflected[..d];
        trial = trial[..d];

        Clamp(x, lower, upper);
        for (var v = 0; v <= d; v++)
        {
            var p = simplex.Slice(v * d, d);
            x.CopyTo(p);
            if (v > 0)
            {
                var k = v - 1;
                p[k] += step[k];
                // Step inward when the start sits on the upper bound.
                if (p[k] > upper[k]) p[k] = x[k] - step[k];
                Clamp(p, lower, upper);
            }
            values[v] = Safe(objective.Evaluate(p));
        }
        var evaluations = d + 1;

        while (evaluations < maxEvaluations)
        {
            // Order: best first, worst last (insertion sort on at most 9 vertices).
            for (var i = 1; i <= d; i++)
            {
                for (var j = i; j > 0 && values[j] < values[j - 1]; j--)
                {
                    (values[j], values[j - 1]) = (values[j - 1], values[j]);
                    for (var k = 0; k < d; k++)
                    {
                        (simplex[j * d + k], simplex[(j - 1) * d + k]) = (simplex[(j - 1) * d + k], simplex[j * d + k]);
                    }
                }
            }
            if (Converged(simplex, values, d, xTolerance)) break;

            centroid.Clear();
            for (var v = 0; v < d; v++)
            {
                for (var k = 0; k < d; k++) centroid[k] += simplex[v * d + k] / d;
            }
            var worst = simplex.Slice(d * d, d);
            for (var k = 0; k < d; k++) reflected[k] = centroid[k] + (centroid[k] - worst[k]);
            Clamp(reflected, lower, upper);
            var fr = Safe(objective.Evaluate(reflected));
            evaluations++;

            if (fr < values[0])
            {
                for (var k = 0; k < d; k++) trial[k] = centroid[k] + 2 * (centroid[k] - worst[k]);
                Clamp(trial, lower, upper);
                var fe = Safe(objective.Evaluate(trial));
                evaluations++;
                if (fe < fr) Replace(worst, trial, ref values[d], fe);
                else Replace(worst, reflected, ref values[d], fr);
                continue;
            }
            if (fr < values[d - 1])
            {
                Replace(worst, reflected, ref values[d], fr);
                continue;
            }
            // Contract towards the better of the worst and the reflected point.
            var outside = fr < values[d];
            for (var k = 0; k < d; k++)
            {
                trial[k] = outside ? centroid[k] + 0.5 * (reflected[k] - centroid[k]) : centroid[k] + 0.5 * (worst[k] - centroid[k]);
            }
            var fc = Safe(objective.Evaluate(trial));
            evaluations++;
            if (fc < Math.Min(fr, values[d]))
            {
                Replace(worst, trial, ref values[d], fc);
                continue;
            }
            // Shrink every vertex towards the best.
            for (var v = 1; v <= d; v++)
            {
                var p = simplex.Slice(v * d, d);
                for (var k = 0; k < d; k++) p[k] = simplex[k] + 0.5 * (p[k] - simplex[k]);
                values[v] = Safe(objective.Evaluate(p));
            }
            evaluations += d;
        }

        var best = 0;
        for (var v = 1; v <= d; v++)
        {
            if (values[v] < values[best]) best = v;
        }
        simplex.Slice(best * d, d).CopyTo(x);
        return values[best];
    }

    private static bool Converged(ReadOnlySpan<double> simplex, ReadOnlySpan<double> values, int d, double xTolerance)
    {
        if (values[d] - values[0] <= 1e-12 * Math.Abs(values[0])) return true;
        for (var k = 0; k < d; k++)
        {
            double min = simplex[k], max = simplex[k];
            for (var v = 1; v <= d; v++)
            {
                var c = simplex[v * d + k];
                if (c < min) min = c;
                if (c > max) max = c;
            }
            if (max - min > xTolerance) return false;
        }
        return true;
    }

    private static void Replace(Span<double> worst, ReadOnlySpan<double> point, ref double worstValue, double value)
    {
        point.CopyTo(worst);
        worstValue = value;
    }

    private static void Clamp(Span<double> p, ReadOnlySpan<double> lower, ReadOnlySpan<double> upper)
    {
        for (var k = 0; k < p.Length; k++) p[k] = Math.Clamp(p[k], lower[k], upper[k]);
    }

    private static double Safe(double value) => double.IsFinite(value) ? value : double.MaxValue;
}
