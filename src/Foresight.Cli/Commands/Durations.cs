using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Foresight.Cli.Commands;

/// <summary>Durations on the command line: <c>500ms</c>, <c>15s</c>, <c>5m</c>, <c>12h</c>, <c>30d</c>, <c>2w</c>, or <c>0</c>.</summary>
internal static class Durations
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        text = text.Trim();
        if (text == "0") return true;
        string[] units = ["ms", "s", "m", "h", "d", "w"];
        foreach (var unit in units.OrderByDescending(u => u.Length))
        {
            if (!text.EndsWith(unit, StringComparison.Ordinal)) continue;
            if (!double.TryParse(text[..^unit.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || n < 0) return false;
            value = unit switch
            {
                "ms" => TimeSpan.FromMilliseconds(n),
                "s" => TimeSpan.FromSeconds(n),
                "m" => TimeSpan.FromMinutes(n),
                "h" => TimeSpan.FromHours(n),
                "d" => TimeSpan.FromDays(n),
                _ => TimeSpan.FromDays(7 * n),
            };
            return true;
        }
        return false;
    }

    public static bool TryApply(string? text, string option, Action<TimeSpan> apply, [NotNullWhen(false)] out string? error)
    {
        error = null;
        if (text is null) return true;
        if (!TryParse(text, out var value))
        {
            error = $"{option}: '{text}' is not a duration (examples: 90s, 15m, 12h, 30d, 0)";
            return false;
        }
        apply(value);
        return true;
    }
}
