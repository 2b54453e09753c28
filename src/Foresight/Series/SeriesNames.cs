namespace Foresight.Series;

/// <summary>Validation of metric and label names as the Prometheus data model defines them.</summary>
public static class SeriesNames
{
    /// <summary>The reserved label that carries the metric name in Prometheus wire formats.</summary>
    public const string MetricNameLabel = "__name__";

    /// <summary>True for a metric name matching <c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>.</summary>
    public static bool IsValidMetricName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty) return false;
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var ok = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_' or ':' || (i > 0 && c is >= '0' and <= '9');
            if (!ok) return false;
        }
        return true;
    }

    /// <summary>True for a label name matching <c>[a-zA-Z_][a-zA-Z0-9_]*</c>.</summary>
    public static bool IsValidLabelName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty) return false;
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var ok = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_' || (i > 0 && c is >= '0' and <= '9');
            if (!ok) return false;
        }
        return true;
    }

    /// <summary>
    /// Replaces every character outside <c>[a-zA-Z0-9_:]</c> by '_' and prefixes '_' to a leading
    /// digit, the normalization the OpenTelemetry-to-Prometheus compatibility specification uses.
    /// </summary>
    public static string Sanitize(string name, bool allowColon)
    {
        if (string.IsNullOrEmpty(name)) return "_";
        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            var ok = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' || (allowColon && c == ':');
            if (!ok) chars[i] = '_';
        }
        var s = new string(chars);
        return s[0] is >= '0' and <= '9' ? "_" + s : s;
    }
}
