using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.RegularExpressions;

namespace Foresight.Series;

/// <summary>How a selector compares one label.</summary>
public enum MatchOp
{
    /// <summary><c>=</c></summary>
    Equal,
    /// <summary><c>!=</c></summary>
    NotEqual,
    /// <summary><c>=~</c> (fully anchored RE2-style regular expression)</summary>
    Regex,
    /// <summary><c>!~</c></summary>
    NotRegex,
}

/// <summary>
/// One label matcher of a selector. The metric name is matched as label <c>__name__</c>.
/// A regular expression is anchored at both ends (<c>^(?:re)\z</c>), as PromQL anchors its RE2
/// expressions. It runs on .NET's <see cref="RegexOptions.NonBacktracking"/> engine, which like RE2
/// matches in time linear in the label value, so a pattern such as <c>(a+)+b</c> cannot blow up.
/// The few constructs that engine lacks and RE2 lacks too (lookarounds, backreferences, atomic
/// groups) fall back to the backtracking engine with a <see cref="RegexTimeout"/> per label value;
/// a match that takes longer throws <see cref="RegexMatchTimeoutException"/> (the HTTP API answers
/// 422 saying so). A linear-time expression has no time-out: it cannot blow up, and a time-out would
/// only fail it on a busy machine (the first match builds the engine's automaton lazily).
/// </summary>
public sealed class LabelMatcher
{
    private readonly Regex? _regex;

    /// <summary>How long a backtracking regular expression may take on one label value: 100 ms.</summary>
    public static TimeSpan RegexTimeout { get; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Creates a matcher; regular expressions are anchored at both ends as in PromQL.</summary>
    /// <exception cref="ArgumentException">The regular expression does not parse.</exception>
    public LabelMatcher(string name, MatchOp op, string value)
    {
        Name = name;
        Op = op;
        Value = value;
        if (op is MatchOp.Regex or MatchOp.NotRegex)
        {
            var anchored = "^(?:" + value + @")\z";
            try
            {
                _regex = new Regex(anchored, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, Regex.InfiniteMatchTimeout);
            }
            catch (NotSupportedException)
            {
                _regex = new Regex(anchored, RegexOptions.CultureInvariant | RegexOptions.Compiled, RegexTimeout);
            }
        }
    }

    /// <summary>True when the regular expression runs in linear time (no time-out possible); false for a backtracking one or no regex.</summary>
    public bool LinearTime => _regex is not null && (_regex.Options & RegexOptions.NonBacktracking) != 0;

    /// <summary>Label name (<c>__name__</c> for the metric).</summary>
    public string Name { get; }

    /// <summary>Comparison.</summary>
    public MatchOp Op { get; }

    /// <summary>Value or pattern.</summary>
    public string Value { get; }

    /// <summary>Whether a label value (empty string when absent) satisfies this matcher.</summary>
    public bool Matches(string? labelValue)
    {
        var v = labelValue ?? "";
        return Op switch
        {
            MatchOp.Equal => v == Value,
            MatchOp.NotEqual => v != Value,
            MatchOp.Regex => IsMatch(v),
            _ => !IsMatch(v),
        };
    }

    private bool IsMatch(string v)
    {
        try
        {
            return _regex!.IsMatch(v);
        }
        catch (RegexMatchTimeoutException)
        {
            // Name the pattern as the user wrote it, not its anchored form.
            throw new RegexMatchTimeoutException(v, Value, RegexTimeout);
        }
    }
}

/// <summary>
/// A Prometheus series selector: <c>name</c>, <c>name{k="v"}</c>, <c>{k=~"re",j!="x"}</c>.
/// Follows the PromQL instant-vector selector grammar (no offsets or ranges); at least one
/// matcher must not match the empty string, as PromQL requires.
/// </summary>
public sealed class SeriesSelector
{
    private SeriesSelector(IReadOnlyList<LabelMatcher> matchers) => Matchers = matchers;

    /// <summary>A selector that matches every series.</summary>
    public static SeriesSelector All { get; } = new([]);

    /// <summary>The matchers, all of which must hold.</summary>
    public IReadOnlyList<LabelMatcher> Matchers { get; }

    /// <summary>Whether a series matches.</summary>
    public bool Matches(string metric, Labels labels)
    {
        foreach (var m in Matchers)
        {
            var value = m.Name == SeriesNames.MetricNameLabel ? metric : labels.Get(m.Name);
            if (!m.Matches(value)) return false;
        }
        return true;
    }

