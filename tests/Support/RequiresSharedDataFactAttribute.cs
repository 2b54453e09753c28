using System.Runtime.CompilerServices;

namespace Foresight.Tests.Support;

/// <summary>
/// A fact that needs a file from the shared benchmark data (<c>../shared</c> beside the
/// repository); skipped with a message when it is absent, so a fresh clone passes without it. The message
/// (in the test's display name too, see <see cref="SkipReason"/>) says where the data comes from.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class RequiresSharedDataFactAttribute : FactAttribute
{
    public RequiresSharedDataFactAttribute(string relativePath, [CallerMemberName] string test = "", [CallerFilePath] string file = "")
    {
        if (SharedData.Find(relativePath) is null)
        {
            SkipReason.Apply(this, $"shared data '{relativePath}' not found beside the repository (../shared); "
                + "docs/evaluation.md#datasets says where the public datasets come from", test, file);
        }
    }
}

public static class SharedData
{
    /// <summary>The full path of <c>shared/&lt;relativePath&gt;</c>, searching up from the test binaries, or null.</summary>
    public static string? Find(string relativePath)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", relativePath);
            if (File.Exists(candidate) || Directory.Exists(candidate)) return candidate;
        }
        return null;
    }
}
