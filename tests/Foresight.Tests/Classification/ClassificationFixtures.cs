namespace Foresight.Tests.Classification;

/// <summary>Hand-built series for the classification tests: 5-minute steps from a Monday midnight (UTC).</summary>
internal static class ClassificationFixtures
{
    public static readonly TimeSpan Step = TimeSpan.FromMinutes(5);
    public static readonly DateTimeOffset Monday = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public const int PerDay = 288;

    public static double[] Samples(int days, Func<int, double> value) => Enumerable.Range(0, days * PerDay).Select(value).ToArray();

    /// <summary>Hour of the day of sample <paramref name="i"/>.</summary>
    public static double HourOf(int i) => i % PerDay / 12.0;
}
