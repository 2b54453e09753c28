using Foresight.Scaling;

namespace Foresight.Evaluation.Scaling;

/// <summary>Decisions whose confidence fell in [<paramref name="From"/>, <paramref name="To"/>).</summary>
/// <param name="From">Lower edge of the band.</param>
/// <param name="To">Upper edge of the band (the last band includes 1).</param>
/// <param name="Decisions">Decisions in the band.</param>
/// <param name="MeanConfidence">Their mean confidence.</param>
/// <param name="Served">Share of them whose replicas served the demand at every step of their look-ahead.</param>
public sealed record ConfidenceBand(double From, double To, int Decisions, double MeanConfidence, double Served);

/// <summary>
/// How far the predictive policy's stated confidence can be taken at its word: per band of confidence, the
/// share of decisions whose desired replicas did serve the demand over their whole look-ahead (a reliability
/// diagram; Murphy &amp; Winkler, "Reliability of subjective probability forecasts", JRSS C 1977). A calibrated
/// policy serves about as often as it says it will in every band.
/// </summary>
/// <param name="Decisions">Decisions scored: those made with a forecast at the start of a step, with their whole look-ahead in the trace.</param>
/// <param name="MeanConfidence">Their mean confidence.</param>
/// <param name="Served">Share whose replicas served every step of the look-ahead.</param>
/// <param name="Bands">The same by band of confidence (bands without decisions left out).</param>
public sealed record ConfidenceCalibration(int Decisions, double MeanConfidence, double Served, IReadOnlyList<ConfidenceBand> Bands)
{
    private static readonly double[] Edges = [0, 0.5, 0.8, 0.9, 0.95, 0.99, 1];

    /// <summary>
    /// Scores <paramref name="decisions"/> (step index, desired replicas, confidence, look-ahead in whole steps after
    /// its own) against <paramref name="demand"/>; null when none has its look-ahead inside the trace.
    /// </summary>
    internal static ConfidenceCalibration? Score(IReadOnlyList<(int Step, int Desired, double Confidence, int StepsAhead)> decisions,
        double[] demand, double replicaCapacity)
    {
        var count = new int[Edges.Length - 1];
        var served = new int[Edges.Length - 1];
        var sum = new double[Edges.Length - 1];
        foreach (var (step, desired, confidence, ahead) in decisions)
        {
            if (step + ahead >= demand.Length) continue;
            var ok = true;
            for (var t = step; t <= step + ahead && ok; t++) ok = demand[t] <= desired * replicaCapacity * (1 + 1e-12);
            var band = Band(confidence);
            count[band]++;
            sum[band] += confidence;
            if (ok) served[band]++;
        }
        var total = count.Sum();
        if (total == 0) return null;
        var bands = new List<ConfidenceBand>();
        for (var b = 0; b < count.Length; b++)
            if (count[b] > 0) bands.Add(new ConfidenceBand(Edges[b], Edges[b + 1], count[b], sum[b] / count[b], served[b] / (double)count[b]));
        return new ConfidenceCalibration(total, sum.Sum() / total, served.Sum() / (double)total, bands);
    }

    private static int Band(double confidence)
    {
        for (var b = Edges.Length - 2; b > 0; b--)
            if (confidence >= Edges[b]) return b;
        return 0;
    }
}
