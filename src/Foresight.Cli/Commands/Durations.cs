using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Foresight.Cli.Commands;

/// <summary>
/// Durations on the command line: <c>500ms</c>, <c>15s</c>, <c>5m</c>, <c>12h</c>, <c>30d</c>, <c>2w</c>, or <c>0</c>.
/// The number is finite, not negative and the duration at most <see cref="MaxDays"/> days.
/// </summary>
internal static class Durations
{
    /// <summary>Longest duration accepted: 10,000 years, a little more than the span of representable timestamps (years 1 to 9999).</summary>
    public const double MaxDays = 3_652_500;

    // "ms" before "m" and "s", which it ends with.
    private static readonly (string Unit, double Milliseconds)[] Units =
        [("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000), ("w", 604_800_000)];

    public static bool TryParse(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        text = text.Trim();
        if (text == "0") return true;
        foreach (var (unit, unitMs) in Units)
        {
            if (!text.EndsWith(unit, StringComparison.Ordinal)) continue;
            if (!double.TryParse(text[..^unit.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var n)) return false;
            var ms = n * unitMs;
            if (!(ms >= 0 && ms <= MaxDays * 86_400_000)) return false;   // also NaN and infinities
            value = TimeSpan.FromMilliseconds(ms);
            return true;
        }
        return false;
    }

    /// <summary>Parses <paramref name="text"/> (when given) and applies it; <paramref name="examples"/> is the list the refusal shows (options that refuse 0 pass their own, without it).</summary>
    public static bool TryApply(string? text, string option, Action<TimeSpan> apply, [NotNullWhen(false)] out string? error, string examples = "90s, 15m, 12h, 30d, 0")
    {
        error = null;
        if (text is null) return true;
        if (!TryParse(text, out var value))
        {
            error = $"{option}: '{text}' is not a duration (examples: {examples}; at most 10000 years)";
            return false;
        }
        apply(value);
        return true;
    }
}
