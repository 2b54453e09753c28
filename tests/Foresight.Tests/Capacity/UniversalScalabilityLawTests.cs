using Foresight.Capacity;

namespace Foresight.Tests.Capacity;

public class UniversalScalabilityLawTests
{
    // The "Cisco" benchmark of Schwartz (2015), as usl4j's ModelTest carries it: concurrency 1..32.
    private static readonly double[] CiscoThroughput =
    [
        955.16, 1878.91, 2688.01, 3548.68, 4315.54, 5130.43, 5931.37, 6531.08, 7219.8, 7867.61, 8278.71, 8646.7,
        9047.84, 9426.55, 9645.37, 9897.24, 10097.6, 10240.5, 10532.39, 10798.52, 11151.43, 11518.63, 11806, 12089.37,
        12075.41, 12177.29, 12211.41, 12158.93, 12155.27, 12118.04, 12140.4, 12074.39,
    ];

    private static double[] CiscoConcurrency => Enumerable.Range(1, 32).Select(n => (double)n).ToArray();

    private static UslModel Fit(double[] n, double[] x)
    {
        UniversalScalabilityLaw.TryFit(n, x, out var model, out var error).Should().BeTrue(error);
        return model!;
    }

    [Fact]
    public void Fit_reproduces_the_book_values_of_the_cisco_benchmark_within_0_02_percent()
    {
        var model = Fit(CiscoConcurrency, CiscoThroughput);

        model.Sigma.Value.Should().BeApproximately(0.02671591, 0.02671591 * 2e-4);
        model.Kappa.Value.Should().BeApproximately(7.690945e-4, 7.690945e-4 * 2e-4);
        model.Lambda.Value.Should().BeApproximately(995.6486, 995.6486 * 2e-4);
        model.MaxConcurrency.Should().Be(35);
        model.Knee.Should().BeApproximately(35.58, 0.01);
        model.MaxThroughput.Should().BeApproximately(12341.7454, 12341.7454 * 2e-4);
        model.Throughput(20).Should().BeApproximately(11063.633, 11063.633 * 2e-4);   // usl4j's throughputAtConcurrency(20)
    }

    [Fact]
    public void Each_interval_contains_its_estimate_and_the_band_contains_the_curve()
    {
        var model = Fit(CiscoConcurrency, CiscoThroughput);

        foreach (var p in new[] { model.Lambda, model.Sigma, model.Kappa })
        {
            p.StandardError.Should().BePositive();
            p.Contains(p.Value).Should().BeTrue();
        }
        var prediction = model.Predict(40);
        prediction.Lower.Should().BeLessThan(prediction.Throughput);
        prediction.Upper.Should().BeGreaterThan(prediction.Throughput);
        prediction.Throughput.Should().Be(model.Throughput(40));
    }

    [Fact]
    public void Intervals_shrink_when_the_same_design_is_measured_four_times_as_often()
    {
        var random = new Random(7);
        var (n, x) = Noisy(random, repeats: 1);
        var (n4, x4) = Noisy(random, repeats: 4);
        var small = Fit(n, x);
        var large = Fit(n4, x4);

        Width(large.Sigma).Should().BeLessThan(Width(small.Sigma));
        Width(large.Kappa).Should().BeLessThan(Width(small.Kappa));
        Width(large.Lambda).Should().BeLessThan(Width(small.Lambda));
        large.Sigma.Contains(0.05).Should().BeTrue();
        large.Kappa.Contains(0.001).Should().BeTrue();
        large.Lambda.Contains(100).Should().BeTrue();

        static double Width(ParameterEstimate p) => p.Upper - p.Lower;
    }

    private static (double[] N, double[] X) Noisy(Random random, int repeats)
    {
        var n = new List<double>();
        var x = new List<double>();
        for (var r = 0; r < repeats; r++)
            for (var c = 1; c <= 40; c += 3)
            {
                n.Add(c);
                x.Add(UslModel.Evaluate(c, 100, 0.05, 0.001) * (1 + 0.02 * (random.NextDouble() - 0.5) * 3.46));
            }
        return (n.ToArray(), x.ToArray());
    }

    [Fact]
    public void Too_few_observations_are_an_error_that_says_how_many_are_needed()
    {
        UniversalScalabilityLaw.TryFit([1, 2, 3], [10, 19, 27], out var model, out var error).Should().BeFalse();
        model.Should().BeNull();
        error.Should().Contain("at least 4 observations").And.Contain("got 3");
    }

    [Fact]
    public void Repeated_concurrency_levels_are_degenerate_data()
    {
        UniversalScalabilityLaw.TryFit([4, 4, 8, 8, 8], [10, 11, 19, 20, 21], out _, out var error).Should().BeFalse();
        error.Should().Contain("3 or more distinct");
    }

    [Fact]
    public void A_non_positive_throughput_is_reported_with_its_index()
    {
        UniversalScalabilityLaw.TryFit([1, 2, 3, 4], [10, 19, -1, 30], out _, out var error).Should().BeFalse();
        error.Should().Contain("observation 2");
    }
}
