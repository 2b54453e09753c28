namespace Foresight.Numerics;

/// <summary>An objective for <see cref="NelderMead"/>: a function of a parameter vector to minimise.</summary>
/// <remarks>
/// Implement it on a struct (or a <c>ref struct</c> holding the data spans) so the optimizer's
/// inner loop calls it without a delegate or a closure allocation. Return
/// <see cref="double.PositiveInfinity"/> (or NaN) for inadmissible points; the simplex moves away from them.
/// </remarks>
public interface IObjectiveFunction
{
    /// <summary>The objective at <paramref name="x"/>; the span is only valid during the call.</summary>
    double Evaluate(scoped ReadOnlySpan<double> x);
}

/// <summary>Outcome of a <see cref="NelderMead"/> run; the minimiser itself is written back into the caller's span.</summary>
/// <param name="Value">Objective at the best point found.</param>
/// <param name="Evaluations">Objective evaluations used.</param>
/// <param name="Converged">True when the simplex met the tolerance before the evaluation budget ran out.</param>
public readonly record struct NelderMeadResult(double Value, int Evaluations, bool Converged);

/// <summary>
/// Derivative-free minimisation by the Nelder–Mead downhill simplex (Nelder &amp; Mead, "A simplex
/// method for function minimization", Computer Journal 7, 1965) with the standard coefficients
/// (reflection 1, expansion 2, contraction ½, shrink ½), restricted to a box: every trial point is
/// projected onto [lower, upper] before it is evaluated, so the objective is never called outside
/// the bounds. Convergence follows R's <c>optim(method = "Nelder-Mead")</c>: stop when the spread
/// of the simplex values is at most <c>tolerance·(|f_best| + tolerance)</c>, or, with a positive
/// <c>pointTolerance</c>, when the simplex is no wider than that in any coordinate (as scipy's
/// <c>xatol</c>). By default a converged simplex is rebuilt around its best point and searched
/// again until that no longer improves the value (a simplex flattened against a bound regains its
/// dimension, Press et al.); <c>restart: false</c> stops at the first convergence. Ties keep what
/// is there: the incumbent best vertex stays best against an equal newcomer, and a contraction is
/// taken only when strictly better (or when it and the point it replaces are both +∞).
/// </summary>
/// <remarks>
/// The one simplex optimiser of the engine: the maximum-likelihood fits of ETS (several parameters,
/// with restarts), the one-dimensional α search of the Theta models (no restart, 1e-7 in α) and the
/// latency model's fit. Each fit has at most a handful of parameters, so the simplex lives on the stack
/// up to 16 dimensions and a run allocates nothing.
/// Linear constraints (such as β ≤ α) are best removed by reparametrising into a box; other
/// inadmissible regions can return +∞.
/// </remarks>
public static class NelderMead
{
    private const int StackDimensions = 16;

    /// <summary>
    /// Minimises <paramref name="objective"/> over the box [<paramref name="lower"/>, <paramref name="upper"/>].
    /// </summary>
    /// <param name="objective">The function to minimise (a delegate; see the generic overload for the allocation-free form).</param>
    /// <param name="x">In: the starting point. Out: the best point found.</param>
    /// <param name="lower">Lower bounds, one per parameter (<see cref="double.NegativeInfinity"/> for none).</param>
    /// <param name="upper">Upper bounds, one per parameter (<see cref="double.PositiveInfinity"/> for none).</param>
    /// <param name="step">Initial simplex edge per parameter; empty for 10% of the finite box width, else 10% of |x| (at least 0.1).</param>
    /// <param name="maxEvaluations">Evaluation budget.</param>
    /// <param name="tolerance">Relative tolerance on the spread of simplex values.</param>
    /// <param name="pointTolerance">When positive, also stop once the simplex is at most this wide in every coordinate.</param>
    /// <param name="restart">Restart from the best point after convergence, until a restart no longer improves it.</param>
    public static NelderMeadResult Minimize(Func<ReadOnlySpan<double>, double> objective, Span<double> x,
        ReadOnlySpan<double> lower, ReadOnlySpan<double> upper, ReadOnlySpan<double> step = default,
        int maxEvaluations = 2000, double tolerance = 1e-8, double pointTolerance = 0, bool restart = true)
    {
        ArgumentNullException.ThrowIfNull(objective);
        var adapter = new DelegateObjective(objective);
        return Minimize(ref adapter, x, lower, upper, step, maxEvaluations, tolerance, pointTolerance, restart);
    }

