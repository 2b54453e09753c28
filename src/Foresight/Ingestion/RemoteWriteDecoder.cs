using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using Foresight.Series;

namespace Foresight.Ingestion;

/// <summary>
/// Decodes and encodes Prometheus remote-write 1.0 requests
/// (https://prometheus.io/docs/specs/prw/remote_write_spec/): a snappy block-compressed protobuf
/// <c>prometheus.WriteRequest</c> (schema in <c>Ingestion/Protos/remote_write.proto</c>).
/// </summary>
/// <remarks>
/// <para>
/// Each <c>TimeSeries</c> becomes one <see cref="SeriesWrite"/>: the <c>__name__</c> label is the
/// metric name (required, must match <c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>), the other labels must match
/// <c>[a-zA-Z_][a-zA-Z0-9_]*</c>, appear once, and be valid UTF-8; labels with an empty value are
/// dropped as Prometheus does. A series that breaks these rules is left out and listed (as Prometheus'
/// receiver skips it and appends the rest); a series without samples is validated but not returned. Metadata,
/// exemplars and native histograms are skipped.
/// </para>
/// <para>
/// The decoder is the ingestion hot path: it reads the wire format directly from the decompressed
/// span, shares label strings through a small cache, and allocates per series only the label set,
/// the point array and the <see cref="SeriesWrite"/>, never per sample. A series seen before with the
/// same label bytes (<see cref="RemoteWriteSeriesCache"/>) skips label decoding altogether and gets the
/// same label set back, so only its point array and <see cref="SeriesWrite"/> are allocated.
/// </para>
/// </remarks>
public static partial class RemoteWriteDecoder
{
    /// <summary>The default cap on the decompressed size of one request: 32 MiB, the limit of Prometheus' own receiver and client_golang's.</summary>
    public const int DefaultMaxDecodedBytes = 32 << 20;

    [ThreadStatic] private static List<Point>? t_points;
    [ThreadStatic] private static List<SeriesWrite>? t_series;
    [ThreadStatic] private static List<KeyValuePair<string, string>>? t_labels;

    /// <summary>
    /// Decodes a remote-write request body, refusing it whole at the first series that is not valid (see the
    /// overload with <c>invalid</c> for Prometheus' receiver behaviour, which skips such a series and keeps the
    /// others). On failure nothing is returned but an error that names what is wrong and where (series index,
    /// label, byte offset).
    /// </summary>
    /// <param name="body">The HTTP body: snappy block format (not the framed stream format), decompressed into a pooled buffer.</param>
    /// <param name="series">The decoded series, in request order.</param>
    /// <param name="samples">The total number of samples in <paramref name="series"/>.</param>
    /// <param name="error">Why the request was refused; null on success.</param>
    /// <param name="maxDecodedBytes">Refuse bodies whose declared decompressed size exceeds this.</param>
    public static bool TryDecode(ReadOnlySpan<byte> body, out List<SeriesWrite> series, out int samples,
        [NotNullWhen(false)] out string? error, int maxDecodedBytes = DefaultMaxDecodedBytes)
    {
        if (!TryDecode(body, out series, out samples, out var invalid, out error, maxDecodedBytes)) return false;
        if (invalid.Count == 0) return true;
        series.Clear();
        samples = 0;
        error = invalid[0].Reason;
        return false;
    }

