using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Foresight.Series;

namespace Foresight.Ingestion;

/// <summary>
/// Reads CSV time series: <c>timestamp,value</c> files (the NAB format) and wide files
/// <c>timestamp,a,b,c</c> where each value column becomes a series labelled <c>column="a"</c>.
/// A header row is recognised when its first field is not a timestamp. Timestamps may be
/// <c>yyyy-MM-dd HH:mm:ss</c> (UTC), ISO 8601 with an offset, or Unix seconds / milliseconds
/// (numbers above 10^11 are taken as milliseconds), within years 1 to 9999 as the store requires.
/// Empty cells are gaps, not errors.
/// </summary>
public sealed class CsvImport
{
    private readonly string _metric;
    private readonly Labels _labels;
    private string _timeColumn = "timestamp";
    private string[]? _columns;
    private List<Point>[]? _pending;
    private int _line;
    private int _rows;

    /// <summary>Starts an import into <paramref name="metric"/> with extra <paramref name="labels"/>.</summary>
    public CsvImport(string metric, Labels labels)
    {
        if (!SeriesNames.IsValidMetricName(metric)) throw new ArgumentException($"'{metric}' is not a valid metric name (expected [a-zA-Z_:][a-zA-Z0-9_:]*)", nameof(metric));
        _metric = metric;
        _labels = labels;
    }

    /// <summary>Lines read so far.</summary>
    public int Line => _line;

    /// <summary>Data rows read so far (lines other than blank lines and the header).</summary>
    public int Rows => _rows;

    /// <summary>
    /// The value columns, once the first non-blank line has been read: the header's names, or value1..valueN without
    /// a header. With more than one, each becomes a series labelled <c>column="NAME"</c>.
    /// </summary>
    public IReadOnlyList<string>? Columns => _columns;

    /// <summary>The line number of the header, or 0 when the file has none (or it has not been read yet).</summary>
    public int HeaderLine { get; private set; }

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
            if (Parse(fields[0].Trim(), out _) == TimestampForm.NotATimestamp)
            {
                if (fields.Length < 2)
                {
                    error = $"line {_line}: a header needs a timestamp column and at least one value column";
                    return false;
                }
                if (fields[0].Trim().Trim('"') is { Length: > 0 } name) _timeColumn = name;
                var names = fields.Skip(1).Select(f => f.Trim().Trim('"')).ToArray();
                if (names.Where(n => n.Length > 0).GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } repeated)
                {
                    error = $"line {_line}: the header names column '{repeated.Key}' more than once; each value column becomes its own series (column=\"{repeated.Key}\"), so the names must differ";
                    return false;
                }
                HeaderLine = _line;
                SetColumns(names);
                return true;
            }
            SetColumns(Enumerable.Range(1, fields.Length - 1).Select(i => "value" + i).ToArray());
        }
        if (fields.Length != _columns!.Length + 1)
        {
            error = $"line {_line}: expected {_columns.Length + 1} fields, found {fields.Length}";
            return false;
        }
        _rows++;
        switch (Parse(fields[0].Trim().Trim('"'), out var ts))
        {
            case TimestampForm.NotATimestamp:
                error = $"line {_line}: '{fields[0]}' is not a timestamp (use yyyy-MM-dd HH:mm:ss, ISO 8601 or Unix seconds/milliseconds)";
                return false;
            case TimestampForm.OutOfRange:
                error = $"line {_line}, column '{_timeColumn}': '{fields[0].Trim()}' is past the year 9999 as Unix milliseconds (timestamps must fall in years 1 to 9999)";
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
        var name = Path.GetFileName(path);
        var import = new CsvImport("csv", Labels.Empty);
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                if (!import.TryAddLine(line, out error))
                {
                    error = $"{name}: {error}";
                    return false;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = Directory.Exists(path) ? $"{name}: is a directory, not a CSV file" : $"{name}: cannot be read ({ex.Message})";
            return false;
        }
        var batch = import.TakeBatch();
        error = import._columns is null ? $"{name}: the file is empty (expected a timestamp,value header and rows)"
            : import.Rows == 0 ? $"{name}: the file has a header but no data rows"
            : batch.Count == 0 ? $"{name}: every value cell is empty"
            : batch.Count != 1 ? $"{name}: expected one value column (timestamp,value), found {batch.Count}"
            : null;
        if (error is not null) return false;
        points = batch[0].Points.OrderBy(p => p.Timestamp).ToList();
        return true;
    }

    /// <summary>Parses the timestamp forms listed on the class; false also for a number past the year 9999.</summary>
    public static bool TryParseTimestamp(string text, out long unixMs) => Parse(text, out unixMs) == TimestampForm.Valid;

    private enum TimestampForm { Valid, NotATimestamp, OutOfRange }

    private static TimestampForm Parse(string text, out long unixMs)
    {
        unixMs = 0;
        if (text.Length == 0) return TimestampForm.NotATimestamp;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            if (!double.IsFinite(number) || number < 0) return TimestampForm.NotATimestamp;
            var ms = number > 1e11 ? number : Math.Round(number * 1000);
            if (ms > Point.MaxTimestamp) return TimestampForm.OutOfRange;
            unixMs = (long)ms;
            return TimestampForm.Valid;
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var dto))
        {
            unixMs = dto.ToUnixTimeMilliseconds();
            return TimestampForm.Valid;
        }
        return TimestampForm.NotATimestamp;
    }

    private void SetColumns(string[] columns)
    {
        for (var i = 0; i < columns.Length; i++) if (columns[i].Length == 0) columns[i] = "value" + (i + 1);
        _columns = columns;
        _pending = columns.Select(_ => new List<Point>()).ToArray();
    }
}
