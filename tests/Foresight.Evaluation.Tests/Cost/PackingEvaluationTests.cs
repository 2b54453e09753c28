using Foresight.Cost;
using Foresight.Evaluation.Cost;

namespace Foresight.Evaluation.Tests.Cost;

public class PackingEvaluationTests
{
    [Fact]
    public void Evaluation_compares_the_packer_with_single_type_ffd_above_the_bound_on_every_provider()
    {
        var report = PackingEvaluation.Run(InstanceCatalog.Default, new PackingEvaluationOptions { Seed = 3, Fleets = 2, Workloads = (10, 25) });
        report.Cases.Should().HaveCount(6);
        report.Cases.Select(c => c.Provider).Distinct().Should().BeEquivalentTo("aws", "gcp", "azure");
        report.Cases.Should().OnlyContain(c => c.PackerPerHour <= c.FfdPerHour + 1e-9 && c.LowerBoundPerHour <= c.PackerPerHour + 1e-9 && c.LpBoundPerHour <= c.LowerBoundPerHour + 1e-9);
        report.PackerNoWorse.Should().Be(6);
        PackingEvaluation.Fleet(new Random(5), 30).Should().BeEquivalentTo(PackingEvaluation.Fleet(new Random(5), 30), "the generator is deterministic in its seed");
    }
}
