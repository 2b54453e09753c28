namespace Foresight.Tests.Support;

/// <summary>
/// A fact that needs a file from the shared benchmark data (<c>../shared</c> beside the
/// repository); skipped with a message when it is absent, so a fresh clone passes without it.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class RequiresSharedDataFactAttribute : FactAttribute
{
    public RequiresSharedDataFactAttribute(string relativePath)
    {
        if (SharedData.Find(relativePath) is null) Skip = $"shared data '{relativePath}' not found beside the repository (../shared)";
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
