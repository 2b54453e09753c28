using Foresight.Numerics;

namespace Foresight.Tests.Numerics;

public class NelderMeadTests
{
    [Fact]
    public void Minimises_rosenbrock_within_bounds()
    {
        double[] x = [-1.2, 1];

        var result = NelderMead.Minimize(p => 100 * Math.Pow(p[1] - p[0] * p[0], 2) + Math.Pow(1 - p[0], 2),
            x, [-2, -2], [2, 2], maxEvaluations: 10_000, tolerance: 1e-14);

        x[0].Should().BeApproximately(1, 1e-4);
        x[1].Should().BeApproximately(1, 1e-4);
        result.Value.Should().BeLessThan(1e-8);
    }

    [Fact]
    public void Stops_at_an_active_bound()
    {
        double[] x = [0, 0];

        NelderMead.Minimize(p => Math.Pow(p[0] - 3, 2) + Math.Pow(p[1] + 1, 2), x, [-5, -5], [2, 5], tolerance: 1e-14);

        x[0].Should().BeApproximately(2, 1e-6);
        x[1].Should().BeApproximately(-1, 1e-4);
    }

    [Fact]
    public void With_a_point_tolerance_and_no_restart_it_stops_once_the_simplex_is_that_narrow()
    {
        static double Parabola(ReadOnlySpan<double> p) => (p[0] - 0.3) * (p[0] - 0.3);
        double[] coarse = [0.9], fine = [0.9];

        var loose = NelderMead.Minimize(Parabola, coarse, [0], [1], [0.05], tolerance: 1e-300, pointTolerance: 1e-3, restart: false);
        var tight = NelderMead.Minimize(Parabola, fine, [0], [1], [0.05], tolerance: 1e-300, pointTolerance: 1e-9, restart: false);

        loose.Converged.Should().BeTrue();
        coarse[0].Should().BeApproximately(0.3, 1e-3);
        fine[0].Should().BeApproximately(0.3, 1e-9);
        loose.Evaluations.Should().BeLessThan(tight.Evaluations);
    }

    [Fact]
    public void A_point_that_only_ties_the_best_does_not_replace_it()
    {
        // Flat (zero) on [-2, 2]. From 2.5 (step 1) the simplex reaches 1.5, the outside contraction to 1.0
        // only ties it and is refused, and the shrink lands on 2.0, also zero: 1.5 stays the answer.
        static double Flat(ReadOnlySpan<double> p) => Math.Max(0, Math.Abs(p[0]) - 2);
        double[] x = [2.5];

        var result = NelderMead.Minimize(Flat, x, [-10], [10], [1.0], restart: false);

        result.Value.Should().Be(0);
        x[0].Should().Be(1.5);
    }
}
