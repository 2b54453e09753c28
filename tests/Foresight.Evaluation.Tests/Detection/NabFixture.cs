using System.Globalization;
using Foresight.Evaluation.Detection;

namespace Foresight.Evaluation.Tests.Detection;

/// <summary>Small NAB corpora built in code, and the same written in NAB's folder layout.</summary>
internal static class NabFixture
{
    public static readonly DateTime Start = new(2014, 7, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>A file of <paramref name="rows"/> rows, 5 minutes apart, with the given windows.</summary>
    public static NabFile File(string relativePath, int rows, params NabWindow[] windows)
    {
        var t = new long[rows];
        var v = new double[rows];
        for (var i = 0; i < rows; i++)
        {
            t[i] = new DateTimeOffset(Start.AddMinutes(5 * i)).ToUnixTimeMilliseconds();
            v[i] = 10 + Math.Sin(i / 7.0);
        }
        return new NabFile(relativePath, t, v, windows);
    }

    public static string Timestamp(int row, bool micro = false) =>
        Start.AddMinutes(5 * row).ToString(micro ? "yyyy-MM-dd HH:mm:ss.ffffff" : "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>
    /// Writes data/, labels/combined_windows.json and config/profiles.json: catA/one.csv (200 rows,
    /// windows [60, 79] and [150, 159]) and catB/two.csv (120 rows, no window).
    /// </summary>
    public static void WriteLayout(string root)
    {
        WriteData(Path.Combine(root, "data", "catA", "one.csv"), 200, spikeAt: 60);
        WriteData(Path.Combine(root, "data", "catB", "two.csv"), 120, spikeAt: -1);
        Directory.CreateDirectory(Path.Combine(root, "labels"));
        System.IO.File.WriteAllText(Path.Combine(root, "labels", "combined_windows.json"), $$"""
            {
                "catA/one.csv": [
                    ["{{Timestamp(60, true)}}", "{{Timestamp(79, true)}}"],
                    ["{{Timestamp(150, true)}}", "{{Timestamp(159, true)}}"]
                ],
                "catB/two.csv": []
            }
            """);
        Directory.CreateDirectory(Path.Combine(root, "config"));
        System.IO.File.WriteAllText(Path.Combine(root, "config", "profiles.json"), """
            {
            "standard": { "CostMatrix": { "tpWeight": 1.0, "fnWeight": 1.0, "fpWeight": 0.11, "tnWeight": 1.0 } },
            "reward_low_FP_rate": { "CostMatrix": { "tpWeight": 1.0, "fnWeight": 1.0, "fpWeight": 0.22, "tnWeight": 1.0 } },
            "reward_low_FN_rate": { "CostMatrix": { "tpWeight": 1.0, "fnWeight": 2.0, "fpWeight": 0.11, "tnWeight": 1.0 } }
            }
            """);
    }

    private static void WriteData(string path, int rows, int spikeAt)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var lines = new List<string> { "timestamp,value" };
        for (var i = 0; i < rows; i++)
        {
            var v = 10 + Math.Sin(i / 7.0) + (i == spikeAt ? 50 : 0);
            lines.Add($"{Timestamp(i)},{v.ToString("R", CultureInfo.InvariantCulture)}");
        }
        System.IO.File.WriteAllLines(path, lines);
    }
}
