namespace Foresight.Series;

/// <summary>
/// The series catalog of one store, indexed for selectors the way Prometheus' TSDB indexes its head:
/// per tenant, an inverted index ("postings") from each label pair, the metric name as
/// <c>__name__</c> included, to the series that carry it (Fabian Reinartz, "Writing a Time Series
/// Database from Scratch", 2017). A selector with at least one <c>=</c> matcher of a non-empty value
/// is answered from the shortest of its matchers' postings, each candidate checked against every
/// matcher, instead of from a scan of the tenant's series; one without such a matcher scans them.
/// Not thread-safe: the owning store guards it with its catalog lock.
/// </summary>
/// <typeparam name="T">What the store keeps per series.</typeparam>
public sealed class SeriesIndex<T> where T : class
{
    private readonly Dictionary<string, TenantIndex> _tenants = new(StringComparer.Ordinal);

    /// <summary>Series in the index.</summary>
    public int Count { get; private set; }

    /// <summary>Adds a series (not already present).</summary>
    public void Add(SeriesInfo info, T item)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (!_tenants.TryGetValue(info.Tenant, out var tenant)) _tenants[info.Tenant] = tenant = new TenantIndex();
        tenant.All.Add(item);
        tenant.Post(SeriesNames.MetricNameLabel, info.Metric, item);
        foreach (var (name, value) in info.Labels) tenant.Post(name, value, item);
        Count++;
    }

    /// <summary>Removes a series added before (linear in its postings' lengths: for the rare undo of a failed creation).</summary>
    public void Remove(SeriesInfo info, T item)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (!_tenants.TryGetValue(info.Tenant, out var tenant) || !tenant.All.Remove(item)) return;
        tenant.Unpost(SeriesNames.MetricNameLabel, info.Metric, item);
        foreach (var (name, value) in info.Labels) tenant.Unpost(name, value, item);
        Count--;
    }

    /// <summary>Tenants that have at least one series, in ordinal order.</summary>
    public IReadOnlyList<string> Tenants() =>
        [.. _tenants.Where(kv => kv.Value.All.Count > 0).Select(kv => kv.Key).Order(StringComparer.Ordinal)];

    /// <summary>
    /// The series of <paramref name="tenant"/> that <paramref name="selector"/> matches, in the order they were added,
    /// as <paramref name="infoOf"/> describes them.
    /// </summary>
    public List<T> Find(string tenant, SeriesSelector selector, Func<T, SeriesInfo> infoOf)
    {
        ArgumentNullException.ThrowIfNull(selector);
        ArgumentNullException.ThrowIfNull(infoOf);
        var result = new List<T>();
        if (!_tenants.TryGetValue(tenant, out var index)) return result;
        IReadOnlyList<T> candidates = index.All;
        foreach (var m in selector.Matchers)
        {
            if (m.Op != MatchOp.Equal || m.Value.Length == 0) continue;
            if (index.Singles.TryGetValue((m.Name, m.Value), out var single)) candidates = [single];
            else if (!index.Postings.TryGetValue((m.Name, m.Value), out var posting)) return result;
            else if (posting.Count < candidates.Count) candidates = posting;
        }
        foreach (var item in candidates)
        {
            var info = infoOf(item);
            if (selector.Matches(info.Metric, info.Labels)) result.Add(item);
        }
        return result;
    }

    private sealed class TenantIndex
    {
        public List<T> All { get; } = [];

        /// <summary>Label pairs that two or more series carry.</summary>
        public Dictionary<(string Name, string Value), List<T>> Postings { get; } = [];

        /// <summary>Label pairs that one series carries (an instance, a pod: most pairs of a large fleet), without a list
        /// each (a list of one was 64 B a series).</summary>
        public Dictionary<(string Name, string Value), T> Singles { get; } = [];

        public void Post(string name, string value, T item)
        {
            if (Postings.TryGetValue((name, value), out var list)) list.Add(item);
            else if (Singles.Remove((name, value), out var first)) Postings[(name, value)] = [first, item];
            else Singles[(name, value)] = item;
        }

        public void Unpost(string name, string value, T item)
        {
            if (Singles.TryGetValue((name, value), out var single))
            {
                if (ReferenceEquals(single, item)) Singles.Remove((name, value));
                return;
            }
            if (!Postings.TryGetValue((name, value), out var list)) return;
            list.Remove(item);
            if (list.Count > 1) return;
            Postings.Remove((name, value));
            if (list.Count == 1) Singles[(name, value)] = list[0];
        }
    }
}
