using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using Foresight.Series;

namespace Foresight.Ingestion;

/// <summary>
/// Parses Foresight's JSON ingest batch:
/// <c>{"series":[{"metric":"cpu","labels":{"host":"a"},"points":[[1700000000000, 0.5], ...]}]}</c>.
/// Timestamps are Unix milliseconds (integers); values are JSON numbers, or exactly the strings
/// <c>"NaN"</c>, <c>"+Inf"</c>, <c>"-Inf"</c> (JSON has no literal for them).
/// </summary>
/// <remarks>
/// The parser is strict, as a store that keeps what it is given must be (RFC 8259 leaves both to the
/// receiver): a number in a string (<c>"12"</c>) is refused, not converted; a number outside the range
/// of a double (<c>1e999</c>, which would read as infinity) is refused; a key that appears twice in one
/// object is refused (RFC 8259 §4: names SHOULD be unique, and which value wins differs between
/// parsers); and U+0000 in a metric name, label name or label value is refused (it cannot be told
/// apart from a C string's end by the tools downstream). Every error names the JSON path at fault,
/// e.g. <c>series[2].points[5][0]</c>, and its position in the body (byte offset, line and column).
/// </remarks>
public static class JsonIngestParser
{
    /// <summary>Parses a UTF-8 body; on failure <paramref name="error"/> says what and where.</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, [NotNullWhen(true)] out List<SeriesWrite>? series, out int points,
        [NotNullWhen(false)] out string? error)
    {
        series = null;
        points = 0;
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 16 });
        var result = new List<SeriesWrite>();
        try
        {
            Expect(ref reader, JsonTokenType.StartObject, "the body");
            var sawSeries = false;
            var keys = new HashSet<string>(StringComparer.Ordinal);
            while (Read(ref reader) && reader.TokenType == JsonTokenType.PropertyName)
            {
                Unique(ref reader, keys, "the body");
                if (!reader.ValueTextEquals("series"u8))
                {
                    reader.Read();
                    reader.Skip();
                    continue;
                }
                sawSeries = true;
                Expect(ref reader, JsonTokenType.StartArray, "series");
                while (Read(ref reader) && reader.TokenType != JsonTokenType.EndArray)
                {
                    var path = $"series[{result.Count}]";
                    if (reader.TokenType != JsonTokenType.StartObject) throw Bad(reader, $"{path}: expected an object");
                    result.Add(ReadSeries(ref reader, path, ref points));
                }
            }
            if (!sawSeries) throw new FormatException("the body has no \"series\" array");
            reader.Read();   // past the object: the reader throws on anything but whitespace and comments, which a bare loop stopped before
        }
        catch (PositionedException ex)
        {
            error = $"{ex.Message} (at {Position(utf8, ex.Offset)})";
            return false;
        }
        catch (FormatException ex)
        {
            error = ex.Message;
            return false;
        }
        catch (JsonException ex)
        {
            error = $"malformed JSON at byte {reader.BytesConsumed}: {ex.Message}";
            return false;
        }
        series = result;
        error = null;
        return true;
    }

    private static SeriesWrite ReadSeries(ref Utf8JsonReader reader, string path, ref int total)
    {
        string? metric = null;
        var labels = new List<KeyValuePair<string, string>>();
        List<Point>? points = null;
        var keys = new HashSet<string>(StringComparer.Ordinal);
        while (Read(ref reader) && reader.TokenType == JsonTokenType.PropertyName)
        {
            Unique(ref reader, keys, path);
            if (reader.ValueTextEquals("metric"u8))
            {
                Read(ref reader);
                if (reader.TokenType != JsonTokenType.String) throw Bad(reader, $"{path}.metric: expected a string");
                metric = reader.GetString()!;
                if (metric.Contains('\0')) throw Bad(reader, $"{path}.metric: the metric name contains U+0000 (NUL)");
                if (!SeriesNames.IsValidMetricName(metric))
                {
                    throw Bad(reader, $"{path}.metric: '{metric}' is not a valid metric name (expected [a-zA-Z_:][a-zA-Z0-9_:]*)");
                }
            }
            else if (reader.ValueTextEquals("labels"u8))
            {
                Expect(ref reader, JsonTokenType.StartObject, $"{path}.labels");
                var names = new HashSet<string>(StringComparer.Ordinal);
                while (Read(ref reader) && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = reader.GetString()!;
                    if (name.Contains('\0')) throw Bad(reader, $"{path}.labels: a label name contains U+0000 (NUL)");
                    if (!names.Add(name)) throw Bad(reader, $"{path}.labels.{name}: the label appears more than once");
                    if (name == "__name__") throw Bad(reader, $"{path}.labels.__name__: the metric name is given as \"metric\", not as a label");
                    Read(ref reader);
                    if (reader.TokenType != JsonTokenType.String) throw Bad(reader, $"{path}.labels.{name}: expected a string value");
                    var value = reader.GetString()!;
                    if (value.Contains('\0')) throw Bad(reader, $"{path}.labels.{name}: the value contains U+0000 (NUL)");
                    labels.Add(new(name, value));
                }
            }
            else if (reader.ValueTextEquals("points"u8))
            {
                Expect(ref reader, JsonTokenType.StartArray, $"{path}.points");
                points = [];
                while (Read(ref reader) && reader.TokenType != JsonTokenType.EndArray)
                {
                    var at = $"{path}.points[{points.Count}]";
                    if (reader.TokenType != JsonTokenType.StartArray) throw Bad(reader, $"{at}: expected [timestamp, value]");
                    Read(ref reader);
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var ts))
                    {
                        throw Bad(reader, $"{at}[0]: the timestamp must be an integer of Unix milliseconds");
                    }
                    Read(ref reader);
                    var value = ReadValue(ref reader, $"{at}[1]");
                    Read(ref reader);
                    if (reader.TokenType != JsonTokenType.EndArray) throw Bad(reader, $"{at}: expected exactly two elements [timestamp, value]");
                    points.Add(new Point(ts, value));
                }
            }
            else
            {
                Read(ref reader);
                reader.Skip();
            }
        }
        if (metric is null) throw Bad(reader, $"{path}: \"metric\" is required");
        if (points is null) throw Bad(reader, $"{path}: \"points\" is required");
        if (!Labels.TryFrom(labels, out var parsed, out var labelError)) throw Bad(reader, $"{path}.labels: {labelError}");
        total += points.Count;
        return new SeriesWrite(metric, parsed, points);
    }

    private static double ReadValue(ref Utf8JsonReader reader, string at)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            // TryGetDouble is false for a literal beyond ±1.8e308 (it would be infinite) on some runtimes and
            // infinite on others: refuse both, since the sender meant a number, not infinity.
            if (reader.TryGetDouble(out var v) && double.IsFinite(v)) return v;
            throw Bad(reader, $"{at}: {Literal(reader)} is outside the range of a double (it would read as infinity); send \"+Inf\" or \"-Inf\" for infinity");
        }
        if (reader.TokenType == JsonTokenType.String)
        {
            switch (reader.GetString())
            {
                case "NaN": return double.NaN;
                case "+Inf" or "Inf" or "Infinity": return double.PositiveInfinity;
                case "-Inf" or "-Infinity": return double.NegativeInfinity;
            }
            throw Bad(reader, $"{at}: the string {Literal(reader)} is not a number; send the value as a JSON number (strings are only \"NaN\", \"+Inf\", \"-Inf\")");
        }
        throw Bad(reader, $"{at}: the value must be a number or one of \"NaN\", \"+Inf\", \"-Inf\"");
    }

    /// <summary>The current token as written in the body, cut to 40 characters.</summary>
    private static string Literal(in Utf8JsonReader reader)
    {
        var raw = System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan);
        if (raw.Length > 40) raw = raw[..40] + "...";
        return reader.TokenType == JsonTokenType.String ? $"\"{raw}\"" : raw;
    }

    private static void Unique(ref Utf8JsonReader reader, HashSet<string> seen, string where)
    {
        var key = reader.GetString()!;
        if (!seen.Add(key)) throw Bad(reader, $"{where}: the key \"{key}\" appears more than once");
    }

    private static bool Read(ref Utf8JsonReader reader)
    {
        if (!reader.Read()) throw new FormatException($"the body ends early at byte {reader.BytesConsumed}");
        return true;
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string what)
    {
        Read(ref reader);
        if (reader.TokenType != type)
        {
            var expected = type switch { JsonTokenType.StartArray => "an array", JsonTokenType.StartObject => "an object", _ => type.ToString() };
            throw Bad(reader, $"{what}: expected {expected}");
        }
    }

    private static PositionedException Bad(in Utf8JsonReader reader, string message) => new(message, reader.TokenStartIndex);

    /// <summary>"byte N, line L, column C" of a byte offset (lines and columns from 1, columns in bytes).</summary>
    private static string Position(ReadOnlySpan<byte> utf8, long offset)
    {
        var end = (int)Math.Min(offset, utf8.Length);
        var before = utf8[..end];
        var line = before.Count((byte)'\n') + 1;
        var column = end - (before.LastIndexOf((byte)'\n') + 1) + 1;
        return string.Create(CultureInfo.InvariantCulture, $"byte {offset}, line {line}, column {column}");
    }

    /// <summary>A refusal at a known place in the body.</summary>
    private sealed class PositionedException(string message, long offset) : FormatException(message)
    {
        public long Offset { get; } = offset;
    }
}
