using Foresight.Classification;
using Foresight.Evaluation.Classification;

namespace Foresight.Evaluation.Tests.Classification;

public class ClassesEvaluationTests
{
    [Fact]
    public void Generated_workloads_outside_every_disclosed_seed_range_are_classified_at_least_85_percent_right()
    {
        var seeds = new SeedRange(8000, 8009);
        WorkloadClassifierOptions.DefaultTrainingSeeds.Overlaps(seeds).Should().BeFalse();
        WorkloadClassifierOptions.DevelopmentSeeds.Overlaps(seeds).Should().BeFalse();
        WorkloadClassifierOptions.HeldOutSeeds.Overlaps(seeds).Should().BeFalse();

        var report = ClassesEvaluation.Run(WorkloadClassifier.Default, new ClassesEvaluationOptions { Seeds = seeds });

        report.Workloads.Should().Be(70);
        report.Accuracy.Should().BeGreaterThanOrEqualTo(0.85);
        report.Accuracy.Should().BeGreaterThan(report.BaselineAccuracy);
        report.Confusion.Sum(row => row.Sum()).Should().Be(70);
        report.PerClass.Should().HaveCount(7).And.OnlyContain(p => p.Count == 10);
    }
}
