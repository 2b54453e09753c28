using System.Globalization;
using Foresight.Tests.Support;

namespace Foresight.Cli.Tests.Commands;

/// <summary>Small <c>timestamp,value</c> files for the command tests.</summary>
internal static class CsvFixtures
{
    /// <summary>Ten days of hourly values with a daily cycle (240 rows after the header).</summary>
    public static string WriteHourly(TempDirectory dir, string name = "load.csv")
    {
        var start = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var lines = new List<string> { "timestamp,value" };
        for (var i = 0; i < 240; i++) lines.Add(string.Create(CultureInfo.InvariantCulture, $"{start.AddHours(i):yyyy-MM-dd HH:mm:ss},{100 + 20 * Math.Sin(2 * Math.PI * i / 24):0.##}"));
        return Write(dir, name, [.. lines]);
    }

    public static string Write(TempDirectory dir, string name, params string[] lines)
    {
        var path = Path.Combine(dir.Path, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    /// <summary>Asserts the command failed on its input: exit 2, the message, and no stack trace.</summary>
    public static void ShouldBeRefused(this (int Exit, string Out, string Error) run, string expected)
    {
        run.Exit.Should().Be(2, run.Error);
        run.Error.Should().Contain(expected).And.NotContain("   at ").And.NotContain("Exception");
    }
}
