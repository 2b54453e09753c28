using System.Diagnostics.CodeAnalysis;

namespace Foresight.Cost;

/// <summary>One cloud instance (VM) type: its size and what an hour of it costs on demand and on spot.</summary>
/// <param name="Name">The provider's name, e.g. <c>m6i.large</c>, <c>e2-standard-4</c>, <c>Standard_D4s_v5</c>.</param>
/// <param name="Provider">aws, gcp, azure or any label.</param>
/// <param name="Region">The region the prices are for.</param>
/// <param name="Family">general, compute, memory or burstable.</param>
/// <param name="VCpu">Virtual CPUs (cores as Kubernetes counts them).</param>
/// <param name="MemoryGiB">Memory in GiB.</param>
/// <param name="OnDemandHour">On-demand price per hour.</param>
/// <param name="SpotHour">Typical spot / preemptible price per hour (it moves by the hour and the zone).</param>
public sealed record InstanceType(string Name, string Provider, string Region, string Family, double VCpu, double MemoryGiB, double OnDemandHour, double SpotHour)
{
    /// <summary>Price per hour on demand or on spot.</summary>
    public double PricePerHour(bool spot) => spot ? SpotHour : OnDemandHour;
}

/// <summary>
/// A list of instance types with their sizes and hourly prices, the input of <see cref="InstancePacker"/>.
/// </summary>
/// <remarks>
/// <para>
/// The default catalog holds 40 common types: AWS general-purpose (m6i, m7g), compute-optimised (c6i,
/// c7g), memory-optimised (r6i) and burstable (t3) in us-east-1; GCP e2 and n2 in us-central1; Azure
/// D, E, F and B series in eastus. On-demand prices are the providers' public Linux list prices as of
/// mid-2024 (the file's <c>as_of</c>), written down without network access: check them against your
/// price page or bill. Spot prices are typical and approximate: the on-demand price less a typical
/// discount for the family (AWS 55-70%, GCP 70-76%, Azure 80%); real spot prices move by the hour and
/// differ by zone.
/// </para>
/// <para>
/// Like <see cref="PriceCatalog"/>, it is a YAML file a user writes out (<see cref="DefaultYaml"/> or
/// <see cref="ToYaml"/>), edits and loads (<see cref="TryParse"/>), with errors that name the line and key.
/// </para>
/// </remarks>
public sealed record InstanceCatalog
{
    private static readonly string[] Keys = ["format", "currency", "source", "as_of", "instance_types"];

    private static readonly string[] TypeKeys = ["name", "provider", "region", "family", "vcpu", "memory_gib", "on_demand_hour", "spot_hour"];

    private static readonly Lazy<string> DefaultText = new(() => CatalogReader.Resource(CatalogFormat.ResourceName("instance-types.yaml")));

    private static readonly Lazy<InstanceCatalog> DefaultCatalog = new(() =>
        TryParse(DefaultText.Value, "instance-types.yaml", out var catalog, out var error)
            ? catalog
            : throw new InvalidOperationException($"the embedded default instance catalog does not load: {error}"));

    /// <summary>Currency of every price (default USD).</summary>
    public string Currency { get; init; } = "USD";

    /// <summary>Where the prices come from.</summary>
    public string Source { get; init; } = "";

    /// <summary>When the prices were taken, as the file states it (e.g. 2024-06).</summary>
    public string AsOf { get; init; } = "";

    /// <summary>The instance types, names unique.</summary>
    public required IReadOnlyList<InstanceType> Types { get; init; }

    /// <summary>The 40 types shipped with Foresight (see the remarks for source and date).</summary>
    public static InstanceCatalog Default => DefaultCatalog.Value;

    /// <summary>The default catalog file, with its comments, as shipped in the assembly.</summary>
    public static string DefaultYaml => DefaultText.Value;

    /// <summary>The types of one provider (case-insensitive), e.g. to pack onto AWS types only.</summary>
    public InstanceCatalog ForProvider(string provider) =>
        this with { Types = Types.Where(t => string.Equals(t.Provider, provider, StringComparison.OrdinalIgnoreCase)).ToList() };

