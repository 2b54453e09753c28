namespace Foresight.Cost;

/// <summary>
/// Per-resource prices: what one core, one GiB of memory, one GPU and one GiB of storage cost for an
/// hour, on demand and on spot capacity, in one currency.
/// </summary>
/// <remarks>
/// <para>
/// The defaults are OpenCost's default pricing sheet (<c>configs/default.json</c> in opencost/opencost,
/// the rates OpenCost uses when it knows no cloud price): $0.031611 per vCPU-hour, $0.004237 per
/// GiB-hour of RAM, $0.006655 and $0.000892 on spot, $0.95 per GPU-hour and $0.00005479452 per
/// GiB-hour of storage ($0.04 per GiB-month). OpenCost calls the memory unit "GB" but divides bytes by
/// 1024³, so the rate is per GiB, as here.
/// </para>
/// <para>
/// The catalog is a small YAML file a user can write out (<see cref="ToYaml"/>, or <see cref="DefaultYaml"/>),
/// edit and load back (<see cref="TryParse"/>); errors name the file, line and key. The file carries
/// <c>format: 1</c> so a later build can read or refuse it with a clear message.
/// </para>
/// </remarks>
public sealed record PriceCatalog
{
    /// <summary>Bytes in one GiB, the memory unit of every rate.</summary>
    public const double BytesPerGiB = 1024.0 * 1024 * 1024;

    private static readonly string[] Keys =
        ["format", "currency", "cpu_core_hour", "memory_gib_hour", "spot_cpu_core_hour", "spot_memory_gib_hour", "gpu_hour", "storage_gib_hour"];

    private static readonly Lazy<string> DefaultText = new(() => CatalogReader.Resource(CatalogFormat.ResourceName("prices.yaml")));

    /// <summary>ISO 4217 code or any label the user bills in (default USD).</summary>
    public string Currency { get; init; } = "USD";

    /// <summary>One core for one hour, on demand.</summary>
    public double CpuCoreHour { get; init; } = 0.031611;

    /// <summary>One GiB of memory for one hour, on demand.</summary>
    public double MemoryGiBHour { get; init; } = 0.004237;

    /// <summary>One core for one hour on spot / preemptible capacity.</summary>
    public double SpotCpuCoreHour { get; init; } = 0.006655;

    /// <summary>One GiB of memory for one hour on spot / preemptible capacity.</summary>
    public double SpotMemoryGiBHour { get; init; } = 0.000892;

    /// <summary>One GPU for one hour.</summary>
    public double GpuHour { get; init; } = 0.95;

    /// <summary>One GiB of persistent storage for one hour.</summary>
    public double StorageGiBHour { get; init; } = 0.00005479452;

    /// <summary>OpenCost's default sheet.</summary>
    public static PriceCatalog Default { get; } = new();

    /// <summary>The default catalog file, with its comments, as shipped in the assembly.</summary>
    public static string DefaultYaml => DefaultText.Value;

    /// <summary>Rate per core-hour on demand or on spot.</summary>
    public double CpuRate(bool spot) => spot ? SpotCpuCoreHour : CpuCoreHour;

    /// <summary>Rate per GiB-hour on demand or on spot.</summary>
    public double MemoryRate(bool spot) => spot ? SpotMemoryGiBHour : MemoryGiBHour;

    /// <summary>Reads a catalog file. Keys left out keep the OpenCost default.</summary>
    /// <param name="yaml">The file's text.</param>
    /// <param name="file">A name for the file in error messages.</param>
    /// <param name="catalog">The catalog, or null on error.</param>
    /// <param name="error">What was wrong and where, e.g. <c>prices.yaml: line 4: cpu_core_hour: 'abc' is not a number</c>.</param>
    public static bool TryParse(string yaml, string file, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PriceCatalog? catalog, out string error)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(file);
        return CatalogReader.TryRead(() =>
        {
            var (_, root) = CatalogReader.Open(yaml, file, "price catalog", Keys);
            var d = Default;
            return new PriceCatalog
            {
                Currency = root.OptionalText("currency") ?? d.Currency,
                CpuCoreHour = root.OptionalNumber("cpu_core_hour") ?? d.CpuCoreHour,
                MemoryGiBHour = root.OptionalNumber("memory_gib_hour") ?? d.MemoryGiBHour,
                SpotCpuCoreHour = root.OptionalNumber("spot_cpu_core_hour") ?? d.SpotCpuCoreHour,
                SpotMemoryGiBHour = root.OptionalNumber("spot_memory_gib_hour") ?? d.SpotMemoryGiBHour,
                GpuHour = root.OptionalNumber("gpu_hour") ?? d.GpuHour,
                StorageGiBHour = root.OptionalNumber("storage_gib_hour") ?? d.StorageGiBHour,
            };
        }, out catalog, out error);
    }

    /// <summary>The catalog as a file <see cref="TryParse"/> reads back to an equal catalog.</summary>
    public string ToYaml()
    {
        var text = CatalogFormat.Start("Foresight price catalog: what one unit of each resource costs for one hour (memory per GiB).", Currency);
        text.AppendLine($"cpu_core_hour: {CatalogFormat.Number(CpuCoreHour)}");
        text.AppendLine($"memory_gib_hour: {CatalogFormat.Number(MemoryGiBHour)}");
        text.AppendLine($"spot_cpu_core_hour: {CatalogFormat.Number(SpotCpuCoreHour)}");
        text.AppendLine($"spot_memory_gib_hour: {CatalogFormat.Number(SpotMemoryGiBHour)}");
        text.AppendLine($"gpu_hour: {CatalogFormat.Number(GpuHour)}");
        text.AppendLine($"storage_gib_hour: {CatalogFormat.Number(StorageGiBHour)}");
        return text.ToString();
    }
}
