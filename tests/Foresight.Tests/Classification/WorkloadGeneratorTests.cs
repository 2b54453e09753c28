using Foresight.Classification;

namespace Foresight.Tests.Classification;

public class WorkloadGeneratorTests
{
    private static readonly TimeSpan Step = TimeSpan.FromMinutes(5);

    [Theory]
    [InlineData(WorkloadClass.Web)]
    [InlineData(WorkloadClass.Batch)]
    [InlineData(WorkloadClass.Ml)]
    public void The_same_seed_gives_the_same_workload_and_another_seed_a_different_one(WorkloadClass workloadClass)
    {
        var first = WorkloadGenerator.Generate(workloadClass, 42, 7, Step);
        var again = WorkloadGenerator.Generate(workloadClass, 42, 7, Step);
        var other = WorkloadGenerator.Generate(workloadClass, 43, 7, Step);

        again.CpuCores.Should().Equal(first.CpuCores);
        again.Start.Should().Be(first.Start);
        (again.MemoryBytes is null).Should().Be(first.MemoryBytes is null);
        other.CpuCores.Should().NotEqual(first.CpuCores);
    }

    [Fact]
    public void Every_class_gives_usable_metrics_of_the_requested_length()
    {
        foreach (var workloadClass in WorkloadClasses.All)
        {
            for (var seed = 0; seed < 5; seed++)
            {
                var metrics = WorkloadGenerator.Generate(workloadClass, seed, 3, TimeSpan.FromMinutes(1));

                metrics.Length.Should().Be(3 * 1440);
                metrics.Validate().Should().BeNull();
                metrics.CpuCores.Should().OnlyContain(v => double.IsFinite(v) && v >= 0, $"{workloadClass} seed {seed}");
            }
        }
    }

    [Fact]
    public void Batch_has_no_request_traffic_and_caches_hold_far_more_memory_per_core_than_microservices()
    {
        for (var seed = 0; seed < 10; seed++)
        {
            var batch = WorkloadGenerator.Generate(WorkloadClass.Batch, seed, 7, Step);
            (batch.RequestsPerSecond is null || batch.RequestsPerSecond.Average() < 1.5).Should().BeTrue();
        }
        double MemoryPerCore(WorkloadClass c, int seed)
        {
            WorkloadFeatures.TryCompute(WorkloadGenerator.Generate(c, seed, 7, Step), out var features, out _);
            return features["memory_gib_per_core"];
        }
        var caches = Enumerable.Range(0, 20).Select(s => MemoryPerCore(WorkloadClass.Cache, s)).Where(double.IsFinite).Order().ToList();
        var micro = Enumerable.Range(0, 20).Select(s => MemoryPerCore(WorkloadClass.Microservice, s)).Where(double.IsFinite).Order().ToList();

        caches[caches.Count / 2].Should().BeGreaterThan(10 * micro[micro.Count / 2]);
    }

    [Fact]
    public void Misuse_throws()
    {
        var tooShort = () => WorkloadGenerator.Generate(WorkloadClass.Web, 1, 1, Step);
        var badStep = () => WorkloadGenerator.Generate(WorkloadClass.Web, 1, 7, TimeSpan.FromHours(2));

        tooShort.Should().Throw<ArgumentOutOfRangeException>();
        badStep.Should().Throw<ArgumentOutOfRangeException>();
    }
}
