using Foresight.Ingestion.Otlp;
using Foresight.Series;
using Google.Protobuf.Collections;

namespace Foresight.Ingestion;

/// <summary>
/// One translation of an OTLP export request to Prometheus-model series (see
/// <see cref="OtlpMetricsDecoder"/> for the mapping). Single use: collects series, counts and
/// rejection reasons while it walks the request.
/// </summary>
internal sealed partial class OtlpTranslator
{
    private const int MaxReasons = 5;
    private const string TargetInfo = "target_info";

    private readonly OtlpTranslationOptions _options;
    private readonly Dictionary<(string Metric, Labels Labels), List<Point>> _series = [];
    private readonly List<(string Metric, Labels Labels)> _order = [];
    private readonly List<string> _reasons = [];
    private int _samples;
    private int _accepted;
    private int _rejected;

    public OtlpTranslator(OtlpTranslationOptions options) => _options = options;

    /// <summary>Where a metric sits in the request and which target and scope labels its points carry.</summary>
    private readonly record struct Context(string Location, string? Job, string? Instance, string? ScopeName, string? ScopeVersion);

    public OtlpMetricsResult Translate(ExportMetricsServiceRequest request)
    {
        for (var r = 0; r < request.ResourceMetrics.Count; r++) TranslateResource(request.ResourceMetrics[r], r);

        var series = new List<SeriesWrite>(_order.Count);
        foreach (var key in _order) series.Add(new SeriesWrite(key.Metric, key.Labels, _series[key]));
        string? message = null;
        if (_reasons.Count > 0)
        {
            message = $"{_rejected} data point(s) rejected: " + string.Join("; ", _reasons);
        }
        return new OtlpMetricsResult(series, _samples, _accepted, _rejected, message);
    }

    private void TranslateResource(ResourceMetrics resourceMetrics, int r)
    {
        string? serviceName = null, serviceNamespace = null, instance = null;
        var others = new List<KeyValue>();
        foreach (var attribute in resourceMetrics.Resource?.Attributes ?? [])
        {
            switch (attribute.Key)
            {
                case "service.name": serviceName = AttributeText(attribute.Value); break;
                case "service.namespace": serviceNamespace = AttributeText(attribute.Value); break;
                case "service.instance.id": instance = AttributeText(attribute.Value); break;
                default: others.Add(attribute); break;
            }
        }
        string? job = null;
        if (!string.IsNullOrEmpty(serviceName))
        {
            job = string.IsNullOrEmpty(serviceNamespace) ? serviceName : serviceNamespace + "/" + serviceName;
        }

        var latest = long.MinValue;
        for (var s = 0; s < resourceMetrics.ScopeMetrics.Count; s++)
        {
            var scopeMetrics = resourceMetrics.ScopeMetrics[s];
            var scope = _options.AddScopeLabels ? scopeMetrics.Scope : null;
            for (var m = 0; m < scopeMetrics.Metrics.Count; m++)
            {
                var metric = scopeMetrics.Metrics[m];
                var location = $"metric '{metric.Name}' (resource_metrics[{r}].scope_metrics[{s}].metrics[{m}])";
                var context = new Context(location, job, instance, scope?.Name, scope?.Version);
                latest = Math.Max(latest, TranslateMetric(metric, context));
            }
        }

        // The specification's target info: resource attributes beyond the service triplet, as a
        // gauge of value 1 identified by job and instance, stamped with the resource's latest point.
        if (_options.EmitTargetInfo && others.Count > 0 && latest != long.MinValue)
        {
            var context = new Context($"resource_metrics[{r}].resource", job, instance, null, null);
            if (TryBuildLabels(others, context, out var labels, out var error)) Add(TargetInfo, labels, latest, 1);
            else AddReason(error);
        }
    }

