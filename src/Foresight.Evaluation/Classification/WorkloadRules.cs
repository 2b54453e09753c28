using Foresight.Classification;

namespace Foresight.Evaluation.Classification;

/// <summary>
/// The hand-written rules an operator would otherwise use, as the baseline of
/// <see cref="ClassesEvaluation"/>: no requests → training when CPU is busy most of the time, else
/// batch; ≥ 16 GiB per core → cache; ≥ 4 GiB per core → database; ≥ 20 ms CPU per request → ML;
/// requests with a strong daily cycle (strength ≥ 0.5) → web; ≥ 200 requests/s → microservice; else API.
/// </summary>
internal static class WorkloadRules
{
    public static WorkloadClass Classify(WorkloadFeatures features)
    {
        var v = features.Values;
        var requests = v[WorkloadFeatures.ReqRate];
        if (!(requests > 0.01)) return v[WorkloadFeatures.CpuDuty] >= 0.7 ? WorkloadClass.Ml : WorkloadClass.Batch;
        var memoryPerCore = v[WorkloadFeatures.MemGibPerCore];
        if (memoryPerCore >= 16) return WorkloadClass.Cache;
        if (memoryPerCore >= 4) return WorkloadClass.Database;
        if (v[WorkloadFeatures.CpuMsPerRequest] >= 20) return WorkloadClass.Ml;
        if (v[WorkloadFeatures.ReqDaily] >= 0.5) return WorkloadClass.Web;
        return requests >= 200 ? WorkloadClass.Microservice : WorkloadClass.Api;
    }
}
