using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Foresight.Series;

/// <summary>
/// An immutable, sorted set of label name/value pairs (the Prometheus data model). Names are
/// unique; pairs with an empty value are dropped, as Prometheus treats an empty label as absent.
/// </summary>
public sealed class Labels : IReadOnlyList<KeyValuePair<string, string>>, IEquatable<Labels>
{
    private readonly KeyValuePair<string, string>[] _pairs;
    private readonly int _hash;

    /// <summary>The empty label set.</summary>
    public static Labels Empty { get; } = new([]);

    private Labels(KeyValuePair<string, string>[] sortedPairs)
    {
        _pairs = sortedPairs;
        var hash = new HashCode();
        foreach (var (k, v) in sortedPairs)
        {
            hash.Add(k, StringComparer.Ordinal);
            hash.Add(v, StringComparer.Ordinal);
        }
        _hash = hash.ToHashCode();
    }

    /// <summary>Builds a label set, sorting by name and dropping empty values.</summary>
    /// <exception cref="ArgumentException">A name appears twice or is not a valid label name.</exception>
    public static Labels From(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        if (!TryFrom(pairs, out var labels, out var error)) throw new ArgumentException(error, nameof(pairs));
        return labels;
    }

    /// <summary>Builds a label set from name/value tuples (convenience for code and tests).</summary>
    public static Labels Of(params (string Name, string Value)[] pairs) =>
        From(pairs.Select(p => new KeyValuePair<string, string>(p.Name, p.Value)));

    /// <summary>Builds a label set, or says which label is at fault.</summary>
    public static bool TryFrom(IEnumerable<KeyValuePair<string, string>> pairs,
        [NotNullWhen(true)] out Labels? labels, [NotNullWhen(false)] out string? error)
    {
        var list = new List<KeyValuePair<string, string>>();
        foreach (var pair in pairs)
        {
            if (!SeriesNames.IsValidLabelName(pair.Key))
            {
                labels = null;
                error = $"label name '{pair.Key}' is not valid (expected [a-zA-Z_][a-zA-Z0-9_]*)";
                return false;
            }
            if (!string.IsNullOrEmpty(pair.Value)) list.Add(pair);
        }
        list.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        for (var i = 1; i < list.Count; i++)
        {
            if (list[i].Key == list[i - 1].Key)
            {
                labels = null;
                error = $"label '{list[i].Key}' appears more than once";
                return false;
            }
        }
        labels = list.Count == 0 ? Empty : new Labels([.. list]);
        error = null;
        return true;
    }

    /// <summary>Number of labels.</summary>
    public int Count => _pairs.Length;

    /// <summary>The i-th label in name order.</summary>
    public KeyValuePair<string, string> this[int index] => _pairs[index];

    /// <summary>The value of a label, or null when absent.</summary>
    public string? Get(string name)
    {
        foreach (var (k, v) in _pairs)
        {
            if (k == name) return v;
        }
        return null;
    }

    /// <summary>Appends the canonical text form <c>{a="1",b="2"}</c> to a builder.</summary>
    public void AppendTo(StringBuilder sb)
    {
        sb.Append('{');
        for (var i = 0; i < _pairs.Length; i++)
        {
            if (i > 0) sb.Append(',');
            sb.Append(_pairs[i].Key).Append("=\"");
            foreach (var c in _pairs[i].Value)
            {
                switch (c)
                {
                    case '\\': sb.Append("\\\\"); break;
                    case '"': sb.Append("\\\""); break;
                    case '\n': sb.Append("\\n"); break;
                    default: sb.Append(c); break;
                }
            }
            sb.Append('"');
        }
        sb.Append('}');
    }

    /// <summary>The labels as a new dictionary (for JSON output).</summary>
    public Dictionary<string, string> ToDictionary() => _pairs.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, string>>)_pairs).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public bool Equals(Labels? other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (other is null || other._hash != _hash || other._pairs.Length != _pairs.Length) return false;
        for (var i = 0; i < _pairs.Length; i++)
        {
            if (!string.Equals(_pairs[i].Key, other._pairs[i].Key, StringComparison.Ordinal)
                || !string.Equals(_pairs[i].Value, other._pairs[i].Value, StringComparison.Ordinal)) return false;
        }
        return true;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Labels);

    /// <inheritdoc />
    public override int GetHashCode() => _hash;

    /// <inheritdoc />
    public override string ToString()
    {
        var sb = new StringBuilder();
        AppendTo(sb);
        return sb.ToString();
    }
}
