using System.Globalization;
using System.Text;
using Foresight.Ingestion.Otlp;
using Foresight.Series;

namespace Foresight.Ingestion;

internal sealed partial class OtlpTranslator
{
    private const string ScopeNameLabel = "otel_scope_name";
    private const string ScopeVersionLabel = "otel_scope_version";

    /// <summary>
    /// Labels for a data point: its attributes with sanitized names (values of names that collide
    /// after sanitizing are joined with ';' in order of the original keys, as the specification
    /// says), then the scope labels, then <c>job</c> and <c>instance</c> from the resource, which
    /// win over attributes of the same name.
    /// </summary>
    private static bool TryBuildLabels(IReadOnlyList<KeyValue> attributes, Context context, out Labels labels, out string error)
    {
        var map = new Dictionary<string, string>(attributes.Count + 4, StringComparer.Ordinal);
        IEnumerable<KeyValue> ordered = attributes.Count > 1 ? attributes.OrderBy(a => a.Key, StringComparer.Ordinal) : attributes;
        foreach (var attribute in ordered)
        {
            var name = PrometheusNaming.LabelName(attribute.Key);
            var value = AttributeText(attribute.Value);
            map[name] = map.TryGetValue(name, out var earlier) ? earlier + ";" + value : value;
        }
        if (!string.IsNullOrEmpty(context.ScopeName)) map[ScopeNameLabel] = context.ScopeName;
        if (!string.IsNullOrEmpty(context.ScopeVersion)) map[ScopeVersionLabel] = context.ScopeVersion;
        if (context.Job is not null) map["job"] = context.Job;
        if (context.Instance is not null) map["instance"] = context.Instance;

        if (Labels.TryFrom(map, out var built, out var labelError))
        {
            labels = built;
            error = "";
            return true;
        }
        labels = Labels.Empty;
        error = labelError;
        return false;
    }

    /// <summary>The labels plus one more (<c>le</c> or <c>quantile</c>), which replaces an attribute of that name.</summary>
    private static Labels With(Labels labels, string name, string value)
    {
        var pairs = new List<KeyValuePair<string, string>>(labels.Count + 1);
        foreach (var pair in labels)
        {
            if (pair.Key != name) pairs.Add(pair);
        }
        pairs.Add(new(name, value));
        return Labels.From(pairs);
    }

    /// <summary>
    /// An attribute value as label text, following the OpenTelemetry attribute specification's
    /// conversion of non-string values: booleans and numbers in their invariant text form, arrays
    /// and maps as JSON, bytes as base64.
    /// </summary>
    private static string AttributeText(AnyValue? value)
    {
        if (value is null) return "";
        return value.ValueCase switch
        {
            AnyValue.ValueOneofCase.StringValue => value.StringValue,
            AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "true" : "false",
            AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(CultureInfo.InvariantCulture),
            AnyValue.ValueOneofCase.DoubleValue => FormatDouble(value.DoubleValue),
            AnyValue.ValueOneofCase.BytesValue => Convert.ToBase64String(value.BytesValue.Span),
            AnyValue.ValueOneofCase.ArrayValue or AnyValue.ValueOneofCase.KvlistValue => AppendJson(new StringBuilder(), value).ToString(),
            _ => "",
        };
    }

    private static StringBuilder AppendJson(StringBuilder sb, AnyValue? value)
    {
        switch (value?.ValueCase)
        {
            case AnyValue.ValueOneofCase.StringValue:
                return AppendJsonString(sb, value.StringValue);
            case AnyValue.ValueOneofCase.BoolValue:
            case AnyValue.ValueOneofCase.IntValue:
                return sb.Append(AttributeText(value));
            case AnyValue.ValueOneofCase.DoubleValue:
                return double.IsFinite(value.DoubleValue) ? sb.Append(FormatDouble(value.DoubleValue)) : AppendJsonString(sb, FormatDouble(value.DoubleValue));
            case AnyValue.ValueOneofCase.BytesValue:
                return AppendJsonString(sb, AttributeText(value));
            case AnyValue.ValueOneofCase.ArrayValue:
                sb.Append('[');
                for (var i = 0; i < value.ArrayValue.Values.Count; i++)
                {
                    if (i > 0) sb.Append(',');
                    AppendJson(sb, value.ArrayValue.Values[i]);
                }
                return sb.Append(']');
            case AnyValue.ValueOneofCase.KvlistValue:
                sb.Append('{');
                for (var i = 0; i < value.KvlistValue.Values.Count; i++)
                {
                    if (i > 0) sb.Append(',');
                    AppendJsonString(sb, value.KvlistValue.Values[i].Key).Append(':');
                    AppendJson(sb, value.KvlistValue.Values[i].Value);
                }
                return sb.Append('}');
            default:
                return sb.Append("null");
        }
    }

    private static StringBuilder AppendJsonString(StringBuilder sb, string text) =>
        sb.Append(System.Text.Json.JsonSerializer.Serialize(text));

    private static string FormatDouble(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
