using System.Text;

namespace Foresight.Series;

/// <summary>
/// The identity of a series: a tenant, a metric name and a label set. Two keys with the same
/// three parts name the same series; the store gives each distinct key a stable numeric id.
/// </summary>
public sealed record SeriesKey(string Tenant, string Metric, Labels Labels)
{
    /// <summary>
    /// The canonical text form <c>metric{a="1",b="2"}</c> (without the tenant), the way Prometheus
    /// prints a series; used as the storage key together with the tenant.
    /// </summary>
    public string Canonical()
    {
        var sb = new StringBuilder(Metric.Length + 16 * Labels.Count);
        sb.Append(Metric);
        Labels.AppendTo(sb);
        return sb.ToString();
    }

    /// <inheritdoc />
    public override string ToString() => Canonical();
}
