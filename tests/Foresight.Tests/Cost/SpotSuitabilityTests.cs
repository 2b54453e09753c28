using Foresight.Cost;

namespace Foresight.Tests.Cost;

public class SpotSuitabilityTests
{
    private const double GiB = 1024.0 * 1024 * 1024;
    private static readonly ResourceRequest OneCoreTwoGiB = new(1, 2 * GiB);

    private static SpotAssessment Assess(SpotTraits traits) => SpotSuitability.Assess(traits, OneCoreTwoGiB, PriceCatalog.Default);

    [Fact]
    public void Stateless_replicated_fast_starting_service_suits_spot_with_its_saving()
    {
        var result = Assess(new SpotTraits { Replicas = 3, Class = "web", StartupTime = TimeSpan.FromSeconds(30), MinAvailable = 2 });
        result.Suitable.Should().BeTrue();
        result.Reasons.Should().Equal(
            "It keeps no state on its node, so a replacement can start anywhere.",
            "It runs 3 replicas, so losing one node leaves the others serving.",
            "A new replica starts in 30 s, within the 2 min notice of a reclamation.");
        // On demand 0.031611 + 2 × 0.004237 = 0.040085; spot 0.006655 + 2 × 0.000892 = 0.008439.
        result.SavingsPerHour.Should().BeApproximately(0.031646, 1e-12);
        result.SavingsPerMonth.Should().BeApproximately(23.10158, 1e-9);
    }

    [Theory]
    [InlineData("database")]
    [InlineData("Cache")]
    public void Stateful_classes_are_ruled_out(string kind)
    {
        var result = Assess(new SpotTraits { Replicas = 3, Class = kind });
        result.Suitable.Should().BeFalse();
        result.Reasons[0].Should().Be($"As a {kind.ToLowerInvariant()} it keeps state on its node: a reclaimed node loses that state or forces a rebuild, so keep it on on-demand nodes.");
    }

    [Fact]
    public void A_single_replica_is_ruled_out()
    {
        var result = Assess(new SpotTraits { Replicas = 1, Class = "api" });
        result.Suitable.Should().BeFalse();
        result.Reasons[0].Should().StartWith("It runs 1 replica: every reclamation is an outage");
    }

    [Fact]
    public void A_disruption_budget_that_lets_no_replica_go_is_ruled_out()
    {
        var result = Assess(new SpotTraits { Replicas = 2, MinAvailable = 2 });
        result.Suitable.Should().BeFalse();
        result.Reasons[0].Should().Be("Its disruption budget keeps 2 of 2 replicas available, so no replica may go and every reclamation breaks the budget.");
    }

    [Fact]
    public void A_start_up_longer_than_the_notice_is_ruled_out()
    {
        var result = Assess(new SpotTraits { Replicas = 4, StartupTime = TimeSpan.FromMinutes(5) });
        result.Suitable.Should().BeFalse();
        result.Reasons[0].Should().Be("A new replica takes 5 min to start, longer than the 2 min notice of a reclamation, so it runs short of a replica each time.");
        SpotSuitability.Assess(new SpotTraits { Replicas = 4, StartupTime = TimeSpan.FromMinutes(5) }, OneCoreTwoGiB, PriceCatalog.Default,
            new SpotOptions { Notice = TimeSpan.FromMinutes(10) }).Suitable.Should().BeTrue();
    }

    [Fact]
    public void Owner_saying_it_does_not_tolerate_interruptions_rules_it_out()
    {
        Assess(new SpotTraits { Replicas = 5, InterruptionTolerant = false }).Reasons.Should().Contain("Its owner marks it as not tolerating interruptions.");
    }

    [Fact]
    public void Batch_that_checkpoints_suits_spot_even_with_one_replica()
    {
        var result = Assess(new SpotTraits { Replicas = 1, Class = "ml", Checkpoints = true, RunTime = TimeSpan.FromHours(12) });
        result.Suitable.Should().BeTrue();
        result.Reasons.Should().Contain("It saves checkpoints, so an interrupted run resumes and loses only the work since the last one.");
    }

    [Fact]
    public void Batch_without_checkpoints_suits_spot_only_for_short_runs()
    {
        Assess(new SpotTraits { Replicas = 1, Class = "batch", RunTime = TimeSpan.FromMinutes(20) }).Suitable.Should().BeTrue();
        var longRun = Assess(new SpotTraits { Replicas = 1, Class = "batch", RunTime = TimeSpan.FromHours(6) });
        longRun.Suitable.Should().BeFalse();
        longRun.Reasons[0].Should().StartWith("A run lasts 6 h without checkpoints");
        Assess(new SpotTraits { Replicas = 1, Class = "batch" }).Reasons[0].Should().Contain("its run time is unknown");
    }
}