    /// <summary>Reads a catalog file.</summary>
    /// <param name="yaml">The file's text.</param>
    /// <param name="file">A name for the file in error messages.</param>
    /// <param name="catalog">The catalog, or null on error.</param>
    /// <param name="error">What was wrong and where, e.g. <c>types.yaml: line 9: instance_types[2] (c6i.large).vcpu: 'two' is not a number</c>.</param>
    public static bool TryParse(string yaml, string file, [NotNullWhen(true)] out InstanceCatalog? catalog, out string error)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(file);
        return CatalogReader.TryRead(() =>
        {
            var (reader, root) = CatalogReader.Open(yaml, file, "instance catalog", Keys);
            var entries = reader.Sequence(root.Node("instance_types"), "instance_types", "instance types (- { name: ..., vcpu: ..., memory_gib: ..., on_demand_hour: ... })");
            var types = new List<InstanceType>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < entries.Count; i++)
            {
                var path = CatalogReader.Peek(entries[i], "name") is { } named ? $"instance_types[{i}] ({named})" : $"instance_types[{i}]";
                var entry = reader.Mapping(entries[i], path, TypeKeys);
                var name = entry.Text("name");
                if (!names.Add(name)) throw reader.Error(entry.Node("name"), path, $"the name '{name}' is used twice");
                var onDemand = entry.Number("on_demand_hour", 0, strictlyAbove: true);
                var spot = entry.Has("spot_hour") ? entry.Number("spot_hour", 0, strictlyAbove: true) : onDemand;
                if (spot > onDemand) throw reader.Error(entry.Node("spot_hour"), entry.Path("spot_hour"), $"the spot price {CatalogFormat.Number(spot)} is above the on-demand price {CatalogFormat.Number(onDemand)}");
                types.Add(new InstanceType(
                    name,
                    entry.OptionalText("provider") ?? "",
                    entry.OptionalText("region") ?? "",
                    entry.OptionalText("family") ?? "",
                    entry.Number("vcpu", 0, strictlyAbove: true),
                    entry.Number("memory_gib", 0, strictlyAbove: true),
                    onDemand,
                    spot));
            }
            if (types.Count == 0) throw reader.Error(root.Node("instance_types"), "instance_types", "the list is empty; give at least one instance type");
            return new InstanceCatalog
            {
                Currency = root.OptionalText("currency") ?? "USD",
                Source = root.OptionalText("source") ?? "",
                AsOf = root.OptionalText("as_of") ?? "",
                Types = types,
            };
        }, out catalog, out error);
    }

    /// <summary>The catalog as a file <see cref="TryParse"/> reads back to an equal list of types.</summary>
    public string ToYaml()
    {
        var text = CatalogFormat.Start("Foresight instance-type catalog: size and hourly price of each type (spot prices are typical, approximate).", Currency);
        if (Source.Length > 0) text.AppendLine($"source: {CatalogFormat.Text(Source)}");
        if (AsOf.Length > 0) text.AppendLine($"as_of: {CatalogFormat.Text(AsOf)}");
        text.AppendLine("instance_types:");
        foreach (var t in Types)
        {
            text.Append($"  - {{ name: {CatalogFormat.Text(t.Name)}");
            if (t.Provider.Length > 0) text.Append($", provider: {CatalogFormat.Text(t.Provider)}");
            if (t.Region.Length > 0) text.Append($", region: {CatalogFormat.Text(t.Region)}");
            if (t.Family.Length > 0) text.Append($", family: {CatalogFormat.Text(t.Family)}");
            text.AppendLine($", vcpu: {CatalogFormat.Number(t.VCpu)}, memory_gib: {CatalogFormat.Number(t.MemoryGiB)}, on_demand_hour: {CatalogFormat.Number(t.OnDemandHour)}, spot_hour: {CatalogFormat.Number(t.SpotHour)} }}");
        }
        return text.ToString();
    }
}