    /// <summary>
    /// Minimises <paramref name="objective"/> over the box [<paramref name="lower"/>, <paramref name="upper"/>];
    /// allocation-free for up to 16 parameters.
    /// </summary>
    /// <inheritdoc cref="Minimize(Func{ReadOnlySpan{double}, double}, Span{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, int, double, double, bool)"/>
    public static NelderMeadResult Minimize<TObjective>(ref TObjective objective, Span<double> x,
        ReadOnlySpan<double> lower, ReadOnlySpan<double> upper, ReadOnlySpan<double> step = default,
        int maxEvaluations = 2000, double tolerance = 1e-8, double pointTolerance = 0, bool restart = true)
        where TObjective : IObjectiveFunction, allows ref struct
    {
        var d = x.Length;
        if (d == 0) throw new ArgumentException("At least one parameter is needed.", nameof(x));
        if (lower.Length != d || upper.Length != d) throw new ArgumentException("Bounds must have one entry per parameter.");
        if (step.Length != 0 && step.Length != d) throw new ArgumentException("Step must be empty or have one entry per parameter.", nameof(step));
        for (var i = 0; i < d; i++)
        {
            if (!(lower[i] <= upper[i])) throw new ArgumentException($"Lower bound {i} exceeds the upper bound.", nameof(lower));
        }

        // Workspace: d+1 vertices, their values, and four scratch points (centroid, reflected, expanded, contracted).
        var size = (d + 1) * d + (d + 1) + 4 * d;
        Span<double> work = d <= StackDimensions ? stackalloc double[(StackDimensions + 1) * StackDimensions + StackDimensions + 1 + 4 * StackDimensions] : new double[size];
        var simplex = work[..((d + 1) * d)];
        var values = work.Slice((d + 1) * d, d + 1);
        var centroid = work.Slice((d + 1) * d + d + 1, d);
        var reflected = work.Slice((d + 1) * d + d + 1 + d, d);
        var expanded = work.Slice((d + 1) * d + d + 1 + 2 * d, d);
        var contracted = work.Slice((d + 1) * d + d + 1 + 3 * d, d);

        Project(x, lower, upper);
        var evaluations = 0;
        var converged = false;
        var previous = double.PositiveInfinity;
        // Restart from the best point until a restart no longer improves it: a simplex flattened
        // against a bound (or collapsed early) regains its full dimension (the usual remedy, Press et al.).
        while (evaluations < maxEvaluations)
        {
            for (var v = 0; v <= d; v++) x.CopyTo(simplex.Slice(v * d, d));
            for (var i = 0; i < d; i++)
            {
                var edge = step.Length > 0 ? step[i] : DefaultStep(x[i], lower[i], upper[i]);
                var vertex = simplex.Slice((i + 1) * d, d);
                var moved = vertex[i] + edge;
                // Step inwards when the vertex would leave the box.
                if (moved > upper[i]) moved = vertex[i] - edge;
                vertex[i] = moved;
                Project(vertex, lower, upper);
            }
            for (var v = 0; v <= d; v++) values[v] = Evaluate(ref objective, simplex.Slice(v * d, d), ref evaluations);

            // The start point is the incumbent: a vertex replaces it only by being strictly better.
            var argBest = 0;
            converged = Search(ref objective, simplex, values, centroid, reflected, expanded, contracted,
                lower, upper, maxEvaluations, tolerance, pointTolerance, ref argBest, ref evaluations);
            for (var v = 0; v <= d; v++)
            {
                if (values[v] < values[argBest]) argBest = v;
            }
            simplex.Slice(argBest * d, d).CopyTo(x);
            var best = values[argBest];
            var improved = previous - best > tolerance * (Math.Abs(best) + tolerance);
            previous = Math.Min(previous, best);
            if (!restart || !converged || !improved) break;
        }
        return new NelderMeadResult(previous, evaluations, converged);
    }

