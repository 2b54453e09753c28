using Foresight.Detection.State;

namespace Foresight.Detection.Multivariate;

/// <summary>
/// Streams a service's several series into a <see cref="MultiMetricDetector"/> and calibrates its
/// isolation scores into the ensemble's scale with Numenta's anomaly likelihood
/// (<see cref="AnomalyLikelihood"/>), so one threshold serves both. Each observation is the latest
/// value of every series of the service at a timestamp; a new series joining the service restarts
/// the detector with one more dimension. Returns 0 until at least two series are known. Its state
/// can be saved and restored (<see cref="DetectorSnapshot"/>).
/// </summary>
public sealed class ServiceCorrelationDetector : IRestorableState
{
    private readonly Dictionary<long, int> _index = [];
    private readonly List<double> _latest = [];
    private readonly Feed _feed = new();
    private MultiMetricDetector? _detector;
    private AnomalyLikelihood? _likelihood;

    /// <summary>Number of series of the service seen so far.</summary>
    public int Series => _index.Count;

    /// <summary>Records the latest value of one series (call for every series present at a timestamp, then <see cref="Score"/>).</summary>
    public void Set(long seriesId, double value)
    {
        if (!_index.TryGetValue(seriesId, out var i))
        {
            _index[seriesId] = i = _latest.Count;
            _latest.Add(value);
            _detector = null;   // a new dimension: start over
            return;
        }
        _latest[i] = value;
    }

    /// <summary>Scores the current observation (all series' latest values) at <paramref name="timestamp"/>.</summary>
    public double Score(long timestamp)
    {
        if (_latest.Count < 2) return 0;
        _detector ??= Start();
        _feed.Next = _detector.Update(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_latest));
        // The likelihood starts learning only once the forest scores: warm-up zeros would make every
        // first real score look extreme.
        return _feed.Next == 0 ? 0 : _likelihood!.Update(timestamp, 0);
    }

    /// <inheritdoc />
    public void WriteState(BinaryWriter writer)
    {
        writer.WriteTag("service-correlation");
        writer.Write(_latest.Count);
        foreach (var (id, i) in _index.OrderBy(e => e.Value))
        {
            writer.Write(id);
            writer.Write(_latest[i]);
        }
        writer.Write(_detector is not null);
        if (_detector is null) return;
        _detector.WriteState(writer);
        _likelihood!.WriteState(writer);
    }

    /// <inheritdoc />
    public void ReadState(BinaryReader reader)
    {
        reader.ExpectTag("service-correlation");
        var count = reader.ReadCount(MaxSeries, "series");
        _index.Clear();
        _latest.Clear();
        for (var i = 0; i < count; i++)
        {
            if (!_index.TryAdd(reader.ReadInt64(), i)) throw new InvalidDataException("a series listed twice.");
            _latest.Add(reader.ReadDouble());
        }
        _detector = null;
        _likelihood = null;
        if (!reader.ReadBoolean()) return;
        if (count < 2) throw new InvalidDataException($"a cross-metric detector over {count} series.");
        _detector = Start();
        _detector.ReadState(reader);
        _likelihood!.ReadState(reader);
    }

    private MultiMetricDetector Start()
    {
        // A single point can be the whole anomaly here, so the likelihood does not average raw scores.
        _likelihood = new AnomalyLikelihood(_feed, new AnomalyLikelihoodOptions { AveragingWindow = 1 });
        return new MultiMetricDetector(_latest.Count);
    }

    private const int MaxSeries = 100_000;

    /// <summary>Hands a precomputed raw score to the likelihood (it is set before every update, so it has no state to save).</summary>
    private sealed class Feed : IStreamingDetector, IRestorableState
    {
        public double Next { get; set; }

        public double Update(long timestamp, double value) => Next;

        public void WriteState(BinaryWriter writer) => writer.WriteTag("feed");

        public void ReadState(BinaryReader reader) => reader.ExpectTag("feed");
    }
}
