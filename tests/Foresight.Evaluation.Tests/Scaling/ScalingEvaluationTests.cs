using Foresight.Evaluation.Scaling;
using Foresight.Series;
using Foresight.Tests.Scaling;

namespace Foresight.Evaluation.Tests.Scaling;

public class ScalingEvaluationTests
{
    private const long Step = 300_000;    // 5 minutes
    private const long T0 = 1_700_000_000_000 / Step * Step;

    [Fact]
    public void On_a_daily_cycle_the_predictive_policy_pays_less_than_the_hpa_and_once_warm_is_short_less_often()
    {
        const int days = 14;
        var values = DemandTraces.DailyDemand(days, seed: 23);
        var trace = values.Select((v, i) => new Point(T0 + i * Step, v)).ToList();
        var report = ScalingEvaluation.Run(trace, new ScalingEvaluationOptions());
        var hpa = report.Policies.Single(p => p.Name == "hpa");
        var predictive = report.Policies.Single(p => p.Name == "predictive");
        var oracle = report.Policies.Single(p => p.Name == "oracle");
        var staticPeak = report.Policies.Single(p => p.Name == "static-peak");

        oracle.UnderProvisionedMinutes.Should().Be(0);
        staticPeak.UnderProvisionedMinutes.Should().Be(0);
        hpa.UnderProvisionedMinutes.Should().BeGreaterThan(0);
        predictive.ReplicaHours.Should().BeLessThan(hpa.ReplicaHours);
        staticPeak.ReplicaHours.Should().BeGreaterThan(hpa.ReplicaHours);
        // The first week is the forecaster's warm-up: a day with no forecast, then error samples that still hold the
        // first forecasts' large misses, which the cost-aware policy does not pay to cover. The second week shows the
        // policy itself. Measured: 18 short steps in the second week against the HPA's 43; over both weeks 530 minutes
        // short against 435, at 0.80 of its replica-hours (4,078 against 5,080).
        var secondWeek = Enumerable.Range(7 * 288, 7 * 288);
        int Short(PolicyOutcome p) => secondWeek.Count(t => report.Demand[t] > p.ReadyReplicas[t] * report.ReplicaCapacity * (1 + 1e-12));
        Short(hpa).Should().BeGreaterThan(0);
        Short(predictive).Should().BeLessThan(Short(hpa));
    }
}
