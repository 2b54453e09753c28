using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Foresight.Series;

namespace Foresight.Scraping;

/// <summary>
/// Parses the Prometheus text exposition format 0.0.4 and tolerates OpenMetrics 1.0 text, the
/// formats node-exporter and every Prometheus client library serve on <c>/metrics</c>.
/// </summary>
/// <remarks>
/// <para>Grammar, per the Prometheus "Exposition formats" specification: the input is split on
/// <c>\n</c> (a trailing <c>\r</c> is dropped, so Windows line endings work); blank lines are
/// skipped; a line whose first non-blank character is <c>#</c> is a comment, of which
/// <c># HELP name text</c> and <c># TYPE name type</c> are checked (a valid metric name, a known
/// type) and everything else (<c># UNIT</c>, free text) is ignored. Every other line is a sample
/// <c>name{label="value",...} value [timestamp]</c> with blanks (spaces or tabs) between the
/// tokens, an optional trailing comma in the label list and the escapes <c>\\</c>, <c>\"</c> and
/// <c>\n</c> in label values. Values are Go-style floats: <c>NaN</c>, <c>+Inf</c>, <c>-Inf</c>,
/// <c>Inf</c> (any case) and scientific notation. A label with an empty value is dropped, as in
/// Prometheus.</para>
/// <para>OpenMetrics: <c># EOF</c> ends the exposition (only blank lines may follow it, in either
/// format); with <see cref="ExpositionFormat.OpenMetrics"/> timestamps are seconds and exemplars
/// (<c> # {...} v</c>) are skipped. The <c>name_created</c> samples of a counter, histogram,
/// summary or gauge-histogram family (declared by the preceding <c># TYPE name ...</c>) are
/// dropped in both formats: their value is a creation time, not a measurement, and would only
/// add a meaningless series. A <c>_created</c> family declared on its own (client_python's 0.0.4
/// output types it as a gauge) is kept like any other gauge.</para>
/// <para>Errors: the first malformed line fails the whole parse, as it fails a Prometheus scrape,
/// with a message that names the line number and what is wrong.</para>
/// <para>Cost: one instance keeps a cache from the series text of a line (<c>name{...}</c>) to its
/// parsed name and <see cref="Labels"/>, so re-parsing a target's next scrape allocates nothing
/// per line beyond the output list; entries not seen for a scrape are evicted once they outnumber
/// the live ones. An instance is not thread-safe: use one per target.</para>
/// </remarks>
public sealed class PrometheusTextParser
{
    private const int MaxInternedStrings = 100_000;

    private readonly Dictionary<string, SeriesEntry> _series = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SeriesEntry>.AlternateLookup<ReadOnlySpan<char>> _seriesBySpan;
    private readonly HashSet<string> _strings = new(StringComparer.Ordinal);
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _stringsBySpan;
    private readonly List<KeyValuePair<string, string>> _labelScratch = [];
    private char[] _unescapeBuffer = new char[128];
    private int _generation;
    private string? _createdName;

