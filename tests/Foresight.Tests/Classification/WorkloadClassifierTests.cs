using Foresight.Classification;
using static Foresight.Tests.Classification.ClassificationFixtures;

namespace Foresight.Tests.Classification;

public class WorkloadClassifierTests
{

    private static double[] Fortnight(Func<int, double> value) => Samples(14, value);

    private static double Daily(int i) => 0.6 + 0.4 * Math.Sin(2 * Math.PI * (HourOf(i) - 9) / 24);

    [Fact]
    public void A_hand_built_cache_is_a_cache_and_says_why()
    {
        // 20,000 operations/s at 10 µs each, 16 GiB held flat, 0.3 ms latency, no disk.
        var random = new Random(3);
        var ops = Fortnight(i => 20_000 * Daily(i) * (1 + 0.03 * random.NextDouble()));
        var metrics = new WorkloadMetrics
        {
            Step = Step, Start = Monday,
            CpuCores = ops.Select(o => 0.05 + o * 1e-5).ToArray(),
            MemoryBytes = Fortnight(_ => 16.0 * (1 << 30)),
            RequestsPerSecond = ops,
            LatencySeconds = Fortnight(_ => 0.0003 * (1 + 0.05 * random.NextDouble())),
        };

        WorkloadClassifier.Default.TryClassify(metrics, out var result, out var error).Should().BeTrue(error);

        result.Class.Should().Be(WorkloadClass.Cache);
        result.Confidence.Should().BeGreaterThan(0.5);
        result.Reasons.Should().NotBeEmpty();
        result.Reasons.Should().BeInDescendingOrder(r => r.Contribution);
        result.Reasons.Should().OnlyContain(r => r.Contribution > 0 && WorkloadFeatures.Definitions.Any(d => d.Name == r.Feature) && r.TypicalLow <= r.TypicalHigh);
    }

    [Fact]
    public void A_nightly_job_without_requests_is_batch()
    {
        // Two hours at 6 cores from 02:00, 4 GiB while it runs, idle otherwise.
        var running = Fortnight(i => HourOf(i) is >= 2 and < 4 ? 1 : 0);
        var metrics = new WorkloadMetrics
        {
            Step = Step, Start = Monday,
            CpuCores = running.Select(r => 0.01 + 6 * r).ToArray(),
            MemoryBytes = running.Select(r => (0.2 + 4 * r) * (1 << 30)).ToArray(),
        };

        WorkloadClassifier.Default.TryClassify(metrics, out var result, out _).Should().BeTrue();

        result.Class.Should().Be(WorkloadClass.Batch);
    }

    [Fact]
    public void Probabilities_cover_every_class_and_sum_to_one()
    {
        var metrics = WorkloadGenerator.Generate(WorkloadClass.Database, 8100, 14, Step);

        WorkloadClassifier.Default.TryClassify(metrics, out var result, out _).Should().BeTrue();

        result.Probabilities.Should().HaveCount(7);
        result.Probabilities.Values.Sum().Should().BeApproximately(1, 1e-9);
        result.Confidence.Should().Be(result.Probabilities.Values.Max());
    }

    [Fact]
    public void Unusable_metrics_are_an_error_not_an_exception()
    {
        var metrics = new WorkloadMetrics { Step = Step, Start = Monday, CpuCores = new double[10] };

        WorkloadClassifier.Default.TryClassify(metrics, out _, out var error).Should().BeFalse();

        error.Should().Contain("at least 48 h");
    }

    [Theory]
    [InlineData("5000-5699", 5000, 5699)]
    [InlineData("42", 42, 42)]
    [InlineData("2147483647", 2147483647, 2147483647)]
    [InlineData("0-99999", 0, 99999)]
    public void Seed_ranges_parse(string text, int first, int last)
    {
        SeedRange.TryParse(text, out var range, out _).Should().BeTrue();

        range.Should().Be(new SeedRange(first, last));
    }

    [Theory]
    [InlineData("10-5")]
    [InlineData("a-b")]
    [InlineData("1-2-3")]
    [InlineData("0-100000")]
    [InlineData("0-2147483647")]
    public void Bad_seed_ranges_are_refused(string text)
    {
        SeedRange.TryParse(text, out _, out var error).Should().BeFalse();

        error.Should().Contain(text);
    }
}
