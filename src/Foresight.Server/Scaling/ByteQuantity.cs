using System.Globalization;

namespace Foresight.Server.Scaling;

/// <summary>
/// Sizes in bytes the way Kubernetes resource quantities write them: a plain number, or a number
/// with a binary suffix (<c>Ki</c>, <c>Mi</c>, <c>Gi</c>, <c>Ti</c>: powers of 1024) or a decimal
/// one (<c>k</c>/<c>K</c>, <c>M</c>, <c>G</c>, <c>T</c>: powers of 1000), e.g. <c>512Mi</c>, <c>4Gi</c>, <c>2G</c>.
/// </summary>
internal static class ByteQuantity
{
    private static readonly (string Suffix, double Factor)[] Suffixes =
    [
        ("Ki", 1024d), ("Mi", 1024d * 1024), ("Gi", 1024d * 1024 * 1024), ("Ti", 1024d * 1024 * 1024 * 1024),
        ("k", 1e3), ("K", 1e3), ("M", 1e6), ("G", 1e9), ("T", 1e12),
    ];

    /// <summary>Parses <paramref name="text"/>; false when it is not a finite, non-negative size.</summary>
    public static bool TryParse(string text, out double bytes)
    {
        bytes = 0;
        text = text.Trim();
        var factor = 1.0;
        foreach (var (suffix, f) in Suffixes)
        {
            if (!text.EndsWith(suffix, StringComparison.Ordinal)) continue;
            factor = f;
            text = text[..^suffix.Length];
            break;
        }
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number) || number < 0) return false;
        bytes = number * factor;
        return true;
    }
}