    /// <summary>The exact metric name when the selector pins one with <c>=</c>, else null.</summary>
    public string? ExactMetric =>
        Matchers.FirstOrDefault(m => m.Name == SeriesNames.MetricNameLabel && m.Op == MatchOp.Equal)?.Value;

    /// <summary>Parses a selector, or explains at which character it went wrong.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out SeriesSelector? selector, [NotNullWhen(false)] out string? error)
    {
        selector = null;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            selector = All;
            return true;
        }
        var s = text.Trim();
        var matchers = new List<LabelMatcher>();
        var i = 0;
        var nameStart = i;
        while (i < s.Length && (char.IsAsciiLetterOrDigit(s[i]) || s[i] is '_' or ':')) i++;
        if (i > nameStart)
        {
            var metric = s[nameStart..i];
            if (!SeriesNames.IsValidMetricName(metric))
            {
                error = $"'{metric}' is not a valid metric name";
                return false;
            }
            matchers.Add(new LabelMatcher(SeriesNames.MetricNameLabel, MatchOp.Equal, metric));
        }
        SkipSpace(s, ref i);
        if (i < s.Length)
        {
            if (s[i] != '{')
            {
                error = $"unexpected '{s[i]}' at position {i + 1}; expected '{{'";
                return false;
            }
            i++;
            while (true)
            {
                SkipSpace(s, ref i);
                if (i < s.Length && s[i] == '}')
                {
                    i++;
                    break;
                }
                var ls = i;
                while (i < s.Length && (char.IsAsciiLetterOrDigit(s[i]) || s[i] == '_')) i++;
                var label = s[ls..i];
                if (!SeriesNames.IsValidLabelName(label))
                {
                    error = $"expected a label name at position {ls + 1}";
                    return false;
                }
                SkipSpace(s, ref i);
                MatchOp op;
                if (Take(s, ref i, "=~")) op = MatchOp.Regex;
                else if (Take(s, ref i, "!~")) op = MatchOp.NotRegex;
                else if (Take(s, ref i, "!=")) op = MatchOp.NotEqual;
                else if (Take(s, ref i, "=")) op = MatchOp.Equal;
                else
                {
                    error = $"expected one of = != =~ !~ after '{label}' at position {i + 1}";
                    return false;
                }
                SkipSpace(s, ref i);
                if (!TryReadQuoted(s, ref i, out var value))
                {
                    error = $"expected a quoted value for '{label}' at position {i + 1}";
                    return false;
                }
                try
                {
                    matchers.Add(new LabelMatcher(label, op, value));
                }
                catch (ArgumentException ex)
                {
                    error = $"invalid regular expression for '{label}': {ex.Message}";
                    return false;
                }
                SkipSpace(s, ref i);
                if (i < s.Length && s[i] == ',')
                {
                    i++;
                    continue;
                }
                if (i < s.Length && s[i] == '}')
                {
                    i++;
                    break;
                }
                error = $"expected ',' or '}}' at position {i + 1}";
                return false;
            }
            SkipSpace(s, ref i);
            if (i < s.Length)
            {
                error = $"unexpected text after the selector at position {i + 1}";
                return false;
            }
        }
        if (matchers.Count == 0)
        {
            error = "a selector needs a metric name or at least one label matcher";
            return false;
        }
        if (matchers.All(m => m.Matches("")))
        {
            error = "a selector needs at least one matcher that does not match the empty string";
            return false;
        }
        selector = new SeriesSelector(matchers);
        return true;
    }

    private static void SkipSpace(string s, ref int i)
    {
        while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
    }

    private static bool Take(string s, ref int i, string token)
    {
        if (string.CompareOrdinal(s, i, token, 0, token.Length) != 0) return false;
        i += token.Length;
        return true;
    }

    private static bool TryReadQuoted(string s, ref int i, out string value)
    {
        value = "";
        if (i >= s.Length || s[i] is not ('"' or '\'' or '`')) return false;
        var quote = s[i++];
        var sb = new StringBuilder();
        while (i < s.Length && s[i] != quote)
        {
            if (s[i] == '\\' && quote != '`' && i + 1 < s.Length)
            {
                i++;
                sb.Append(s[i] switch { 'n' => '\n', 't' => '\t', _ => s[i] });
            }
            else sb.Append(s[i]);
            i++;
        }
        if (i >= s.Length) return false;
        i++;
        value = sb.ToString();
        return true;
    }
}
