using System.Globalization;
using Foresight.Forecasting;

namespace Foresight.Evaluation.Forecasting;

/// <summary>One series of an M4 file pair: its id, training values and the held-out test values.</summary>
public sealed record M4Series(string Id, double[] Train, double[] Test);

/// <summary>
/// Reads the M4 competition's CSV layout (Makridakis, Spiliotis &amp; Assimakopoulos, IJF 2020):
/// a quoted header row, then one row per series with its id in the first column and its
/// observations after it, padded with empty fields.
/// </summary>
public static class M4Dataset
{
    /// <summary>Reads a train file and its test file and pairs the rows by id.</summary>
    /// <exception cref="FormatException">A row or value is malformed, or the files do not pair up; the message names file and line.</exception>
    public static List<M4Series> Load(string trainPath, string testPath)
    {
        var train = ReadFile(trainPath);
        var test = ReadFile(testPath).ToDictionary(r => r.Id, r => r.Values);
        var result = new List<M4Series>(train.Count);
        foreach (var (id, values) in train)
        {
            if (!test.TryGetValue(id, out var future)) throw new FormatException($"{testPath}: no row for series '{id}' of {trainPath}");
            result.Add(new M4Series(id, values, future));
        }
        return result;
    }

    private static List<(string Id, double[] Values)> ReadFile(string path)
    {
        var rows = new List<(string, double[])>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (lineNumber == 1 || string.IsNullOrWhiteSpace(line)) continue;
            var fields = line.Split(',');
            var id = fields[0].Trim().Trim('"');
            var values = new List<double>(fields.Length);
            for (var i = 1; i < fields.Length; i++)
            {
                var cell = fields[i].Trim().Trim('"');
                if (cell.Length == 0) break;
                if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                {
                    throw new FormatException($"{path} line {lineNumber} ({id}), field {i + 1}: '{cell}' is not a number");
                }
                values.Add(v);
            }
            if (values.Count == 0) throw new FormatException($"{path} line {lineNumber} ({id}): no observations");
            rows.Add((id, values.ToArray()));
        }
        return rows;
    }
}
