using System.Text;
using System.Text.RegularExpressions;

namespace Foresight.Tests.Docs;

/// <summary>One problem with a link: the file and line it is on, and what is wrong.</summary>
internal sealed record LinkProblem(string File, int Line, string Message)
{
    public override string ToString() => $"{File}:{Line}: {Message}";
}

/// <summary>
/// Checks the links of Markdown files as GitHub renders them: every relative link must name a file
/// or folder of the repository, every <c>#anchor</c> a heading of its target (GitHub's slugs: lower
/// case, punctuation dropped, spaces to hyphens, <c>-1</c>, <c>-2</c>, ... for repeats), and a file
/// that must stay inside the repository (the README) may hold no absolute http(s) link at all.
/// Links inside fenced code blocks and inline code spans are not links, and are skipped.
/// </summary>
/// <remarks>
/// The files are read through <paramref name="read"/> (repository-relative path with '/' separators
/// to its text, or null when there is no such file) and <paramref name="isDirectory"/>, so the
/// checker runs on the real repository and on in-memory examples alike.
/// </remarks>
internal sealed partial class MarkdownLinkChecker(Func<string, string?> read, Func<string, bool> isDirectory)
{
    private readonly Dictionary<string, HashSet<string>> _anchors = new(StringComparer.Ordinal);

    /// <summary>The problems of the links in <paramref name="file"/>; with <paramref name="internalOnly"/>, any http(s) link is one.</summary>
    public IReadOnlyList<LinkProblem> Check(string file, bool internalOnly)
    {
        var text = read(file) ?? throw new ArgumentException($"{file} does not exist", nameof(file));
        var problems = new List<LinkProblem>();
        var lines = ProseLines(text);
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i] is not { } raw) continue;
            var line = CodeSpan().Replace(raw, m => new string(' ', m.Length));
            if (internalOnly)
            {
                foreach (Match url in ExternalUrl().Matches(line))
                    problems.Add(new(file, i + 1, $"{url.Value} leads outside the repository (this file may link only inside it)"));
            }
            foreach (var target in Targets(line))
            {
                if (Problem(file, target) is { } problem) problems.Add(new(file, i + 1, problem));
            }
        }
        return problems;
    }

    /// <summary>GitHub's anchor for a heading's text, before de-duplication (github-slugger's rule).</summary>
    public static string Slug(string heading)
    {
        var text = InlineLink().Replace(heading, "$1").Replace("`", "", StringComparison.Ordinal).Trim().ToLowerInvariant();
        var slug = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c == ' ') slug.Append('-');
            else if (c is '-' or '_' || char.IsLetterOrDigit(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.NonSpacingMark) slug.Append(c);
        }
        return slug.ToString();
    }

    /// <summary>The anchors of a Markdown text's headings, repeats numbered as GitHub numbers them.</summary>
    public static HashSet<string> Anchors(string markdown)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in ProseLines(markdown))
        {
            if (line is null || Heading().Match(line) is not { Success: true } heading) continue;
            var slug = Slug(heading.Groups[1].Value);
            var anchor = seen.TryGetValue(slug, out var count) ? $"{slug}-{count}" : slug;
            seen[slug] = count + 1;
            anchors.Add(anchor);
        }
        return anchors;
    }

    private string? Problem(string file, string target)
    {
        if (Scheme().IsMatch(target)) return null;   // external (http, mailto, ...): allowed where internalOnly is off
        var hash = target.IndexOf('#', StringComparison.Ordinal);
        var (path, anchor) = hash < 0 ? (target, null) : (target[..hash], Uri.UnescapeDataString(target[(hash + 1)..]));
        string resolved;
        if (path.Length == 0) resolved = file;
        else if (Resolve(file, Uri.UnescapeDataString(path)) is { } inside) resolved = inside;
        else return $"{target} points outside the repository";

        var isFile = read(resolved) is not null;
        if (!isFile && !isDirectory(resolved)) return $"{target}: {resolved} does not exist";
        if (anchor is null) return null;
        if (!isFile || !resolved.EndsWith(".md", StringComparison.OrdinalIgnoreCase)) return $"{target}: #{anchor} names a heading, but {resolved} is not a Markdown file";
        if (!_anchors.TryGetValue(resolved, out var anchors)) _anchors[resolved] = anchors = Anchors(read(resolved)!);
        return anchors.Contains(anchor) ? null : $"{target}: {resolved} has no heading with the anchor #{anchor}";
    }

    /// <summary>The repository-relative path of <paramref name="path"/> written in <paramref name="file"/>, or null when it leaves the repository.</summary>
    private static string? Resolve(string file, string path)
    {
        var parts = new List<string>();
        if (!path.StartsWith('/'))
        {
            var slash = file.LastIndexOf('/');
            if (slash >= 0) parts.AddRange(file[..slash].Split('/'));
        }
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".") continue;
            if (part == "..")
            {
                if (parts.Count == 0) return null;
                parts.RemoveAt(parts.Count - 1);
            }
            else parts.Add(part);
        }
        return string.Join('/', parts);
    }

    /// <summary>Link targets on a line: inline links and images <c>[text](target)</c>, reference definitions <c>[id]: target</c>, autolinks <c>&lt;target&gt;</c>.</summary>
    private static IEnumerable<string> Targets(string line)
    {
        foreach (Match m in InlineTarget().Matches(line)) yield return m.Groups[1].Value;
        if (ReferenceDefinition().Match(line) is { Success: true } definition) yield return definition.Groups[1].Value;
        foreach (Match m in AutoLink().Matches(line)) yield return m.Groups[1].Value;
    }

    /// <summary>The text's lines; those of fenced code blocks are null.</summary>
    private static List<string?> ProseLines(string markdown)
    {
        var result = new List<string?>();
        string? fence = null;
        foreach (var raw in markdown.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            var trimmed = line.TrimStart();
            if (fence is null && (trimmed.StartsWith("```", StringComparison.Ordinal) || trimmed.StartsWith("~~~", StringComparison.Ordinal)))
            {
                fence = trimmed[..3];
                result.Add(null);
                continue;
            }
            if (fence is not null)
            {
                if (trimmed.StartsWith(fence, StringComparison.Ordinal)) fence = null;
                result.Add(null);
                continue;
            }
            result.Add(line);
        }
        return result;
    }

    [GeneratedRegex(@"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+""[^""]*"")?\s*\)")]
    private static partial Regex InlineTarget();

    [GeneratedRegex(@"\[([^\]]*)\]\([^)]*\)")]
    private static partial Regex InlineLink();

    [GeneratedRegex(@"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")]
    private static partial Regex ReferenceDefinition();

    [GeneratedRegex(@"<((?:https?|mailto):[^>\s]+)>")]
    private static partial Regex AutoLink();

    [GeneratedRegex(@"https?://[^\s)>\]""'`]+", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalUrl();

    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9+.-]*:")]
    private static partial Regex Scheme();

    [GeneratedRegex(@"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"(`+)(?:(?!\1).)+?\1")]
    private static partial Regex CodeSpan();
}
