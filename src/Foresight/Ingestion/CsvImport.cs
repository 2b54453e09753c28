using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Foresight.Series;

namespace Foresight.Ingestion;

/// <summary>
/// Reads CSV time series: <c>timestamp,value</c> files (the NAB format) and wide files
/// <c>timestamp,a,b,c</c> where each value column becomes a series labelled <c>column="a"</c>.
/// A header row is recognised when its first field is not a timestamp. Timestamps may be
/// <c>yyyy-MM-dd HH:mm:ss</c> (UTC), ISO 8601 with an offset, or Unix seconds / milliseconds
/// (numbers above 10^11 are taken as milliseconds). Empty cells are gaps, not errors.
/// </summary>
public sealed class CsvImport
{
    private readonly string _metric;
    private readonly Labels _labels;
    private string[]? _columns;
    private List<Point>[]? _pending;
    private int _line;

    /// <summary>Starts an import into <paramref name="metric"/> with extra <paramref name="labels"/>.</summary>
    public CsvImport(string metric, Labels labels)
    {
        if (!SeriesNames.IsValidMetricName(metric)) throw new ArgumentException($"'{metric}' is not a valid metric name (expected [a-zA-Z_:][a-zA-Z0-9_:]*)", nameof(metric));
        _metric = metric;
        _labels = labels;
    }

    /// <summary>Lines read so far.</summary>
    public int Line => _line;

    /// <summary>Points buffered since the last <see cref="TakeBatch"/>.</summary>
    public int PendingPoints { get; private set; }

    /// <summary>Reads one line; on a bad line returns false with an error naming the line.</summary>
    public bool TryAddLine(string line, [NotNullWhen(false)] out string? error)
    {
        _line++;
        error = null;
        if (string.IsNullOrWhiteSpace(line)) return true;
        var fields = line.Split(',');
        if (_columns is null)
        {
            if (!TryParseTimestamp(fields[0].Trim(), out _))
            {
                if (fields.Length < 2)
                {
                    error = $"line {_line}: a header needs a timestamp column and at least one value column";
                    return false;
                }
                SetColumns(fields.Skip(1).Select(f => f.Trim().Trim('"')).ToArray());
                return true;
            }
            SetColumns(Enumerable.Range(1, fields.Length - 1).Select(i => "value" + i).ToArray());
        }
        if (fields.Length != _columns!.Length + 1)
        {
            error = $"line {_line}: expected {_columns.Length + 1} fields, found {fields.Length}";
            return false;
        }
        if (!TryParseTimestamp(fields[0].Trim().Trim('"'), out var ts))
        {
            error = $"line {_line}: '{fields[0]}' is not a timestamp (use yyyy-MM-dd HH:mm:ss, ISO 8601 or Unix seconds/milliseconds)";
            return false;
        }
        for (var c = 0; c < _columns.Length; c++)
        {
            var cell = fields[c + 1].Trim().Trim('"');
            if (cell.Length == 0) continue;
            if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                error = $"line {_line}, column '{_columns[c]}': '{cell}' is not a number";
                return false;
            }
            _pending![c].Add(new Point(ts, value));
            PendingPoints++;
        }
        return true;
    }

    /// <summary>The buffered points as one write per column, and clears the buffer.</summary>
    public List<SeriesWrite> TakeBatch()
    {
        var batch = new List<SeriesWrite>();
        if (_columns is null) return batch;
        for (var c = 0; c < _columns.Length; c++)
        {
            if (_pending![c].Count == 0) continue;
            var labels = _columns.Length == 1 ? _labels : Labels.From(_labels.Append(new("column", _columns[c])));
            batch.Add(new SeriesWrite(_metric, labels, _pending[c]));
            _pending[c] = [];
        }
        PendingPoints = 0;
        return batch;
    }

    /// <summary>
    /// Reads a whole <c>timestamp,value</c> file (one value column) into points sorted by time,
    /// or says what is wrong and where.
    /// </summary>
    public static bool TryReadSeries(string path, [NotNullWhen(true)] out List<Point>? points, [NotNullWhen(false)] out string? error)
    {
        points = null;
        var import = new CsvImport("csv", Labels.Empty);
        foreach (var line in File.ReadLines(path))
        {
            if (!import.TryAddLine(line, out error))
            {
                error = $"{Path.GetFileName(path)}: {error}";
                return false;
            }
        }
        var batch = import.TakeBatch();
        if (batch.Count != 1)
        {
            error = $"{Path.GetFileName(path)}: expected one value column (timestamp,value), found {batch.Count}";
            return false;
        }
        points = batch[0].Points.OrderBy(p => p.Timestamp).ToList();
        error = null;
        return true;
    }

    /// <summary>Parses the timestamp forms listed on the class.</summary>
    public static bool TryParseTimestamp(string text, out long unixMs)
    {
        unixMs = 0;
        if (text.Length == 0) return false;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            if (!double.IsFinite(number) || number < 0) return false;
            unixMs = number > 1e11 ? (long)number : (long)Math.Round(number * 1000);
            return true;
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var dto))
        {
            unixMs = dto.ToUnixTimeMilliseconds();
            return true;
        }
        return false;
    }

    private void SetColumns(string[] columns)
    {
        for (var i = 0; i < columns.Length; i++) if (columns[i].Length == 0) columns[i] = "value" + (i + 1);
        _columns = columns;
        _pending = columns.Select(_ => new List<Point>()).ToArray();
    }
}
