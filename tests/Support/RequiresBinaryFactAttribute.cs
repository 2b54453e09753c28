using System.Runtime.CompilerServices;

namespace Foresight.Tests.Support;

/// <summary>
/// A fact that needs an external program, e.g. <c>[RequiresBinaryFact("prometheus-node-exporter")]</c>.
/// It looks in /usr/bin, /usr/sbin, /usr/local/bin and then PATH; when the program is missing the
/// test is skipped with a message saying what to install (in its display name too, see <see cref="SkipReason"/>) — except when the environment variable
/// <c>CI</c> is <c>true</c>: there it always runs, so a CI image without the program fails loudly
/// (through <see cref="Locate"/>) instead of silently skipping.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class RequiresBinaryFactAttribute : FactAttribute
{
    private static readonly string[] WellKnownDirectories = ["/usr/bin", "/usr/sbin", "/usr/local/bin"];

    public RequiresBinaryFactAttribute(string binary, [CallerMemberName] string test = "", [CallerFilePath] string file = "")
    {
        Binary = binary;
        if (Find(binary) is null && !IsCi)
        {
            SkipReason.Apply(this, $"'{binary}' is not installed (looked in {string.Join(", ", WellKnownDirectories)} and PATH); "
                + $"install it (Debian: apt-get install {binary}) to run this test", test, file);
        }
    }

    /// <summary>The program's file name.</summary>
    public string Binary { get; }

    /// <summary>Whether the tests run in CI, where missing programs fail instead of skipping.</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The program's full path, or null when it is not installed.</summary>
    public static string? Find(string binary)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var directory in WellKnownDirectories.Concat(path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)))
        {
            var candidate = Path.Combine(directory, binary);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>The program's full path; throws with an install hint when it is missing (the CI case).</summary>
    public static string Locate(string binary) =>
        Find(binary) ?? throw new InvalidOperationException(
            $"'{binary}' is required but not installed; the CI setup must install it (Debian: apt-get install {binary})");
}
