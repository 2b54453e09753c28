using Foresight.Cost;
using Foresight.Series;

namespace Foresight.Tests.Cost;

public class CostModelTests
{
    private const double GiB = 1024.0 * 1024 * 1024;
    private static readonly PriceCatalog Prices = PriceCatalog.Default;

    [Fact]
    public void Idle_usage_is_charged_at_the_request()
    {
        // 2 cores requested, 0.5 used, for 730 h: 2 × 0.031611 × 730 = 46.15206.
        var cost = CostModel.Integrate(new ResourceRequest(2, 0), [new UsageInterval(TimeSpan.FromHours(730), 0.5, 0)], Prices);
        cost.CpuCost.Should().BeApproximately(46.15206, 1e-9);
        cost.MemoryCost.Should().Be(0);
        cost.PerMonth.Should().BeApproximately(46.15206, 1e-9);
        cost.PerYear.Should().BeApproximately(2 * 0.031611 * 8760, 1e-9);
        cost.Currency.Should().Be("USD");
    }

    [Fact]
    public void Usage_above_the_request_is_charged_at_the_usage()
    {
        // Memory: 4 GiB requested; 6 GiB used for 10 h, 2 GiB for 10 h → (6 + 4) × 10 = 100 GiB-h × 0.004237 = 0.4237.
        var cost = CostModel.Integrate(new ResourceRequest(0, 4 * GiB),
            [new UsageInterval(TimeSpan.FromHours(10), 0, 6 * GiB), new UsageInterval(TimeSpan.FromHours(10), 0, 2 * GiB)], Prices);
        cost.MemoryCost.Should().BeApproximately(0.4237, 1e-12);
        cost.Hours.Should().Be(20);
        cost.PerHour.Should().BeApproximately(0.4237 / 20, 1e-12);
    }

    [Fact]
    public void Requests_are_multiplied_by_replicas_and_compared_with_total_usage()
    {
        // 3 replicas × 0.5 cores = 1.5; usage 2 for 1 h (above), 1 for 30 min (below): (2 × 1 + 1.5 × 0.5) × 0.031611.
        var cost = CostModel.Integrate(new ResourceRequest(0.5, 0, 3),
            [new UsageInterval(TimeSpan.FromHours(1), 2, 0), new UsageInterval(TimeSpan.FromMinutes(30), 1, 0)], Prices);
        cost.CpuCost.Should().BeApproximately(2.75 * 0.031611, 1e-12);
    }

    [Fact]
    public void Gaps_in_usage_are_charged_at_the_request()
    {
        var cost = CostModel.Integrate(new ResourceRequest(1, 0), [new UsageInterval(TimeSpan.FromHours(2), double.NaN, double.NaN)], Prices);
        cost.CpuCost.Should().BeApproximately(2 * 0.031611, 1e-12);
    }

    [Fact]
    public void Spot_rates_apply_when_asked()
    {
        CostModel.OfRequest(new ResourceRequest(1, GiB), Prices, hours: 1, spot: true).Total.Should().BeApproximately(0.006655 + 0.000892, 1e-12);
    }

    [Fact]
    public void Empty_usage_covers_no_time_and_costs_nothing()
    {
        var cost = CostModel.Integrate(new ResourceRequest(1, GiB), [], Prices);
        (cost.Hours, cost.Total, cost.PerHour).Should().Be((0.0, 0.0, 0.0));
    }

    [Fact]
    public void Samples_hold_each_series_value_until_its_next_point()
    {
        const long t0 = 1_700_000_000_000;
        var cpu = new[] { new Point(t0, 1), new Point(t0 + 60_000, 3) };
        var mem = new[] { new Point(t0 + 30_000, 5 * GiB), new Point(t0 + 60_000, 7 * GiB) };
        var samples = CostModel.Intervals(cpu, mem);
        samples.Should().Equal(
            new UsageInterval(TimeSpan.FromSeconds(30), 1, 5 * GiB),   // memory's first value stands for the time before it
            new UsageInterval(TimeSpan.FromSeconds(30), 1, 5 * GiB),
            new UsageInterval(TimeSpan.FromSeconds(30), 3, 7 * GiB));  // the last lasts the median step
    }

    [Fact]
    public void Savings_of_a_cut_are_priced_per_month_and_year()
    {
        // Now 2 cores + 4 GiB = 0.063222 + 0.016948 = 0.080170 per hour; after 1 core + 2 GiB = 0.040085.
        var savings = CostModel.Savings(new ResourceRequest(2, 4 * GiB), new ResourceRequest(1, 2 * GiB), [], Prices);
        savings.PerHour.Should().BeApproximately(0.040085, 1e-12);
        savings.PerMonth.Should().BeApproximately(29.26205, 1e-9);
        savings.PerYear.Should().BeApproximately(351.1446, 1e-9);
        savings.Fraction.Should().BeApproximately(0.5, 1e-12);
    }

