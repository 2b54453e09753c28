using System.Globalization;

namespace Foresight.Cli.Commands;

/// <summary>How the commands print values.</summary>
internal static class CliText
{
    /// <summary>A Unix-ms timestamp as <c>yyyy-MM-dd HH:mm:ss</c> (UTC), the NAB format the commands also read.</summary>
    public static string Iso(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