    /// <summary>Creates a parser with an empty series cache.</summary>
    public PrometheusTextParser()
    {
        _seriesBySpan = _series.GetAlternateLookup<ReadOnlySpan<char>>();
        _stringsBySpan = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The format a response's media type announces: OpenMetrics for <c>application/openmetrics-text</c>, else Prometheus text.</summary>
    public static ExpositionFormat FormatOf(string? mediaType) =>
        string.Equals(mediaType, "application/openmetrics-text", StringComparison.OrdinalIgnoreCase)
            ? ExpositionFormat.OpenMetrics
            : ExpositionFormat.PrometheusText;

    /// <summary>Parses a whole exposition, throwing <see cref="FormatException"/> with the line-numbered message on the first malformed line.</summary>
    public static IReadOnlyList<ScrapedSample> Parse(string text, ExpositionFormat format = ExpositionFormat.PrometheusText)
    {
        ArgumentNullException.ThrowIfNull(text);
        var samples = new List<ScrapedSample>();
        if (!new PrometheusTextParser().TryParse(text, format, samples, out var error)) throw new FormatException(error);
        return samples;
    }

    /// <summary>
    /// Parses UTF-8 bytes (a response body); see <see cref="TryParse(ReadOnlySpan{char}, ExpositionFormat, List{ScrapedSample}, out string?)"/>.
    /// Invalid UTF-8 sequences become U+FFFD; a leading byte-order mark is ignored.
    /// </summary>
    public bool TryParse(ReadOnlySpan<byte> utf8, ExpositionFormat format, List<ScrapedSample> samples, [NotNullWhen(false)] out string? error)
    {
        var buffer = ArrayPool<char>.Shared.Rent(Math.Max(1, Encoding.UTF8.GetMaxCharCount(utf8.Length)));
        try
        {
            var length = Encoding.UTF8.GetChars(utf8, buffer);
            return TryParse(buffer.AsSpan(0, length), format, samples, out error);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Parses an exposition and appends its samples, in input order, to <paramref name="samples"/>.
    /// Returns false with a message such as <c>line 12: expected '=' after label name 'code'</c> on the
    /// first malformed line; the list is then left as it was on entry.
    /// </summary>
    public bool TryParse(ReadOnlySpan<char> text, ExpositionFormat format, List<ScrapedSample> samples, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var initialCount = samples.Count;
        var touched = 0;
        _generation++;
        _createdName = null;
        if (!text.IsEmpty && text[0] == '\uFEFF') text = text[1..];

        var lineNumber = 0;
        var sawEof = false;
        error = null;
        while (!text.IsEmpty)
        {
            lineNumber++;
            var newline = text.IndexOf('\n');
            var line = newline < 0 ? text : text[..newline];
            text = newline < 0 ? [] : text[(newline + 1)..];
            if (!line.IsEmpty && line[^1] == '\r') line = line[..^1];
            line = line[SkipBlanks(line, 0)..];
            if (line.IsEmpty) continue;
            if (sawEof)
            {
                error = $"line {lineNumber}: unexpected text after '# EOF'";
                break;
            }
            if (line[0] == '#')
            {
                error = ParseComment(line, lineNumber, ref sawEof);
            }
            else
            {
                touched++;
                error = ParseSample(line, lineNumber, format, samples);
            }
            if (error is not null) break;
        }

        if (error is not null)
        {
            samples.RemoveRange(initialCount, samples.Count - initialCount);
            return false;
        }
        EvictStaleSeries(touched);
        return true;
    }

    private string? ParseComment(ReadOnlySpan<char> line, int lineNumber, ref bool sawEof)
    {
        var i = SkipBlanks(line, 1);
        var keywordEnd = i;
        while (keywordEnd < line.Length && line[keywordEnd] is not (' ' or '\t')) keywordEnd++;
        var keyword = line[i..keywordEnd];
        if (keyword.SequenceEqual("EOF") && SkipBlanks(line, keywordEnd) == line.Length)
        {
            sawEof = true;
            return null;
        }
        var isHelp = keyword.SequenceEqual("HELP");
        var isType = keyword.SequenceEqual("TYPE");
        if (!isHelp && !isType) return null;

        i = SkipBlanks(line, keywordEnd);
        var nameEnd = ScanMetricName(line, i);
        if (nameEnd == i || (nameEnd < line.Length && line[nameEnd] is not (' ' or '\t')))
        {
            return $"line {lineNumber}: '# {keyword}' must be followed by a valid metric name";
        }
        if (isHelp) return null;

        var name = line[i..nameEnd];
        var type = line[SkipBlanks(line, nameEnd)..].TrimEnd(" \t");
        switch (type)
        {
            case "counter" or "histogram" or "summary" or "gaugehistogram":
                _createdName = string.Concat(name, "_created");
                return null;
            case "gauge" or "untyped" or "unknown" or "info" or "stateset":
                _createdName = null;
                return null;
            default:
                return $"line {lineNumber}: unknown metric type '{type}' for '{name}' (expected counter, gauge, histogram, summary or untyped)";
        }
    }

    private string? ParseSample(ReadOnlySpan<char> line, int lineNumber, ExpositionFormat format, List<ScrapedSample> samples)
    {
        var nameEnd = ScanMetricName(line, 0);
        if (nameEnd == 0) return $"line {lineNumber}: expected a metric name, found '{line[0]}'";
        var seriesEnd = nameEnd;
        if (nameEnd < line.Length && line[nameEnd] == '{')
        {
            seriesEnd = ScanLabelsEnd(line, nameEnd + 1);
            if (seriesEnd < 0) return $"line {lineNumber}: missing '}}' at the end of the labels of '{line[..nameEnd]}'";
        }

        var seriesText = line[..seriesEnd];
        if (_seriesBySpan.TryGetValue(seriesText, out var entry))
        {
            entry.Generation = _generation;
        }
        else
        {
            var labelError = ParseLabels(line, nameEnd, seriesEnd, lineNumber, out var labels);
            if (labelError is not null) return labelError;
            entry = new SeriesEntry(Intern(line[..nameEnd]), labels) { Generation = _generation };
            _series[seriesText.ToString()] = entry;
        }

        var rest = line[seriesEnd..];
        if (rest.IsEmpty) return $"line {lineNumber}: '{entry.Metric}' has no value";
        if (rest[0] is not (' ' or '\t')) return $"line {lineNumber}: unexpected character '{rest[0]}' after '{line[..seriesEnd]}'";

        var i = SkipBlanks(rest, 0);
        var valueEnd = ScanToken(rest, i);
        var valueText = rest[i..valueEnd];
        if (valueText.IsEmpty) return $"line {lineNumber}: '{entry.Metric}' has no value";
        if (!TryParseValue(valueText, out var value))
        {
            return $"line {lineNumber}: '{valueText}' is not a valid value for '{entry.Metric}'";
        }

        long? timestamp = null;
        i = SkipBlanks(rest, valueEnd);
        if (i < rest.Length && !(format == ExpositionFormat.OpenMetrics && rest[i] == '#'))
        {
            var tsEnd = ScanToken(rest, i);
            var tsText = rest[i..tsEnd];
            if (!TryParseTimestamp(tsText, format, out var ts))
            {
                return format == ExpositionFormat.OpenMetrics
                    ? $"line {lineNumber}: '{tsText}' is not a valid timestamp (expected seconds)"
                    : $"line {lineNumber}: '{tsText}' is not a valid timestamp (expected integer milliseconds)";
            }
            timestamp = ts;
            i = SkipBlanks(rest, tsEnd);
            if (i < rest.Length && !(format == ExpositionFormat.OpenMetrics && rest[i] == '#'))
            {
                return $"line {lineNumber}: unexpected text '{rest[i..]}' after the timestamp";
            }
        }

        if (_createdName is not null && string.Equals(entry.Metric, _createdName, StringComparison.Ordinal)) return null;
        samples.Add(new ScrapedSample(entry.Metric, entry.Labels, value, timestamp));
        return null;
    }

    /// <summary>Parses <c>{a="1",b="2"}</c> between <paramref name="open"/> (the '{') and <paramref name="end"/> (just past '}').</summary>
    private string? ParseLabels(ReadOnlySpan<char> line, int open, int end, int lineNumber, out Labels labels)
    {
        labels = Labels.Empty;
        if (open == end) return null;
        _labelScratch.Clear();
        var i = open + 1;
        var close = end - 1;
        while (true)
        {
            i = SkipBlanks(line, i);
            if (i >= close) break;
            var nameEnd = i;
            while (nameEnd < close && IsLabelNameChar(line[nameEnd], nameEnd == i)) nameEnd++;
            if (nameEnd == i) return $"line {lineNumber}: expected a label name, found '{line[i]}'";
            var name = line[i..nameEnd];

            i = SkipBlanks(line, nameEnd);
            if (i >= close || line[i] != '=') return $"line {lineNumber}: expected '=' after label name '{name}'";
            i = SkipBlanks(line, i + 1);
            if (i >= close || line[i] != '"') return $"line {lineNumber}: expected a quoted value for label '{name}'";

            var valueStart = i + 1;
            var valueEnd = valueStart;
            var escaped = false;
            while (valueEnd < close && line[valueEnd] != '"')
            {
                if (line[valueEnd] == '\\')
                {
                    escaped = true;
                    valueEnd++;
                }
                valueEnd++;
            }
            if (valueEnd >= close) return $"line {lineNumber}: unterminated value for label '{name}'";
            string value;
            if (!escaped)
            {
                value = Intern(line[valueStart..valueEnd]);
            }
            else
            {
                var unescapeError = Unescape(line[valueStart..valueEnd], out var unescaped);
                if (unescapeError is not null) return $"line {lineNumber}: {unescapeError} in the value of label '{name}'";
                value = Intern(unescaped);
            }
            _labelScratch.Add(new(Intern(name), value));

            i = SkipBlanks(line, valueEnd + 1);
            if (i >= close) break;
            if (line[i] != ',') return $"line {lineNumber}: expected ',' or '}}' after the value of label '{name}'";
            i++;
        }

        if (!Labels.TryFrom(_labelScratch, out var parsed, out var error)) return $"line {lineNumber}: {error}";
        labels = parsed;
        return null;
    }

    private string? Unescape(ReadOnlySpan<char> raw, out ReadOnlySpan<char> result)
    {
        if (_unescapeBuffer.Length < raw.Length) _unescapeBuffer = new char[Math.Max(raw.Length, _unescapeBuffer.Length * 2)];
        var n = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c == '\\')
            {
                // ScanLabelsEnd guarantees a character follows every backslash inside quotes.
                switch (raw[++i])
                {
                    case '\\': c = '\\'; break;
                    case '"': c = '"'; break;
                    case 'n': c = '\n'; break;
                    default:
                        result = default;
                        return $"invalid escape sequence '\\{raw[i]}' (allowed: \\\\, \\\" and \\n)";
                }
            }
            _unescapeBuffer[n++] = c;
        }
        result = _unescapeBuffer.AsSpan(0, n);
        return null;
    }

    private static bool TryParseValue(ReadOnlySpan<char> text, out double value)
    {
        var unsigned = text[0] is '+' or '-' ? text[1..] : text;
        if (unsigned.Equals("Inf", StringComparison.OrdinalIgnoreCase) || unsigned.Equals("Infinity", StringComparison.OrdinalIgnoreCase))
        {
            value = text[0] == '-' ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }
        if (unsigned.Equals("NaN", StringComparison.OrdinalIgnoreCase))
        {
            value = double.NaN;
            return true;
        }
        // Digits must start the number (or follow the sign); this refuses .NET-only spellings such as "∞".
        if (unsigned.IsEmpty || unsigned[0] is not ((>= '0' and <= '9') or '.'))
        {
            value = 0;
            return false;
        }
        return double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
            CultureInfo.InvariantCulture, out value);
    }

