namespace Foresight.Tests.Scaling;

/// <summary>Synthetic demand traces shared by the forecaster tests and the replay tests (linked into Foresight.Evaluation.Tests).</summary>
internal static class DemandTraces
{
    /// <summary>
    /// A working-day cycle with Gaussian noise of 5% of the level (seeded): 20 at night, a morning
    /// ramp to 100 within 30 minutes at 08:00, an evening fall at 20:00.
    /// </summary>
    public static double[] DailyDemand(int days, int seed)
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
}