    /// <summary>Translates one metric; returns the latest timestamp it stored, or <see cref="long.MinValue"/>.</summary>
    private long TranslateMetric(Metric metric, Context context)
    {
        var count = DataPointCount(metric);
        if (string.IsNullOrEmpty(metric.Name))
        {
            Reject(count, $"{context.Location}: the metric has no name");
            return long.MinValue;
        }
        switch (metric.DataCase)
        {
            case Metric.DataOneofCase.Gauge:
                return TranslateNumbers(metric.Gauge.DataPoints, PrometheusNaming.MetricName(metric.Name, metric.Unit, PrometheusKind.Gauge), context);

            case Metric.DataOneofCase.Sum:
                if (metric.Sum.AggregationTemporality != AggregationTemporality.Cumulative)
                {
                    Reject(count, $"{context.Location}: {Temporality(metric.Sum.AggregationTemporality)} sums are dropped as the Prometheus mapping specifies; export with cumulative temporality");
                    return long.MinValue;
                }
                var kind = metric.Sum.IsMonotonic ? PrometheusKind.Counter : PrometheusKind.UpDownCounter;
                var name = PrometheusNaming.MetricName(metric.Name, metric.Unit, kind, _options.AddTotalSuffix);
                return TranslateNumbers(metric.Sum.DataPoints, name, context);

            case Metric.DataOneofCase.Histogram:
                if (metric.Histogram.AggregationTemporality != AggregationTemporality.Cumulative)
                {
                    Reject(count, $"{context.Location}: {Temporality(metric.Histogram.AggregationTemporality)} histograms are dropped as the Prometheus mapping specifies; export with cumulative temporality");
                    return long.MinValue;
                }
                return TranslateHistogram(metric.Histogram.DataPoints, PrometheusNaming.MetricName(metric.Name, metric.Unit, PrometheusKind.Histogram), context);

            case Metric.DataOneofCase.ExponentialHistogram:
                Reject(count, $"{context.Location}: exponential histograms are not supported (they map to Prometheus native histograms, which Foresight does not store); use explicit-bucket histograms");
                return long.MinValue;

            case Metric.DataOneofCase.Summary:
                return TranslateSummary(metric.Summary.DataPoints, PrometheusNaming.MetricName(metric.Name, metric.Unit, PrometheusKind.Summary), context);

            default:
                return long.MinValue; // a metric without data carries no points
        }
    }

    private long TranslateNumbers(RepeatedField<NumberDataPoint> points, string name, Context context)
    {
        var latest = long.MinValue;
        for (var i = 0; i < points.Count; i++)
        {
            var point = points[i];
            if (!TryBegin(point.Flags, point.TimeUnixNano, point.Attributes, context, i, out var ms, out var labels)) continue;
            double value;
            switch (point.ValueCase)
            {
                case NumberDataPoint.ValueOneofCase.AsDouble: value = point.AsDouble; break;
                case NumberDataPoint.ValueOneofCase.AsInt: value = point.AsInt; break;
                default:
                    Reject(1, $"{context.Location} data_points[{i}]: no value (neither as_double nor as_int)");
                    continue;
            }
            Add(name, labels, ms, value);
            _accepted++;
            latest = Math.Max(latest, ms);
        }
        return latest;
    }

    private long TranslateHistogram(RepeatedField<HistogramDataPoint> points, string name, Context context)
    {
        var latest = long.MinValue;
        for (var i = 0; i < points.Count; i++)
        {
            var point = points[i];
            if (!TryBegin(point.Flags, point.TimeUnixNano, point.Attributes, context, i, out var ms, out var labels)) continue;
            var bounds = point.ExplicitBounds;
            var counts = point.BucketCounts;
            if (counts.Count != 0 && counts.Count != bounds.Count + 1)
            {
                Reject(1, $"{context.Location} data_points[{i}]: {counts.Count} bucket_counts for {bounds.Count} explicit_bounds (expected {bounds.Count + 1})");
                continue;
            }
            if (!StrictlyIncreasing(bounds))
            {
                Reject(1, $"{context.Location} data_points[{i}]: explicit_bounds are not strictly increasing");
                continue;
            }

            var bucket = name + "_bucket";
            ulong cumulative = 0;
            for (var b = 0; b < bounds.Count && counts.Count > 0; b++)
            {
                cumulative += counts[b];
                Add(bucket, With(labels, "le", PrometheusNaming.FormatFloat(bounds[b])), ms, cumulative);
            }
            Add(bucket, With(labels, "le", "+Inf"), ms, point.Count);
            if (point.HasSum) Add(name + "_sum", labels, ms, point.Sum);
            Add(name + "_count", labels, ms, point.Count);
            _accepted++;
            latest = Math.Max(latest, ms);
        }
        return latest;
    }

