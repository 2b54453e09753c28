using System.Globalization;
using System.Text;

namespace Foresight.Scraping;

/// <summary>
/// Durations in Prometheus' configuration syntax: one or more <c>number unit</c> parts with units
/// in decreasing order, each at most once — <c>y</c> (365 days), <c>w</c>, <c>d</c>, <c>h</c>,
/// <c>m</c>, <c>s</c>, <c>ms</c> — such as <c>500ms</c>, <c>15s</c>, <c>1m30s</c>, <c>1h</c>,
/// or a bare <c>0</c>. This is the grammar of Prometheus' <c>model.ParseDuration</c>.
/// </summary>
public static class PrometheusDuration
{
    private static readonly (string Unit, TimeSpan Size)[] Units =
    [
        ("y", TimeSpan.FromDays(365)),
        ("w", TimeSpan.FromDays(7)),
        ("d", TimeSpan.FromDays(1)),
        ("h", TimeSpan.FromHours(1)),
        ("m", TimeSpan.FromMinutes(1)),
        ("s", TimeSpan.FromSeconds(1)),
        ("ms", TimeSpan.FromMilliseconds(1)),
    ];

    /// <summary>Parses a duration; false for anything outside the grammar or beyond <see cref="TimeSpan.MaxValue"/>.</summary>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text)) return false;
        if (text == "0") return true;

        var s = text.AsSpan();
        var nextUnit = 0;
        var total = 0m;
        while (!s.IsEmpty)
        {
            var digits = 0;
            while (digits < s.Length && char.IsAsciiDigit(s[digits])) digits++;
            if (digits == 0 || digits > 18) return false;
            var number = long.Parse(s[..digits], NumberStyles.None, CultureInfo.InvariantCulture);
            s = s[digits..];

            var unitLength = 0;
            while (unitLength < s.Length && char.IsAsciiLetterLower(s[unitLength])) unitLength++;
            var unit = s[..unitLength];
            var index = -1;
            for (var u = nextUnit; u < Units.Length; u++)
            {
                if (unit.SequenceEqual(Units[u].Unit))
                {
                    index = u;
                    break;
                }
            }
            if (index < 0) return false;
            total += number * (decimal)Units[index].Size.Ticks;
            if (total > TimeSpan.MaxValue.Ticks) return false;
            nextUnit = index + 1;
            s = s[unitLength..];
        }
        duration = TimeSpan.FromTicks((long)total);
        return true;
    }

    /// <summary>Formats a duration in the same syntax (<c>1m30s</c>, <c>500ms</c>, <c>0s</c>), dropping sub-millisecond parts.</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero) return "-" + Format(duration.Negate());
        var ms = (long)duration.TotalMilliseconds;
        if (ms == 0) return "0s";
        var sb = new StringBuilder();
        foreach (var (unit, size) in Units)
        {
            var unitMs = (long)size.TotalMilliseconds;
            if (ms >= unitMs)
            {
                sb.Append(ms / unitMs).Append(unit);
                ms %= unitMs;
            }
        }
        return sb.ToString();
    }
}
