using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using Foresight.Series;

namespace Foresight.Ingestion;

/// <summary>
/// Parses Foresight's JSON ingest batch:
/// <c>{"series":[{"metric":"cpu","labels":{"host":"a"},"points":[[1700000000000, 0.5], ...]}]}</c>.
/// Timestamps are Unix milliseconds (integers); values are numbers or the strings
/// <c>"NaN"</c>, <c>"+Inf"</c>, <c>"-Inf"</c> (JSON has no literal for them). Errors name the
/// JSON path at fault, e.g. <c>series[2].points[5][0]</c>.
/// </summary>
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
            while (Read(ref reader) && reader.TokenType == JsonTokenType.PropertyName)
            {
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
                    if (reader.TokenType != JsonTokenType.StartObject) throw new FormatException($"{path}: expected an object");
                    result.Add(ReadSeries(ref reader, path, ref points));
                }
            }
            if (!sawSeries) throw new FormatException("the body has no \"series\" array");
            reader.Read();   // past the object: the reader throws on anything but whitespace and comments, which a bare loop stopped before
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
        while (Read(ref reader) && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("metric"u8))
            {
                Read(ref reader);
                if (reader.TokenType != JsonTokenType.String) throw new FormatException($"{path}.metric: expected a string");
                metric = reader.GetString()!;
                if (!SeriesNames.IsValidMetricName(metric))
                {
                    throw new FormatException($"{path}.metric: '{metric}' is not a valid metric name (expected [a-zA-Z_:][a-zA-Z0-9_:]*)");
                }
            }
            else if (reader.ValueTextEquals("labels"u8))
            {
                Expect(ref reader, JsonTokenType.StartObject, $"{path}.labels");
                while (Read(ref reader) && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = reader.GetString()!;
                    if (name == "__name__") throw new FormatException($"{path}.labels.__name__: the metric name is given as \"metric\", not as a label");
                    Read(ref reader);
                    if (reader.TokenType != JsonTokenType.String) throw new FormatException($"{path}.labels.{name}: expected a string value");
                    labels.Add(new(name, reader.GetString()!));
                }
            }
            else if (reader.ValueTextEquals("points"u8))
            {
                Expect(ref reader, JsonTokenType.StartArray, $"{path}.points");
                points = [];
                while (Read(ref reader) && reader.TokenType != JsonTokenType.EndArray)
                {
                    var at = $"{path}.points[{points.Count}]";
                    if (reader.TokenType != JsonTokenType.StartArray) throw new FormatException($"{at}: expected [timestamp, value]");
                    Read(ref reader);
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var ts))
                    {
                        throw new FormatException($"{at}[0]: the timestamp must be an integer of Unix milliseconds");
                    }
                    Read(ref reader);
                    var value = ReadValue(ref reader, $"{at}[1]");
                    Read(ref reader);
                    if (reader.TokenType != JsonTokenType.EndArray) throw new FormatException($"{at}: expected exactly two elements [timestamp, value]");
                    points.Add(new Point(ts, value));
                }
            }
            else
            {
                Read(ref reader);
                reader.Skip();
            }
        }
        if (metric is null) throw new FormatException($"{path}: \"metric\" is required");
        if (points is null) throw new FormatException($"{path}: \"points\" is required");
        if (!Labels.TryFrom(labels, out var parsed, out var labelError)) throw new FormatException($"{path}.labels: {labelError}");
        total += points.Count;
        return new SeriesWrite(metric, parsed, points);
    }

    private static double ReadValue(ref Utf8JsonReader reader, string at)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var v)) return v;
        if (reader.TokenType == JsonTokenType.String)
        {
            var s = reader.GetString();
            switch (s)
            {
                case "NaN": return double.NaN;
                case "+Inf" or "Inf" or "Infinity": return double.PositiveInfinity;
                case "-Inf" or "-Infinity": return double.NegativeInfinity;
            }
            if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out v)) return v;
        }
        throw new FormatException($"{at}: the value must be a number or one of \"NaN\", \"+Inf\", \"-Inf\"");
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
            throw new FormatException($"{what}: expected {expected}");
        }
    }
}