    [Fact]
    public void A_cut_below_real_usage_saves_only_down_to_the_usage()
    {
        // Usage 1.5 cores all the time: cutting 2 → 1 core saves only 0.5 core.
        var usage = new[] { new UsageInterval(TimeSpan.FromHours(730), 1.5, 0) };
        var savings = CostModel.Savings(new ResourceRequest(2, 0), new ResourceRequest(1, 0), usage, Prices);
        savings.PerMonth.Should().BeApproximately(0.5 * 0.031611 * 730, 1e-9);
    }

    [Fact]
    public void Economics_give_payback_roi_and_priority_from_savings_and_risk()
    {
        var savings = CostModel.Savings(new ResourceRequest(2, 4 * GiB), new ResourceRequest(1, 2 * GiB), [], Prices);
        var low = ChangeEconomics.Of(savings, ChangeRisk.Low);
        low.EffortCost.Should().Be(100);                                // 1 engineer-hour × 100
        low.PaybackMonths!.Value.Should().BeApproximately(100 / 29.26205, 1e-9);
        low.FirstYearRoi!.Value.Should().BeApproximately((351.1446 - 100) / 100, 1e-9);
        low.Priority.Should().Be(RecommendationPriority.Medium);        // 29.26 a month: at least 10, under 100
        low.Reason.Should().Be("It saves 29.26 a month (at least 10) at low risk and pays back its effort in 3.42 months.");
        ChangeEconomics.Of(savings, ChangeRisk.Medium).Priority.Should().Be(RecommendationPriority.Low);
        ChangeEconomics.Of(savings, ChangeRisk.High).Priority.Should().Be(RecommendationPriority.Low);
    }

    [Fact]
    public void Large_low_risk_savings_are_high_priority_and_medium_risk_drops_one_step()
    {
        var savings = CostModel.Savings(new ResourceRequest(2, 4 * GiB, 10), new ResourceRequest(1, 2 * GiB, 10), [], Prices);   // 292.62 a month
        ChangeEconomics.Of(savings, ChangeRisk.Low).Priority.Should().Be(RecommendationPriority.High);
        ChangeEconomics.Of(savings, ChangeRisk.Medium).Priority.Should().Be(RecommendationPriority.Medium);
    }

    [Fact]
    public void A_change_that_does_not_pay_back_within_a_year_is_low_priority()
    {
        var savings = CostModel.Savings(new ResourceRequest(2, 4 * GiB, 10), new ResourceRequest(1, 2 * GiB, 10), [], Prices);
        var costly = ChangeEconomics.Of(savings, ChangeRisk.Low, new EconomicsOptions { EffortHours = 40, EngineerHourlyRate = 150 });
        costly.PaybackMonths!.Value.Should().BeApproximately(6000 / 292.6205, 1e-9);   // 20.5 months
        costly.Priority.Should().Be(RecommendationPriority.Low);
        costly.Reason.Should().Contain("20.5 months to pay back");
    }

    [Fact]
    public void A_change_that_costs_more_has_no_payback_and_low_priority()
    {
        var savings = CostModel.Savings(new ResourceRequest(1, GiB), new ResourceRequest(2, GiB), [], Prices);
        var economics = ChangeEconomics.Of(savings, ChangeRisk.Low);
        economics.SavingsPerMonth.Should().BeApproximately(-0.031611 * 730, 1e-9);
        economics.PaybackMonths.Should().BeNull();
        economics.Priority.Should().Be(RecommendationPriority.Low);
    }

    [Fact]
    public void Free_effort_pays_back_at_once_and_has_no_roi_ratio()
    {
        var savings = CostModel.Savings(new ResourceRequest(2, 0), new ResourceRequest(1, 0), [], Prices);
        var economics = ChangeEconomics.Of(savings, ChangeRisk.Low, new EconomicsOptions { EffortHours = 0 });
        economics.PaybackMonths.Should().Be(0);
        economics.FirstYearRoi.Should().BeNull();
    }

    [Theory]
    [InlineData(0.0, 0.3, ChangeRisk.Low)]
    [InlineData(0.01, 0.5, ChangeRisk.Low)]
    [InlineData(0.02, 0.3, ChangeRisk.Medium)]
    [InlineData(0.0, 0.6, ChangeRisk.Medium)]
    [InlineData(0.06, 0.1, ChangeRisk.High)]
    [InlineData(0.0, 0.85, ChangeRisk.High)]
    public void Risk_follows_replay_exceedance_and_cut_depth(double exceedance, double cut, ChangeRisk expected)
    {
        ChangeEconomics.RiskOf(exceedance, cut).Should().Be(expected);
    }

    [Fact]
    public void Assessment_joins_a_workloads_requests_savings_and_economics()
    {
        var assessment = CostModel.Assess("checkout", new ResourceRequest(2, 4 * GiB), new ResourceRequest(1, 2 * GiB), [], Prices, ChangeRisk.Low);
        assessment.Workload.Should().Be("checkout");
        assessment.Savings.PerMonth.Should().BeApproximately(29.26205, 1e-9);
        assessment.Economics.Priority.Should().Be(RecommendationPriority.Medium);
    }

    [Fact]
    public void Invalid_requests_are_programmer_errors()
    {
        var act = () => CostModel.OfRequest(new ResourceRequest(-1, 0), Prices);
        act.Should().Throw<ArgumentException>().WithMessage("CPU request must be 0 or more cores*");
    }
}
