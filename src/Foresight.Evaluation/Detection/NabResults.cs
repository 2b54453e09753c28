using System.Globalization;
using System.Text;
using System.Text.Json;
using Foresight.Detection;

namespace Foresight.Evaluation.Detection;

/// <summary>
/// NAB's results layout (Lavin &amp; Ahmad, ICMLA 2015): one CSV per detector and data file at
/// <c>DIR/&lt;detector&gt;/&lt;category&gt;/&lt;detector&gt;_&lt;file&gt;.csv</c> with columns
/// <c>timestamp,value,anomaly_score,label</c> (label 1 inside a window, else 0), row for row with
/// the data file; and NAB's <c>config/thresholds.json</c> (detector → profile → θ).
/// </summary>
/// <remarks>
/// <para>Reading looks only at the <c>anomaly_score</c> column and the row order, as NAB's scorer
/// does, so it reads NAB's own result files, files with just that column (<c>reference-results/</c>)
/// and files written by <see cref="Write"/>.</para>
/// <para>NAB's stored results were written by Python 2, whose <c>str(float)</c> keeps 12 significant
/// digits, and the official scores were computed from those files. That matters near 1: a tail
/// probability below 5e-13 is stored as exactly 1.0, which ties such rows at θ = 1. By default
/// <see cref="Write"/> stores scores the same way (<see cref="RoundAsStored(double)"/>), so that scoring what
/// was written reproduces NAB's pipeline (windowedGaussian: 39.65 standard, 40.13 unrounded); pass
/// <c>fullPrecision</c> to write round-trip doubles instead.</para>
/// </remarks>
public static class NabResults
{
    /// <summary>The path of one results file: <c>DIR/&lt;detector&gt;/&lt;category&gt;/&lt;detector&gt;_&lt;file&gt;.csv</c>.</summary>
    public static string PathOf(string directory, string detector, NabFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return Path.Combine(directory, detector, file.Category, $"{detector}_{file.Name}.csv");
    }

