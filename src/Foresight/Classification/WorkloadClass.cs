namespace Foresight.Classification;

/// <summary>
/// The kind of a workload, as <see cref="WorkloadClassifier"/> infers it from the shape of its metrics.
/// What tells the classes apart in practice (and in <see cref="WorkloadGenerator"/>):
/// <list type="bullet">
/// <item><see cref="Web"/>: user-facing pages; a strong daily cycle that holds up at weekends, few milliseconds of CPU per request, large responses (tens to hundreds of KiB per request).</item>
/// <item><see cref="Api"/>: business or partner APIs; a daily cycle that drops at weekends, more CPU per request (2-30 ms) and small responses, latency of tens to hundreds of milliseconds that rises with load.</item>
/// <item><see cref="Batch"/>: cron or queue-driven jobs; no request traffic, CPU on/off with a short duty cycle, memory and disk IO that follow the jobs.</item>
/// <item><see cref="Database"/>: high, flat memory (buffer pool; several GiB per core), steady disk IO, a moderate daily cycle, millisecond query latency, nightly maintenance bursts.</item>
/// <item><see cref="Cache"/>: a very high memory-to-CPU ratio, tiny CPU per operation, sub-millisecond latency, many operations per second, little or periodic (snapshot) disk IO.</item>
/// <item><see cref="Ml"/>: inference (high CPU per request, big resident model, slow responses) or training (long high-duty CPU runs, big memory, no requests).</item>
/// <item><see cref="Microservice"/>: small internal APIs with many callers; smooth, high request rates, well under a millisecond to a few of CPU per request, small memory, low latency.</item>
/// </list>
/// </summary>
public enum WorkloadClass
{
    /// <summary>User-facing web front end.</summary>
    Web,
    /// <summary>Public, partner or business API.</summary>
    Api,
    /// <summary>Batch or cron jobs.</summary>
    Batch,
    /// <summary>Database server.</summary>
    Database,
    /// <summary>In-memory cache (Redis, Memcached).</summary>
    Cache,
    /// <summary>Machine learning inference or training.</summary>
    Ml,
    /// <summary>Small internal service with many callers.</summary>
    Microservice,
}

/// <summary>Names of <see cref="WorkloadClass"/> values as users write them (web, api, batch, database, cache, ml, microservice).</summary>
public static class WorkloadClasses
{
    /// <summary>Every class, in enum order.</summary>
    public static IReadOnlyList<WorkloadClass> All { get; } = Enum.GetValues<WorkloadClass>();

    /// <summary>The lower-case name of <paramref name="workloadClass"/>.</summary>
    public static string Name(this WorkloadClass workloadClass) => workloadClass.ToString().ToLowerInvariant();

    /// <summary>Parses a lower- or mixed-case class name; false for an unknown name.</summary>
    public static bool TryParse(string text, out WorkloadClass workloadClass) =>
        Enum.TryParse(text.Trim(), ignoreCase: true, out workloadClass) && Enum.IsDefined(workloadClass);
}