    private long TranslateSummary(RepeatedField<SummaryDataPoint> points, string name, Context context)
    {
        var latest = long.MinValue;
        for (var i = 0; i < points.Count; i++)
        {
            var point = points[i];
            if (!TryBegin(point.Flags, point.TimeUnixNano, point.Attributes, context, i, out var ms, out var labels)) continue;
            foreach (var quantile in point.QuantileValues.OrderBy(q => q.Quantile))
            {
                Add(name, With(labels, "quantile", PrometheusNaming.FormatFloat(quantile.Quantile)), ms, quantile.Value);
            }
            Add(name + "_sum", labels, ms, point.Sum);
            Add(name + "_count", labels, ms, point.Count);
            _accepted++;
            latest = Math.Max(latest, ms);
        }
        return latest;
    }

    /// <summary>
    /// Common data point checks: drops "no recorded value" points (counted as accepted), rejects
    /// points without a timestamp, and builds the labels.
    /// </summary>
    private bool TryBegin(uint flags, ulong timeUnixNano, RepeatedField<KeyValue> attributes, Context context, int index,
        out long ms, out Labels labels)
    {
        ms = 0;
        labels = Labels.Empty;
        if ((flags & (uint)DataPointFlags.NoRecordedValueMask) != 0)
        {
            _accepted++;
            return false;
        }
        if (timeUnixNano == 0)
        {
            Reject(1, $"{context.Location} data_points[{index}]: time_unix_nano is missing");
            return false;
        }
        if (!TryBuildLabels(attributes, context, out labels, out var error))
        {
            Reject(1, $"{context.Location} data_points[{index}]: {error}");
            return false;
        }
        ms = (long)(timeUnixNano / 1_000_000);
        return true;
    }

    private void Add(string metric, Labels labels, long ms, double value)
    {
        var key = (metric, labels);
        if (!_series.TryGetValue(key, out var points))
        {
            points = new List<Point>(1);
            _series.Add(key, points);
            _order.Add(key);
        }
        points.Add(new Point(ms, value));
        _samples++;
    }

    private void Reject(int count, string reason)
    {
        if (count <= 0) return;
        _rejected += count;
        AddReason(reason);
    }

    private void AddReason(string reason)
    {
        if (_reasons.Count < MaxReasons) _reasons.Add(reason);
        else if (_reasons.Count == MaxReasons) _reasons.Add("...");
    }

    private static bool StrictlyIncreasing(RepeatedField<double> bounds)
    {
        for (var i = 1; i < bounds.Count; i++)
        {
            if (!(bounds[i] > bounds[i - 1])) return false;
        }
        return true;
    }

    private static int DataPointCount(Metric metric) => metric.DataCase switch
    {
        Metric.DataOneofCase.Gauge => metric.Gauge.DataPoints.Count,
        Metric.DataOneofCase.Sum => metric.Sum.DataPoints.Count,
        Metric.DataOneofCase.Histogram => metric.Histogram.DataPoints.Count,
        Metric.DataOneofCase.ExponentialHistogram => metric.ExponentialHistogram.DataPoints.Count,
        Metric.DataOneofCase.Summary => metric.Summary.DataPoints.Count,
        _ => 0,
    };

    private static string Temporality(AggregationTemporality temporality) => temporality switch
    {
        AggregationTemporality.Delta => "delta",
        AggregationTemporality.Unspecified => "unspecified-temporality",
        _ => $"temporality-{(int)temporality}",
    };
}