    /// <summary>A score as NAB's results files hold it: rounded to 12 significant digits (Python 2's <c>str(float)</c>).</summary>
    public static double RoundAsStored(double score) =>
        double.IsFinite(score) ? double.Parse(score.ToString("G12", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : score;

    /// <summary>Every score passed through <see cref="RoundAsStored(double)"/>: what reading back a file written by <see cref="Write"/> gives.</summary>
    public static Dictionary<string, double[]> RoundAsStored(IReadOnlyDictionary<string, double[]> scoresByFile)
    {
        ArgumentNullException.ThrowIfNull(scoresByFile);
        return scoresByFile.ToDictionary(kv => kv.Key, kv => Array.ConvertAll(kv.Value, RoundAsStored), StringComparer.Ordinal);
    }

    /// <summary>Writes one results file per corpus file.</summary>
    /// <param name="directory">The results root (<c>DIR</c>).</param>
    /// <param name="detector">Detector name: the folder and the file-name prefix.</param>
    /// <param name="corpus">The corpus (timestamps, values, labels).</param>
    /// <param name="scoresByFile">One score per row for every file.</param>
    /// <param name="fullPrecision">Write round-trip doubles instead of NAB's 12 significant digits.</param>
    /// <exception cref="ArgumentException">Scores are missing for a file or have the wrong length.</exception>
    public static void Write(string directory, string detector, NabCorpus corpus, IReadOnlyDictionary<string, double[]> scoresByFile, bool fullPrecision = false)
    {
        var format = fullPrecision ? "R" : "G12";
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(detector);
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(scoresByFile);
        foreach (var file in corpus.Files)
        {
            if (!scoresByFile.TryGetValue(file.RelativePath, out var scores) || scores.Length != file.Length)
            {
                throw new ArgumentException($"{file.RelativePath}: expected {file.Length} scores", nameof(scoresByFile));
            }
            var path = PathOf(directory, detector, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var text = new StringBuilder(file.Length * 48).Append("timestamp,value,anomaly_score,label\n");
            for (var i = 0; i < file.Length; i++)
            {
                text.Append(NabCorpus.FormatTimestamp(file.Timestamps[i])).Append(',')
                    .Append(file.Values[i].ToString("R", CultureInfo.InvariantCulture)).Append(',')
                    .Append(scores[i].ToString(format, CultureInfo.InvariantCulture)).Append(',')
                    .Append(file.RowWindow[i] >= 0 ? '1' : '0').Append('\n');
            }
            File.WriteAllText(path, text.ToString());
        }
    }

    /// <summary>Reads a detector's anomaly scores for every corpus file, keyed by relative path.</summary>
    /// <exception cref="FileNotFoundException">A results file is missing.</exception>
    /// <exception cref="FormatException">A file has no <c>anomaly_score</c> column, a bad value, or a row count other than its data file's; the message names file and line.</exception>
    public static Dictionary<string, double[]> Read(string directory, string detector, NabCorpus corpus)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(detector);
        ArgumentNullException.ThrowIfNull(corpus);
        var result = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var file in corpus.Files)
        {
            var path = PathOf(directory, detector, file);
            if (!File.Exists(path)) throw new FileNotFoundException($"{path}: results file of {detector} for {file.RelativePath} not found", path);
            result[file.RelativePath] = ReadScores(path, file.Length);
        }
        return result;
    }

    /// <summary>Reads the <c>anomaly_score</c> column of one results file, which must have <paramref name="expectedRows"/> rows.</summary>
    /// <exception cref="FormatException">The column is missing, a value is not a finite number, or the row count differs.</exception>
    public static double[] ReadScores(string path, int expectedRows)
    {
        var scores = new double[expectedRows];
        var column = -1;
        var rows = 0;
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (lineNumber == 1)
            {
                column = Array.IndexOf(line.Split(',').Select(h => h.Trim().Trim('"')).ToArray(), "anomaly_score");
                if (column < 0) throw new FormatException($"{path} line 1: no 'anomaly_score' column in header '{line}'");
                continue;
            }
            if (string.IsNullOrWhiteSpace(line)) continue;
            if (!TryField(line, column, out var field)) throw new FormatException($"{path} line {lineNumber}: fewer than {column + 1} fields");
            if (!double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
            {
                throw new FormatException($"{path} line {lineNumber}: anomaly_score '{field.ToString()}' is not a finite number");
            }
            if (rows == expectedRows) throw new FormatException($"{path} line {lineNumber}: more rows than the {expectedRows} of the data file");
            scores[rows++] = v;
        }
        if (rows != expectedRows) throw new FormatException($"{path}: {rows} rows, but the data file has {expectedRows}");
        return scores;
    }

    /// <summary>Reads NAB's <c>thresholds.json</c>: detector → profile → θ (the stale <c>score</c> fields are ignored).</summary>
    /// <exception cref="FormatException">The file is not in NAB's shape; the message names it.</exception>
    public static Dictionary<string, Dictionary<string, double>> ReadThresholds(string path)
    {
        using var doc = NabCorpus.ParseJson(path);
        var result = new Dictionary<string, Dictionary<string, double>>(StringComparer.Ordinal);
        if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new FormatException($"{path}: expected an object of detectors");
        foreach (var detector in doc.RootElement.EnumerateObject())
        {
            var byProfile = new Dictionary<string, double>(StringComparer.Ordinal);
            if (detector.Value.ValueKind != JsonValueKind.Object) throw new FormatException($"{path}: {detector.Name}: expected an object of profiles");
            foreach (var profile in detector.Value.EnumerateObject())
            {
                if (profile.Value.ValueKind != JsonValueKind.Object || !profile.Value.TryGetProperty("threshold", out var t) || t.ValueKind != JsonValueKind.Number)
                {
                    throw new FormatException($"{path}: {detector.Name}.{profile.Name}: no numeric 'threshold'");
                }
                byProfile[profile.Name] = t.GetDouble();
            }
            result[detector.Name] = byProfile;
        }
        return result;
    }

    private static bool TryField(string line, int index, out ReadOnlySpan<char> field)
    {
        var span = line.AsSpan();
        field = default;
        for (var k = 0; k < index; k++)
        {
            var comma = span.IndexOf(',');
            if (comma < 0) return false;
            span = span[(comma + 1)..];
        }
        var end = span.IndexOf(',');
        field = (end < 0 ? span : span[..end]).Trim().Trim('"');
        return true;
    }
}