    /// <summary>
    /// Decodes a remote-write request body as Prometheus' receiver does: a body that is not snappy or not a
    /// protobuf <c>WriteRequest</c> fails whole, while a well-formed series that is not valid (no or an invalid
    /// metric name, an invalid or repeated label, a label that is not UTF-8) is left out and listed in
    /// <paramref name="invalid"/>, and the other series are returned.
    /// </summary>
    /// <param name="body">The HTTP body: snappy block format.</param>
    /// <param name="series">The valid series with samples, in request order.</param>
    /// <param name="samples">The total number of samples in <paramref name="series"/>.</param>
    /// <param name="invalid">The series left out: request index, samples and why.</param>
    /// <param name="error">Why the body was refused whole; null on success.</param>
    /// <param name="maxDecodedBytes">Refuse bodies whose declared decompressed size exceeds this.</param>
    public static bool TryDecode(ReadOnlySpan<byte> body, out List<SeriesWrite> series, out int samples, out List<InvalidSeries> invalid,
        [NotNullWhen(false)] out string? error, int maxDecodedBytes = DefaultMaxDecodedBytes)
    {
        series = [];
        samples = 0;
        invalid = [];
        if (!TryDecompress(body, maxDecodedBytes, out var rented, out var length, out error)) return false;
        // Decoded into a per-thread list, then copied once into one of the exact size: growing the result list from
        // empty would allocate and copy arrays of 4, 8, ... 512 references for a 500-series request.
        var decoded = t_series ??= new List<SeriesWrite>(64);
        try
        {
            if (!TryDecodeRequest(rented.AsSpan(0, length), decoded, ref samples, invalid, out error)) return false;
            series = new List<SeriesWrite>(decoded);
            return true;
        }
        finally
        {
            decoded.Clear();
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static bool TryDecodeRequest(ReadOnlySpan<byte> raw, List<SeriesWrite> series, ref int samples, List<InvalidSeries> invalid,
        [NotNullWhen(false)] out string? error)
    {
        var reader = new ProtoReader(raw);
        var index = 0;
        while (!reader.End)
        {
            var offset = reader.Position;
            if (!reader.TryReadTag(out var field, out var wireType))
            {
                return Fail($"body is not a protobuf WriteRequest: malformed field tag at byte {offset}", series, out error);
            }
            if (field == 1 && wireType == WireType.LengthDelimited)
            {
                if (!reader.TryReadLengthDelimited(out var timeSeries))
                {
                    return Fail($"body is not a protobuf WriteRequest: timeseries[{index}] at byte {offset} is truncated", series, out error);
                }
                if (!TryDecodeSeries(timeSeries, index, out var write, out var malformed, out error))
                {
                    if (malformed)
                    {
                        series.Clear();
                        return false;
                    }
                    invalid.Add(new InvalidSeries(index, t_points!.Count, error));
                }
                else if (write is not null)
                {
                    series.Add(write);
                    samples += write.Points.Count;
                }
                index++;
            }
            else if (!reader.TrySkip(wireType))
            {
                return Fail($"body is not a protobuf WriteRequest: field {field} at byte {offset} is malformed", series, out error);
            }
        }
        error = null;
        return true;
    }

    private static bool Fail(string message, List<SeriesWrite> series, out string error)
    {
        series.Clear();
        error = message;
        return false;
    }

    private static bool TryDecompress(ReadOnlySpan<byte> body, int maxDecodedBytes, out byte[] rented, out int length,
        [NotNullWhen(false)] out string? error)
    {
        rented = [];
        // Check the declared length before allocating that much.
        if (!SnappyBlock.TryGetDecodedLength(body, out length, out var header))
        {
            error = "body is not snappy block-compressed data (missing or invalid length header)";
            return false;
        }
        if (length > maxDecodedBytes)
        {
            error = $"body declares {length} bytes once decompressed (snappy header), more than the limit of {maxDecodedBytes} bytes " +
                    $"({maxDecodedBytes / (1024.0 * 1024):0.#} MiB); send fewer samples per request (Prometheus: queue_config.max_samples_per_send)";
            return false;
        }
        rented = ArrayPool<byte>.Shared.Rent(length);
        if (!SnappyBlock.TryDecode(body[header..], rented.AsSpan(0, length)))
        {
            ArrayPool<byte>.Shared.Return(rented);
            rented = [];
            error = "body is not snappy block-compressed data (corrupt block)";
            return false;
        }
        error = null;
        return true;
    }

    /// <summary>Decodes one series; on failure <paramref name="malformed"/> says whether the bytes are broken (the body fails) or only the series is invalid.</summary>
    private static bool TryDecodeSeries(ReadOnlySpan<byte> bytes, int index, out SeriesWrite? write, out bool malformed, [NotNullWhen(false)] out string? error)
    {
        write = null;
        malformed = true;
        var labelBytes = LabelPrefixLength(bytes);
        if (labelBytes > 0 && RemoteWriteSeriesCache.Shared.TryGet(bytes[..labelBytes], out var knownMetric, out var knownLabels)
            && TryDecodeSamples(bytes[labelBytes..], index, knownMetric, knownLabels, out write, out error, out var labelsAfterSamples)
            && !labelsAfterSamples)
        {
            malformed = false;
            return true;
        }
        write = null;
        var points = t_points ??= new List<Point>(16);
        var labels = t_labels ??= new List<KeyValuePair<string, string>>(16);
        points.Clear();
        labels.Clear();
        string? metric = null;
        string? invalid = null;
        var cache = Utf8StringCache.Shared;

        var reader = new ProtoReader(bytes);
        while (!reader.End)
        {
            if (!reader.TryReadTag(out var field, out var wireType))
            {
                error = $"timeseries[{index}]: malformed field tag";
                return false;
            }
            if (field == 1 && wireType == WireType.LengthDelimited)
            {
                if (!reader.TryReadLengthDelimited(out var label) || !TryReadLabel(label, out var name, out var value))
                {
                    error = $"timeseries[{index}]: label {labels.Count + (metric is null ? 0 : 1)} is malformed";
                    return false;
                }
                // A series that is not valid is still read to its end, so its samples are counted as refused.
                if (!cache.TryGet(name, out var nameText))
                {
                    invalid ??= $"timeseries[{index}]: a label name is not valid UTF-8";
                    continue;
                }
                if (!cache.TryGet(value, out var valueText))
                {
                    invalid ??= $"timeseries[{index}]: the value of label '{nameText}' is not valid UTF-8";
                    continue;
                }
                if (nameText == SeriesNames.MetricNameLabel)
                {
                    if (metric is not null)
                    {
                        invalid ??= $"timeseries[{index}]: label '{SeriesNames.MetricNameLabel}' appears more than once";
                        continue;
                    }
                    metric = valueText;
                }
                else
                {
                    labels.Add(new(nameText, valueText));
                }
            }
            else if (!TryReadSampleOrSkip(ref reader, field, wireType, index, points, out error))
            {
                return false;
            }
        }

        malformed = false;
        if (invalid is not null)
        {
            error = invalid;
            return false;
        }
        if (string.IsNullOrEmpty(metric))
        {
            error = $"timeseries[{index}] {Describe(labels)}: missing the '{SeriesNames.MetricNameLabel}' label (the metric name)";
            return false;
        }
        if (!SeriesNames.IsValidMetricName(metric))
        {
            error = $"timeseries[{index}]: metric name '{metric}' is not valid (expected [a-zA-Z_:][a-zA-Z0-9_:]*)";
            return false;
        }
        if (!Labels.TryFrom(labels, out var labelSet, out var labelError))
        {
            error = $"timeseries[{index}] ({metric}): {labelError}";
            return false;
        }
        if (points.Count > 0) write = new SeriesWrite(metric, labelSet, points.ToArray());
        // Cached only when every label was in the leading run, so those bytes alone decide the series.
        if (labelBytes > 0 && labels.Count + 1 == CountFields(bytes[..labelBytes])) RemoteWriteSeriesCache.Shared.Add(bytes[..labelBytes], metric, labelSet);
        error = null;
        return true;
    }

    /// <summary>A well-formed series of a request that is not valid, left out of the decoded batch.</summary>
    /// <param name="Index">Its index among the request's <c>timeseries</c>.</param>
    /// <param name="Samples">How many samples it carried (as decoded before the fault was found).</param>
    /// <param name="Reason">What is wrong, naming the series and label, e.g. <c>timeseries[3]: metric name 'a.b' is not valid ...</c>.</param>
    public sealed record InvalidSeries(int Index, int Samples, string Reason);

    /// <summary>
    /// The length of the leading run of label fields (field 1) of a <c>TimeSeries</c>, where Prometheus writes them;
    /// 0 when it does not start with one or a tag is malformed (the full decoder then reports it).
    /// </summary>
    private static int LabelPrefixLength(ReadOnlySpan<byte> bytes)
    {
        var reader = new ProtoReader(bytes);
        var end = 0;
        while (!reader.End)
        {
            if (!reader.TryReadTag(out var field, out var wireType) || field != 1 || wireType != WireType.LengthDelimited
                || !reader.TryReadLengthDelimited(out _)) break;
            end = reader.Position;
        }
        return end;
    }

    /// <summary>The fields in a run of label fields (as <see cref="LabelPrefixLength"/> measured it).</summary>
    private static int CountFields(ReadOnlySpan<byte> labelRun)
    {
        var reader = new ProtoReader(labelRun);
        var count = 0;
        while (!reader.End && reader.TryReadTag(out _, out _) && reader.TryReadLengthDelimited(out _)) count++;
        return count;
    }

    /// <summary>
    /// The samples of a series whose labels came from the cache: everything after the label run. A label field among
    /// them (<paramref name="labelsAfterSamples"/>) sends the series back to the full decoder.
    /// </summary>
    private static bool TryDecodeSamples(ReadOnlySpan<byte> bytes, int index, string metric, Labels labels, out SeriesWrite? write,
        [NotNullWhen(false)] out string? error, out bool labelsAfterSamples)
    {
        write = null;
        error = null;
        labelsAfterSamples = false;
        var points = t_points ??= new List<Point>(16);
        points.Clear();
        var reader = new ProtoReader(bytes);
        while (!reader.End)
        {
            if (!reader.TryReadTag(out var field, out var wireType))
            {
                error = $"timeseries[{index}]: malformed field tag";
                return false;
            }
            if (field == 1)
            {
                labelsAfterSamples = true;
                return true;
            }
            if (!TryReadSampleOrSkip(ref reader, field, wireType, index, points, out error)) return false;
        }
        if (points.Count > 0) write = new SeriesWrite(metric, labels, points.ToArray());
        return true;
    }

    /// <summary>Reads a sample (field 2) into <paramref name="points"/>, or skips any other field but a label; false with the error when malformed.</summary>
    private static bool TryReadSampleOrSkip(ref ProtoReader reader, int field, WireType wireType, int index, List<Point> points,
        [NotNullWhen(false)] out string? error)
    {
        error = null;
        if (field == 2 && wireType == WireType.LengthDelimited)
        {
            if (!reader.TryReadLengthDelimited(out var sample) || !TryReadSample(sample, out var point))
            {
                error = $"timeseries[{index}]: sample {points.Count} is malformed";
                return false;
            }
            points.Add(point);
        }
        else if (!reader.TrySkip(wireType))
        {
            error = $"timeseries[{index}]: field {field} is malformed";
            return false;
        }
        return true;
    }

    private static bool TryReadLabel(ReadOnlySpan<byte> bytes, out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        name = default;
        value = default;
        var reader = new ProtoReader(bytes);
        while (!reader.End)
        {
            if (!reader.TryReadTag(out var field, out var wireType)) return false;
            if (field == 1 && wireType == WireType.LengthDelimited)
            {
                if (!reader.TryReadLengthDelimited(out name)) return false;
            }
            else if (field == 2 && wireType == WireType.LengthDelimited)
            {
                if (!reader.TryReadLengthDelimited(out value)) return false;
            }
            else if (!reader.TrySkip(wireType))
            {
                return false;
            }
        }
        return true;
    }

    private static bool TryReadSample(ReadOnlySpan<byte> bytes, out Point point)
    {
        double value = 0;
        long timestamp = 0;
        var reader = new ProtoReader(bytes);
        while (!reader.End)
        {
            if (!reader.TryReadTag(out var field, out var wireType))
            {
                point = default;
                return false;
            }
            if (field == 1 && wireType == WireType.Fixed64)
            {
                if (!reader.TryReadFixed64(out var bits)) { point = default; return false; }
                value = BitConverter.UInt64BitsToDouble(bits);
            }
            else if (field == 2 && wireType == WireType.Varint)
            {
                if (!reader.TryReadVarint(out var ts)) { point = default; return false; }
                timestamp = (long)ts;
            }
            else if (!reader.TrySkip(wireType))
            {
                point = default;
                return false;
            }
        }
        point = new Point(timestamp, value);
        return true;
    }

    private static string Describe(List<KeyValuePair<string, string>> labels)
    {
        var sb = new StringBuilder("{");
        foreach (var (name, value) in labels)
        {
            if (sb.Length > 1) sb.Append(',');
            sb.Append(name).Append("=\"").Append(value).Append('"');
            if (sb.Length > 200)
            {
                sb.Append(",...");
                break;
            }
        }
        return sb.Append('}').ToString();
    }
}
