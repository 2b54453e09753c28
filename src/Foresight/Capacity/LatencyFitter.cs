using Foresight.Numerics;

namespace Foresight.Capacity;

/// <summary>
/// Least-squares fit of a <see cref="QueueModel"/> to latency observations on the log scale: for each
/// candidate server count c, Nelder–Mead over (ρ at the highest observed load, ln cs², overhead as a share
/// of the lowest observed latency); the c with the smallest sum of squared log errors wins.
/// </summary>
internal sealed class LatencyFitter
{
    private readonly LatencyObservation[] _data;
    private readonly double _maxRate;
    private readonly double _minLatency;
    private readonly bool _estimateOverhead;

    public LatencyFitter(LatencyObservation[] data, bool estimateOverhead)
    {
        _data = data;
        _estimateOverhead = estimateOverhead;
        _maxRate = data.Max(o => o.ArrivalRate);
        _minLatency = data.Min(o => Lowest(o));
    }

    /// <summary>The server counts to try: every count up to 10, then a ladder 12, 14, 16, 20, 24, 32, 48, 64, 96, 128, ... up to <paramref name="maxServers"/>.</summary>
    public static IEnumerable<int> Candidates(int maxServers)
    {
        for (var c = 1; c <= Math.Min(10, maxServers); c++) yield return c;
        for (var c = 12; c <= maxServers; c = c < 16 ? c + 2 : c < 24 ? c + 4 : c < 32 ? c + 8 : c < 64 ? c + 16 : c * 3 / 2) yield return c;
    }

    /// <summary>The best model with <paramref name="servers"/> servers, and its sum of squared log errors.</summary>
    public (QueueModel Model, double Sse) FitServers(int servers, ReadOnlySpan<double> start = default)
    {
        Span<double> x = stackalloc double[3];
        if (start.Length == 3)
        {
            start.CopyTo(x);
            x[0] = Math.Clamp(x[0], 0.01, 0.9);
        }
        else { x[0] = 0.3; x[1] = 0; x[2] = _estimateOverhead ? 0.1 : 0; }
        double[] lower = [0.002, Math.Log(0.05), 0], upper = [0.995, Math.Log(20), _estimateOverhead ? 0.95 : 0];
        var result = NelderMead.Minimize(p => Sse(Model(servers, p)), x, lower, upper, maxEvaluations: 300, tolerance: 1e-7);
        return (Model(servers, x), result.Value);
    }

    /// <summary>The parameter vector of <paramref name="model"/> in the fitter's coordinates (a start for refits).</summary>
    public double[] Coordinates(QueueModel model) =>
        [_maxRate / model.SaturationLoad, Math.Log(model.ServiceScv), _minLatency > 0 ? model.Overhead / _minLatency : 0];

    public QueueModel Model(int servers, ReadOnlySpan<double> p) => new()
    {
        Servers = servers,
        ServiceRate = _maxRate / (servers * p[0]),
        ServiceScv = Math.Exp(p[1]),
        Overhead = p[2] * _minLatency,
    };

    /// <summary>Σ (ln predicted − ln observed)² over every statistic present.</summary>
    public double Sse(QueueModel model) => Sse(model, _data);

    public static double Sse(QueueModel model, IReadOnlyList<LatencyObservation> data)
    {
        var sum = 0.0;
        foreach (var o in data)
        {
            if (double.IsFinite(o.Mean)) sum += Square(Math.Log(model.MeanResponse(o.ArrivalRate) / o.Mean));
            if (double.IsFinite(o.P95)) sum += Square(Math.Log(model.ResponseQuantile(o.ArrivalRate, 0.95) / o.P95));
            if (double.IsFinite(o.P99)) sum += Square(Math.Log(model.ResponseQuantile(o.ArrivalRate, 0.99) / o.P99));
        }
        return double.IsFinite(sum) ? sum : double.PositiveInfinity;
    }

    /// <summary>Log residuals (observed over predicted), in the order <see cref="Sse(QueueModel)"/> visits them.</summary>
    public static List<double> LogResiduals(QueueModel model, IReadOnlyList<LatencyObservation> data)
    {
        var residuals = new List<double>();
        foreach (var o in data)
        {
            if (double.IsFinite(o.Mean)) residuals.Add(Math.Log(o.Mean / model.MeanResponse(o.ArrivalRate)));
            if (double.IsFinite(o.P95)) residuals.Add(Math.Log(o.P95 / model.ResponseQuantile(o.ArrivalRate, 0.95)));
            if (double.IsFinite(o.P99)) residuals.Add(Math.Log(o.P99 / model.ResponseQuantile(o.ArrivalRate, 0.99)));
        }
        return residuals;
    }

    /// <summary>The observations with each statistic multiplied by e^residual, residuals taken in <see cref="LogResiduals"/> order.</summary>
    public static LatencyObservation[] Perturb(QueueModel model, IReadOnlyList<LatencyObservation> data, IReadOnlyList<double> residuals)
    {
        var result = new LatencyObservation[data.Count];
        var k = 0;
        for (var i = 0; i < data.Count; i++)
        {
            var o = data[i];
            var mean = double.IsFinite(o.Mean) ? model.MeanResponse(o.ArrivalRate) * Math.Exp(residuals[k++]) : double.NaN;
            var p95 = double.IsFinite(o.P95) ? model.ResponseQuantile(o.ArrivalRate, 0.95) * Math.Exp(residuals[k++]) : double.NaN;
            var p99 = double.IsFinite(o.P99) ? model.ResponseQuantile(o.ArrivalRate, 0.99) * Math.Exp(residuals[k++]) : double.NaN;
            result[i] = new LatencyObservation(o.ArrivalRate, mean, p95, p99);
        }
        return result;
    }

    private static double Lowest(LatencyObservation o)
    {
        var m = double.PositiveInfinity;
        if (double.IsFinite(o.Mean)) m = Math.Min(m, o.Mean);
        if (double.IsFinite(o.P95)) m = Math.Min(m, o.P95);
        if (double.IsFinite(o.P99)) m = Math.Min(m, o.P99);
        return m;
    }

    private static double Square(double v) => v * v;
}
