using System.Globalization;

namespace Foresight.Server.Http;

/// <summary>Parsing of query-string values shared by the API areas.</summary>
internal static class QueryValues
{
    /// <summary>An optional integer (e.g. Unix ms); absent means <paramref name="fallback"/>.</summary>
    public static bool TryLong(string? text, long fallback, out long value)
    {
        if (string.IsNullOrEmpty(text))
        {
            value = fallback;
            return true;
        }
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }
}