    private static bool TryParseTimestamp(ReadOnlySpan<char> text, ExpositionFormat format, out long milliseconds)
    {
        if (format == ExpositionFormat.PrometheusText)
        {
            return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out milliseconds);
        }
        milliseconds = 0;
        if (!TryParseValue(text, out var seconds) || !double.IsFinite(seconds)) return false;
        var ms = Math.Round(seconds * 1000.0);
        if (ms is < long.MinValue or > long.MaxValue) return false;
        milliseconds = (long)ms;
        return true;
    }

    private string Intern(ReadOnlySpan<char> text)
    {
        if (_stringsBySpan.TryGetValue(text, out var existing)) return existing;
        if (_strings.Count >= MaxInternedStrings) _strings.Clear();
        var s = text.ToString();
        _strings.Add(s);
        return s;
    }

    private void EvictStaleSeries(int touched)
    {
        if (_series.Count <= 2 * touched + 256) return;
        foreach (var (key, entry) in _series)
        {
            if (entry.Generation != _generation) _series.Remove(key);
        }
    }

    /// <summary>Index just past a metric name <c>[a-zA-Z_:][a-zA-Z0-9_:]*</c> starting at <paramref name="start"/>.</summary>
    private static int ScanMetricName(ReadOnlySpan<char> line, int start)
    {
        var i = start;
        while (i < line.Length)
        {
            var c = line[i];
            var ok = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_' or ':' || (i > start && c is >= '0' and <= '9');
            if (!ok) break;
            i++;
        }
        return i;
    }

    /// <summary>Index just past the '}' that closes a label list (quotes and escapes respected), or -1.</summary>
    private static int ScanLabelsEnd(ReadOnlySpan<char> line, int start)
    {
        var inQuotes = false;
        for (var i = start; i < line.Length; i++)
        {
            var c = line[i];
            if (inQuotes)
            {
                if (c == '\\') i++;
                else if (c == '"') inQuotes = false;
            }
            else if (c == '"')
            {
                inQuotes = true;
            }
            else if (c == '}')
            {
                return i + 1;
            }
        }
        return -1;
    }

    private static bool IsLabelNameChar(char c, bool first) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_' || (!first && c is >= '0' and <= '9');

    private static int SkipBlanks(ReadOnlySpan<char> s, int i)
    {
        while (i < s.Length && s[i] is ' ' or '\t') i++;
        return i;
    }

    private static int ScanToken(ReadOnlySpan<char> s, int i)
    {
        while (i < s.Length && s[i] is not (' ' or '\t')) i++;
        return i;
    }

    private sealed class SeriesEntry(string metric, Labels labels)
    {
        public string Metric { get; } = metric;
        public Labels Labels { get; } = labels;
        public int Generation { get; set; }
    }
}
