using Foresight.Scaling;
using Foresight.Scaling.Evaluation;
using Foresight.Series;

namespace Foresight.Tests.Scaling;

public class DemandForecasterTests
{
    private const long Step = 300_000;    // 5 minutes
    private const long T0 = 1_700_000_000_000 / Step * Step;

    /// <summary>
    /// A working-day cycle with Gaussian noise of 5% of the level (seeded): 20 at night, a morning
    /// ramp to 100 within 30 minutes at 08:00, an evening fall at 20:00.
    /// </summary>
    private static double[] DailyDemand(int days, int seed)
    {
        var random = new Random(seed);
        var values = new double[days * 288];
        for (var i = 0; i < values.Length; i++)
        {
            var minute = i % 288 * 5;
            var level = minute < 480 ? 20 : minute < 510 ? 20 + 80 * (minute - 480) / 30.0 : minute < 1200 ? 100 : minute < 1260 ? 100 - 80 * (minute - 1200) / 60.0 : 20;
            var u1 = 1 - random.NextDouble();
            var normal = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * random.NextDouble());
            values[i] = level * (1 + 0.05 * normal);
        }
        return values;
    }

    [Fact]
    public void There_is_no_outlook_before_a_day_of_history()
    {
        var forecaster = new DemandForecaster(Step, leads: 3);
        for (var i = 0; i < 200; i++) forecaster.Observe(T0 + i * Step, 50);
        forecaster.Outlook.Should().BeNull();
    }

    [Fact]
    public void The_upper_band_covers_about_its_level_of_the_next_values()
    {
        var values = DailyDemand(days: 6, seed: 11);
        var forecaster = new DemandForecaster(Step, leads: 3);
        int covered = 0, scored = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (forecaster.Outlook is { } outlook && i >= 3 * 288)
            {
                scored++;
                if (values[i] <= outlook.Upper[0]) covered++;
                outlook.Start.Should().Be(T0 + i * Step);
                outlook.Upper.Zip(outlook.Mean).Should().OnlyContain(p => p.First >= p.Second);
            }
            forecaster.Observe(T0 + i * Step, values[i]);
        }
        scored.Should().Be(3 * 288);
        ((double)covered / scored).Should().BeInRange(0.85, 0.95);
        forecaster.ModelDescription.Should().NotBeNullOrEmpty();
    }

    [Fact]
    public void Timestamps_must_move_forward_and_skipped_steps_are_filled()
    {
        var forecaster = new DemandForecaster(Step, leads: 2);
        forecaster.Observe(T0, 10);
        forecaster.Observe(T0 + 3 * Step, 40);
        forecaster.Count.Should().Be(4);   // 10, 20, 30, 40
        var act = () => forecaster.Observe(T0 + 3 * Step, 50);
        act.Should().Throw<ArgumentException>().WithMessage("*is not after the last one*");
    }

    [Fact]
    public void On_a_daily_cycle_the_predictive_policy_is_short_less_than_the_hpa_and_pays_less()
    {
        var values = DailyDemand(days: 8, seed: 23);
        var trace = values.Select((v, i) => new Point(T0 + i * Step, v)).ToList();
        var report = ScalingEvaluation.Run(trace, new ScalingEvaluationOptions())!;
        var hpa = report.Policies.Single(p => p.Name == "hpa");
        var predictive = report.Policies.Single(p => p.Name == "predictive");
        var oracle = report.Policies.Single(p => p.Name == "oracle");
        var staticPeak = report.Policies.Single(p => p.Name == "static-peak");

        oracle.UnderProvisionedMinutes.Should().Be(0);
        staticPeak.UnderProvisionedMinutes.Should().Be(0);
        hpa.UnderProvisionedMinutes.Should().BeGreaterThan(0);
        // Measured: about 15% fewer minutes short at 0.83 times the HPA's replica-hours (the sharp
        // 30-minute ramp is still under-covered by the 90% band; see the issue notes).
        predictive.UnderProvisionedMinutes.Should().BeLessThan(hpa.UnderProvisionedMinutes);
        predictive.ReplicaHours.Should().BeLessThan(hpa.ReplicaHours);
        staticPeak.ReplicaHours.Should().BeGreaterThan(hpa.ReplicaHours);
    }
}
