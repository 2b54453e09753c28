using System.Globalization;
using System.Text;
using Foresight.Series;

namespace Foresight.Ingestion;

/// <summary>The Prometheus type an OTLP metric becomes, which decides its name suffixes.</summary>
internal enum PrometheusKind
{
    /// <summary>An OTLP gauge; unit "1" adds <c>_ratio</c>.</summary>
    Gauge,
    /// <summary>A non-monotonic cumulative sum: a Prometheus gauge, but without <c>_ratio</c> (as the OpenTelemetry Collector does).</summary>
    UpDownCounter,
    Counter,
    Histogram,
    Summary,
}

/// <summary>
/// OTLP-to-Prometheus names as the OpenTelemetry "Prometheus and OpenMetrics Compatibility"
/// specification defines them (section "OTLP Metric points to Prometheus"): invalid characters
/// become '_', runs of '_' collapse to one, the unit is spelled out and appended unless the name
/// already contains it, and type suffixes (<c>_total</c>, <c>_ratio</c>) come after the unit.
/// </summary>
internal static class PrometheusNaming
{
    // The unit words follow the OpenTelemetry Collector's translator, the reference the
    // specification's examples ("ms" → "milliseconds") are drawn from.
    private static readonly Dictionary<string, string> MainUnits = new(StringComparer.Ordinal)
    {
        ["d"] = "days", ["h"] = "hours", ["min"] = "minutes", ["s"] = "seconds",
        ["ms"] = "milliseconds", ["us"] = "microseconds", ["ns"] = "nanoseconds",
        ["By"] = "bytes", ["KiBy"] = "kibibytes", ["MiBy"] = "mebibytes", ["GiBy"] = "gibibytes",
        ["TiBy"] = "tibibytes", ["KBy"] = "kilobytes", ["MBy"] = "megabytes", ["GBy"] = "gigabytes",
        ["TBy"] = "terabytes", ["m"] = "meters", ["V"] = "volts", ["A"] = "amperes", ["J"] = "joules",
        ["W"] = "watts", ["g"] = "grams", ["Cel"] = "celsius", ["Hz"] = "hertz", ["%"] = "percent",
        ["1"] = "",
    };

    private static readonly Dictionary<string, string> PerUnits = new(StringComparer.Ordinal)
    {
        ["s"] = "second", ["m"] = "minute", ["h"] = "hour", ["d"] = "day",
        ["w"] = "week", ["mo"] = "month", ["y"] = "year",
    };

    /// <summary>
    /// The Prometheus metric family name for an OTLP metric (before <c>_bucket</c>/<c>_sum</c>/
    /// <c>_count</c>, which the caller adds for histograms and summaries).
    /// </summary>
    /// <param name="name">The OTLP metric name.</param>
    /// <param name="unit">The OTLP (UCUM) unit, possibly empty.</param>
    /// <param name="kind">The Prometheus type the metric becomes.</param>
    /// <param name="addTotalSuffix">Whether counters get <c>_total</c> (the specification's default).</param>
    public static string MetricName(string name, string unit, PrometheusKind kind, bool addTotalSuffix = true)
    {
        var result = Clean(name, allowColon: true);
        var tokens = result.Split('_', StringSplitOptions.RemoveEmptyEntries);

        var slash = unit.IndexOf('/', StringComparison.Ordinal);
        var main = UnitWord(slash < 0 ? unit : unit[..slash], MainUnits);
        var per = slash < 0 ? "" : UnitWord(unit[(slash + 1)..], PerUnits);
        if (main.Length > 0 && !ContainsRun(tokens, main)) result += "_" + main;
        if (per.Length > 0 && !ContainsRun(tokens, "per_" + per)) result += "_per_" + per;

        if (kind == PrometheusKind.Gauge && unit.Trim() == "1" && !ContainsRun(tokens, "ratio")) result += "_ratio";
        if (kind == PrometheusKind.Counter && addTotalSuffix && !result.EndsWith("_total", StringComparison.Ordinal)) result += "_total";
        return result;
    }

    /// <summary>A label name: invalid characters become '_', runs of '_' collapse, a leading digit gets a '_' prefix.</summary>
    public static string LabelName(string key) => Clean(key, allowColon: false);

    /// <summary>
    /// A float as Prometheus label text for <c>le</c> and <c>quantile</c>: the shortest digits that
    /// round-trip, in positional notation (<c>0.005</c>, <c>1000000</c>), and <c>+Inf</c>/<c>-Inf</c>/<c>NaN</c>.
    /// </summary>
    public static string FormatFloat(double value)
    {
        if (double.IsPositiveInfinity(value)) return "+Inf";
        if (double.IsNegativeInfinity(value)) return "-Inf";
        if (double.IsNaN(value)) return "NaN";
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var e = text.IndexOf('E', StringComparison.Ordinal);
        return e < 0 ? text : ExpandExponent(text, e);
    }

    private static string ExpandExponent(string text, int e)
    {
        var exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var mantissa = text[..e];
        var negative = mantissa.StartsWith('-');
        if (negative) mantissa = mantissa[1..];
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = dot < 0 ? mantissa : mantissa.Remove(dot, 1);
        var point = (dot < 0 ? mantissa.Length : dot) + exponent; // position of the decimal point in digits

        var sb = new StringBuilder(digits.Length + Math.Abs(exponent) + 3);
        if (negative) sb.Append('-');
        if (point <= 0)
        {
            sb.Append("0.").Append('0', -point).Append(digits);
        }
        else if (point >= digits.Length)
        {
            sb.Append(digits).Append('0', point - digits.Length);
        }
        else
        {
            sb.Append(digits, 0, point).Append('.').Append(digits, point, digits.Length - point);
        }
        return sb.ToString();
    }

    private static string UnitWord(string otelUnit, Dictionary<string, string> words)
    {
        // Annotations in braces ("{request}") are counts of things: unitless in Prometheus.
        var sb = new StringBuilder(otelUnit.Length);
        var depth = 0;
        foreach (var c in otelUnit)
        {
            if (c == '{') depth++;
            else if (c == '}') depth = Math.Max(0, depth - 1);
            else if (depth == 0) sb.Append(c);
        }
        var unit = sb.ToString().Trim();
        if (unit.Length == 0) return "";
        var word = words.TryGetValue(unit, out var known) ? known : unit;
        return word.Length == 0 ? "" : Clean(word, allowColon: false).Trim('_');
    }

    private static bool ContainsRun(string[] tokens, string suffix)
    {
        var wanted = suffix.Split('_', StringSplitOptions.RemoveEmptyEntries);
        for (var start = 0; start + wanted.Length <= tokens.Length; start++)
        {
            var match = true;
            for (var j = 0; j < wanted.Length && match; j++) match = tokens[start + j] == wanted[j];
            if (match) return true;
        }
        return false;
    }

    private static string Clean(string name, bool allowColon)
    {
        var sanitized = SeriesNames.Sanitize(name, allowColon);
        if (!sanitized.Contains("__", StringComparison.Ordinal)) return sanitized;
        var sb = new StringBuilder(sanitized.Length);
        foreach (var c in sanitized)
        {
            if (c == '_' && sb.Length > 0 && sb[^1] == '_') continue;
            sb.Append(c);
        }
        return sb.ToString();
    }
}