    /// <summary>
    /// The simplex iterations proper; true when the spread of values met the tolerance. <paramref name="best"/>
    /// is the incumbent best vertex, kept on ties so that a new point equal to it does not displace it.
    /// </summary>
    private static bool Search<TObjective>(ref TObjective objective, scoped Span<double> simplex, scoped Span<double> values,
        scoped Span<double> centroid, scoped Span<double> reflected, scoped Span<double> expanded, scoped Span<double> contracted,
        ReadOnlySpan<double> lower, ReadOnlySpan<double> upper, int maxEvaluations, double tolerance, double pointTolerance,
        ref int best, ref int evaluations)
        where TObjective : IObjectiveFunction, allows ref struct
    {
        var d = centroid.Length;
        while (evaluations < maxEvaluations)
        {
            // Best, worst and second-worst vertices.
            var worst = 0;
            for (var v = 0; v <= d; v++)
            {
                if (values[v] < values[best]) best = v;
                if (values[v] > values[worst]) worst = v;
            }
            var secondWorst = best;
            for (var v = 0; v <= d; v++)
            {
                if (v != worst && values[v] > values[secondWorst]) secondWorst = v;
            }
            if (values[worst] - values[best] <= tolerance * (Math.Abs(values[best]) + tolerance)
                || (pointTolerance > 0 && Width(simplex, d) <= pointTolerance))
            {
                return true;
            }

            centroid.Clear();
            for (var v = 0; v <= d; v++)
            {
                if (v == worst) continue;
                var vertex = simplex.Slice(v * d, d);
                for (var i = 0; i < d; i++) centroid[i] += vertex[i];
            }
            for (var i = 0; i < d; i++) centroid[i] /= d;

            var worstVertex = simplex.Slice(worst * d, d);
            Combine(centroid, worstVertex, -1.0, reflected, lower, upper);
            var fr = Evaluate(ref objective, reflected, ref evaluations);
            if (fr < values[best])
            {
                Combine(centroid, worstVertex, -2.0, expanded, lower, upper);
                var fe = Evaluate(ref objective, expanded, ref evaluations);
                if (fe < fr) { expanded.CopyTo(worstVertex); values[worst] = fe; }
                else { reflected.CopyTo(worstVertex); values[worst] = fr; }
                continue;
            }
            if (fr < values[secondWorst])
            {
                reflected.CopyTo(worstVertex);
                values[worst] = fr;
                continue;
            }
            // Contract: outside when the reflection improved on the worst vertex, inside otherwise. The
            // contraction must beat the point it is compared with; a tie is no progress (at a bound the two
            // are often one projected point) and shrinks instead, except between two inadmissible (+∞)
            // points, where stepping inwards is the only way out for one evaluation instead of a shrink's d.
            var outside = fr < values[worst];
            Combine(centroid, worstVertex, outside ? -0.5 : 0.5, contracted, lower, upper);
            var fc = Evaluate(ref objective, contracted, ref evaluations);
            var against = outside ? fr : values[worst];
            if (fc < against || (double.IsPositiveInfinity(fc) && double.IsPositiveInfinity(against)))
            {
                contracted.CopyTo(worstVertex);
                values[worst] = fc;
                continue;
            }
            // Shrink every vertex halfway towards the best one.
            var bestVertex = simplex.Slice(best * d, d);
            for (var v = 0; v <= d; v++)
            {
                if (v == best) continue;
                var vertex = simplex.Slice(v * d, d);
                for (var i = 0; i < d; i++) vertex[i] = bestVertex[i] + 0.5 * (vertex[i] - bestVertex[i]);
                values[v] = Evaluate(ref objective, vertex, ref evaluations);
            }
        }

        return false;
    }

    /// <summary>The largest spread of any coordinate over the vertices.</summary>
    private static double Width(ReadOnlySpan<double> simplex, int d)
    {
        var width = 0.0;
        for (var i = 0; i < d; i++)
        {
            double min = simplex[i], max = simplex[i];
            for (var v = 1; v <= d; v++)
            {
                var c = simplex[v * d + i];
                if (c < min) min = c;
                if (c > max) max = c;
            }
            width = Math.Max(width, max - min);
        }
        return width;
    }

    private static double Evaluate<TObjective>(ref TObjective objective, scoped ReadOnlySpan<double> point, ref int evaluations)
        where TObjective : IObjectiveFunction, allows ref struct
    {
        evaluations++;
        var f = objective.Evaluate(point);
        return double.IsNaN(f) ? double.PositiveInfinity : f;
    }

    /// <summary>result = centroid + coefficient·(worst − centroid), projected onto the box.</summary>
    private static void Combine(ReadOnlySpan<double> centroid, ReadOnlySpan<double> worst, double coefficient,
        Span<double> result, ReadOnlySpan<double> lower, ReadOnlySpan<double> upper)
    {
        for (var i = 0; i < centroid.Length; i++) result[i] = centroid[i] + coefficient * (worst[i] - centroid[i]);
        Project(result, lower, upper);
    }

    private static void Project(Span<double> point, ReadOnlySpan<double> lower, ReadOnlySpan<double> upper)
    {
        for (var i = 0; i < point.Length; i++) point[i] = Math.Clamp(point[i], lower[i], upper[i]);
    }

    private static double DefaultStep(double x, double lower, double upper)
    {
        var width = upper - lower;
        if (double.IsFinite(width) && width > 0) return 0.1 * width;
        return Math.Max(0.1 * Math.Abs(x), 0.1);
    }

    private readonly struct DelegateObjective(Func<ReadOnlySpan<double>, double> f) : IObjectiveFunction
    {
        public double Evaluate(scoped ReadOnlySpan<double> x) => f(x);
    }
}
