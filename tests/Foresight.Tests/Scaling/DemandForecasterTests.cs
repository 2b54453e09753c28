using Foresight.Scaling;
using Foresight.Series;

namespace Foresight.Tests.Scaling;

public class DemandForecasterTests
{
    private const long Step = 300_000;    // 5 minutes
    private const long T0 = 1_700_000_000_000 / Step * Step;

    [Fact]
    public void The_band_is_wider_at_the_hours_whose_errors_are_larger()
    {
        var (at9, at21) = BandsOnNoisyMornings(new DemandForecasterOptions());
        at9.Should().BeGreaterThan(5 * at21, "the band at 09:00 comes from the noisy morning's errors, the one at 21:00 from the quiet evening's");
        var (pooled9, pooled21) = BandsOnNoisyMornings(new DemandForecasterOptions { PhaseWindowHours = 12 });
        (pooled9 / pooled21).Should().BeLessThan(2, "pooling the whole day gives every hour about the same band");
    }

    /// <summary>
    /// A flat demand of 50 with 1% noise, except from 08:00 to 11:00 UTC where it is 20%; over the sixth
    /// day, the last one-step band (upper minus mean) for a target at 09:00 and at 21:00.
    /// </summary>
    private static (double At9, double At21) BandsOnNoisyMornings(DemandForecasterOptions options)
    {
        var random = new Random(3);
        var forecaster = new DemandForecaster(Step, leads: 1, options);
        double at9 = double.NaN, at21 = double.NaN;
        for (var i = 0; i < 6 * 288; i++)
        {
            var t = T0 + i * Step;
            var hour = t % 86_400_000 / 3_600_000;
            var u1 = 1 - random.NextDouble();
            var normal = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * random.NextDouble());
            forecaster.Observe(t, 50 * (1 + (hour is >= 8 and < 11 ? 0.2 : 0.01) * normal));
            if (i < 5 * 288 || forecaster.Outlook is not { } outlook) continue;
            var target = outlook.Start % 86_400_000 / 3_600_000;
            if (target == 9) at9 = outlook.Upper[0] - outlook.Mean[0];
            if (target == 21) at21 = outlook.Upper[0] - outlook.Mean[0];
        }
        return (at9, at21);
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
        var values = DemandTraces.DailyDemand(days: 6, seed: 11);
        var forecaster = new DemandForecaster(Step, leads: 3);
        var level = new DemandForecasterOptions().Level;
        int covered = 0, scored = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (forecaster.Outlook is { } outlook && i >= 3 * 288)
            {
                scored++;
                if (values[i] <= outlook.Upper[0]) covered++;
                // The band's edge is the level's quantile of the errors the exceedance is read from.
                outlook.Errors![0].Length.Should().BeGreaterThanOrEqualTo(48);
                outlook.Exceedance(0, outlook.Upper[0]).Should().BeApproximately(1 - level, 0.03);
                outlook.Start.Should().Be(T0 + i * Step);
                outlook.Upper.Zip(outlook.Mean).Should().OnlyContain(p => p.First >= p.Second);
            }
            forecaster.Observe(T0 + i * Step, values[i]);
        }
        scored.Should().Be(3 * 288);
        ((double)covered / scored).Should().BeInRange(level - 0.05, level + 0.05);
        forecaster.ModelDescription.Should().NotBeNullOrEmpty();
    }

    /// <summary>
    /// Demand of 100 (1% noise) with bursts to 130 that start without warning (2% of steps) and last half an
    /// hour: a forecast that misses a burst's first step misses the next ones too, so whether 110 serves three
    /// steps in a row is likelier than the product of the steps' own chances. The joint errors keep that: over
    /// the last two days, from origins outside a burst, the mean stated chance is nearer to how often the three
    /// steps were served than the product of the marginals.
    /// </summary>
    [Fact]
    public void The_chance_of_serving_every_step_comes_from_the_forecasts_joint_errors()
    {
        var random = new Random(5);
        var values = new double[5 * 288];
        var burst = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (burst > 0) burst--;
            else if (random.NextDouble() < 0.02) burst = 6;
            var u1 = 1 - random.NextDouble();
            values[i] = (burst > 0 ? 130 : 100) * (1 + 0.01 * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }
        var forecaster = new DemandForecaster(Step, leads: 3);
        double joint = 0, product = 0;
        int served = 0, scored = 0;
        for (var i = 0; i < values.Length - 3; i++)
        {
            forecaster.Observe(T0 + i * Step, values[i]);
            if (i < 3 * 288 || forecaster.Outlook is not { } outlook || values[i] > 110) continue;
            outlook.JointErrors.Should().NotBeNull();
            (outlook.JointErrors!.Length % 3).Should().Be(0);
            (outlook.JointErrors.Length / 3).Should().BeGreaterThanOrEqualTo(48);
            scored++;
            joint += outlook.Covered(0, 2, 110);
            product += (1 - outlook.Exceedance(0, 110)) * (1 - outlook.Exceedance(1, 110)) * (1 - outlook.Exceedance(2, 110));
            if (values[i + 1] <= 110 && values[i + 2] <= 110 && values[i + 3] <= 110) served++;
        }
        var share = (double)served / scored;
        // Seed 5: stated 0.853 jointly, 0.798 as a product; served 0.912 (seeds 6 to 8: 0.882 / 0.816 / 0.918,
        // 0.870 / 0.802 / 0.952, 0.926 / 0.878 / 0.941). The rows mix every origin's errors, the scored origins are
        // those outside a burst, so the joint chance is a little low too.
        Math.Abs(joint / scored - share).Should().BeLessThan(0.1);
        Math.Abs(product / scored - share).Should().BeGreaterThan(Math.Abs(joint / scored - share) + 0.03, "independent steps understate the chance when misses last");
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
}
