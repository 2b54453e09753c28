using Foresight.Detection.State;

namespace Foresight.Detection.Multivariate;

/// <summary>Settings of <see cref="MultiMetricDetector"/>.</summary>
public sealed class MultiMetricOptions
{
    /// <summary>Consecutive observations concatenated into one point (a window), so short patterns across metrics count. Default 3.</summary>
    public int Window { get; set; } = 3;

    /// <summary>Past windows kept for training (a ring). Default 2,048.</summary>
    public int History { get; set; } = 2048;

    /// <summary>The forest is regrown after this many new observations. Default 256.</summary>
    public int RetrainEvery { get; set; } = 256;

    /// <summary>Observations before the first score (warm-up). Default 512.</summary>
    public int WarmUp { get; set; } = 512;
}

/// <summary>
/// Scores a service's several metrics together, for anomalies that show only across metrics
/// (each value normal alone, the combination not: e.g. CPU high while requests are low). Each
/// observation is a vector of the metrics at one time, standardised by running means and
/// deviations, extended with the pairwise differences of the standardised values (which stay near
/// zero while the metrics move together); the last <see cref="MultiMetricOptions.Window"/> vectors form one point; an
/// <see cref="IsolationForest"/> grown on the recent history (regrown periodically, so the cost is
/// amortised O(1) per observation with bounded memory) scores the newest point. Returns 0 during warm-up.
/// </summary>
public sealed class MultiMetricDetector(int metrics, MultiMetricOptions? options = null) : IRestorableState
{
    private readonly MultiMetricOptions _options = options ?? new MultiMetricOptions();
    private readonly double[] _mean = new double[metrics];
    private readonly double[] _m2 = new double[metrics];
    private readonly Queue<double[]> _recent = new();
    private readonly List<double[]> _history = [];
    private IsolationForest? _forest;
    private long _seen;
    private int _sinceTraining;
    private int _next;

    /// <summary>Metrics per observation.</summary>
    public int Metrics { get; } = metrics;

    /// <summary>Consumes one observation (one value per metric, NaN allowed for a missing one) and returns its score in [0, 1].</summary>
    public double Update(ReadOnlySpan<double> values)
    {
        if (values.Length != Metrics) throw new ArgumentException($"expected {Metrics} values, got {values.Length}", nameof(values));
        _seen++;
        var standardised = new double[Metrics];
        for (var i = 0; i < Metrics; i++)
        {
            var v = values[i];
            if (!double.IsFinite(v)) v = _mean[i];
            var delta = v - _mean[i];
            _mean[i] += delta / _seen;
            _m2[i] += delta * (v - _mean[i]);
            var sd = _seen > 1 ? Math.Sqrt(_m2[i] / (_seen - 1)) : 0;
            standardised[i] = sd > 0 ? (v - _mean[i]) / sd : 0;
        }
        var features = new double[Metrics + Metrics * (Metrics - 1) / 2];
        standardised.CopyTo(features, 0);
        var k = Metrics;
        for (var i = 0; i < Metrics; i++)
        {
            for (var j = i + 1; j < Metrics; j++) features[k++] = standardised[i] - standardised[j];
        }
        _recent.Enqueue(features);
        if (_recent.Count > _options.Window) _recent.Dequeue();
        if (_recent.Count < _options.Window) return 0;
        var point = _recent.SelectMany(r => r).ToArray();

        var score = _forest is null || _seen < _options.WarmUp ? 0 : _forest.Score(point);
        if (_history.Count < _options.History) _history.Add(point);
        else
        {
            _history[_next] = point;
            _next = (_next + 1) % _options.History;
        }
        if (++_sinceTraining >= _options.RetrainEvery || (_forest is null && _history.Count >= Math.Min(_options.WarmUp, _options.History)))
        {
            _forest = IsolationForest.Fit(_history, seed: (int)(_seen % int.MaxValue));
            _sinceTraining = 0;
        }
        return score;
    }

    private int Features => Metrics + Metrics * (Metrics - 1) / 2;

    /// <inheritdoc />
    public void WriteState(BinaryWriter writer)
    {
        writer.WriteTag("multimetric");
        writer.Write(Metrics);
        writer.Write(_options.Window);
        writer.Write(_options.History);
        writer.WriteDoubles(_mean);
        writer.WriteDoubles(_m2);
        writer.Write(_recent.Count);
        foreach (var r in _recent) writer.WriteDoubles(r);
        writer.Write(_history.Count);
        foreach (var h in _history) writer.WriteDoubles(h);
        writer.Write(_next);
        writer.Write(_forest is not null);
        _forest?.WriteState(writer);
        writer.Write(_seen);
        writer.Write(_sinceTraining);
    }

    /// <inheritdoc />
    public void ReadState(BinaryReader reader)
    {
        reader.ExpectTag("multimetric");
        reader.ExpectSetting(Metrics, "number of metrics");
        reader.ExpectSetting(_options.Window, "window");
        reader.ExpectSetting(_options.History, "history length");
        reader.ReadDoubles(_mean, "means");
        reader.ReadDoubles(_m2, "sums of squares");
        _recent.Clear();
        var recent = reader.ReadCount(_options.Window, "recent observations");
        for (var i = 0; i < recent; i++)
        {
            var features = new double[Features];
            reader.ReadDoubles(features, "features of an observation");
            _recent.Enqueue(features);
        }
        _history.Clear();
        var history = reader.ReadCount(_options.History, "past windows");
        for (var i = 0; i < history; i++)
        {
            var point = new double[Features * _options.Window];
            reader.ReadDoubles(point, "features of a window");
            _history.Add(point);
        }
        _next = reader.ReadInt32();
        if (_next < 0 || _next >= _options.History) throw new InvalidDataException($"the next history slot is {_next} of {_options.History}.");
        _forest = reader.ReadBoolean() ? IsolationForest.ReadState(reader, Features * _options.Window) : null;
        _seen = reader.ReadInt64();
        _sinceTraining = reader.ReadInt32();
    }
}
