using System.Globalization;

namespace Foresight.Cli.Commands;

/// <summary>How the commands print values, and the checks on the files they write them to.</summary>
internal static class CliText
{
    /// <summary>Formats <paramref name="text"/> with the invariant culture (points, not commas, whatever the machine's locale).</summary>
    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>A Unix-ms timestamp as <c>yyyy-MM-dd HH:mm:ss</c> (UTC), the NAB format the commands also read.</summary>
    public static string Iso(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>
    /// Why the output file <paramref name="path"/> cannot be written, or null when it can. Commands ask
    /// before their work starts, so a typo in <c>--out</c> does not cost the run. An existing file is
    /// left as it was, and a file created for the check is removed.
    /// </summary>
    public static string? CannotWrite(string path, string input)
    {
        path = Path.GetFullPath(path);
        if (Directory.Exists(path)) return $"{path} is a directory";
        if (Path.GetDirectoryName(path) is { } dir && !Directory.Exists(dir)) return $"the directory {dir} does not exist";
        if (string.Equals(path, Path.GetFullPath(input), StringComparison.Ordinal)) return $"{path} is the input file";
        var existed = File.Exists(path);
        try
        {
            using (new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write)) { }
            if (!existed) File.Delete(path);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"cannot write {path} ({ex.Message})";
        }
    }
}
