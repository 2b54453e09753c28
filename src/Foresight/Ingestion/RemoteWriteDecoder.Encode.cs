using System.Text;
using Foresight.Series;
using IronSnappy;

namespace Foresight.Ingestion;

public static partial class RemoteWriteDecoder
{
    /// <summary>
    /// Encodes series as a remote-write 1.0 request body, the way a Prometheus client sends it:
    /// one <c>TimeSeries</c> per write, labels sorted by name with <c>__name__</c> among them,
    /// samples in the given order, then snappy block compression. Used by benchmarks and tests.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="series"/> is null.</exception>
    public static byte[] Encode(IReadOnlyList<SeriesWrite> series)
    {
        ArgumentNullException.ThrowIfNull(series);

        var total = 0;
        var seriesSizes = new int[series.Count];
        for (var i = 0; i < series.Count; i++)
        {
            seriesSizes[i] = TimeSeriesSize(series[i]);
            total += ProtoSize.LengthDelimited(seriesSizes[i]);
        }

        var buffer = new byte[total];
        var writer = new ProtoWriter(buffer);
        for (var i = 0; i < series.Count; i++)
        {
            writer.WriteTag(1, WireType.LengthDelimited);
            writer.WriteVarint((ulong)seriesSizes[i]);
            WriteTimeSeries(ref writer, series[i]);
        }
        return Snappy.Encode(buffer);
    }

    private static int TimeSeriesSize(SeriesWrite write)
    {
        var size = ProtoSize.LengthDelimited(LabelSize(SeriesNames.MetricNameLabel, write.Metric));
        foreach (var (name, value) in write.Labels) size += ProtoSize.LengthDelimited(LabelSize(name, value));
        foreach (var point in write.Points) size += ProtoSize.LengthDelimited(SampleSize(point));
        return size;
    }

    private static int LabelSize(string name, string value) =>
        ProtoSize.LengthDelimited(Encoding.UTF8.GetByteCount(name)) + ProtoSize.LengthDelimited(Encoding.UTF8.GetByteCount(value));

    private static int SampleSize(Point point) => 1 + 8 + 1 + ProtoSize.Varint((ulong)point.Timestamp);

    private static void WriteTimeSeries(ref ProtoWriter writer, SeriesWrite write)
    {
        // Remote write wants labels sorted by name; '__name__' sorts among the others (after
        // upper-case names, before lower-case ones).
        var nameWritten = false;
        foreach (var (name, value) in write.Labels)
        {
            if (!nameWritten && string.CompareOrdinal(SeriesNames.MetricNameLabel, name) < 0)
            {
                WriteLabel(ref writer, SeriesNames.MetricNameLabel, write.Metric);
                nameWritten = true;
            }
            WriteLabel(ref writer, name, value);
        }
        if (!nameWritten) WriteLabel(ref writer, SeriesNames.MetricNameLabel, write.Metric);

        foreach (var point in write.Points)
        {
            writer.WriteTag(2, WireType.LengthDelimited);
            writer.WriteVarint((ulong)SampleSize(point));
            writer.WriteTag(1, WireType.Fixed64);
            writer.WriteFixed64(BitConverter.DoubleToUInt64Bits(point.Value));
            writer.WriteTag(2, WireType.Varint);
            writer.WriteVarint((ulong)point.Timestamp);
        }
    }

    private static void WriteLabel(ref ProtoWriter writer, string name, string value)
    {
        var nameLength = Encoding.UTF8.GetByteCount(name);
        var valueLength = Encoding.UTF8.GetByteCount(value);
        writer.WriteTag(1, WireType.LengthDelimited);
        writer.WriteVarint((ulong)(ProtoSize.LengthDelimited(nameLength) + ProtoSize.LengthDelimited(valueLength)));
        writer.WriteString(1, name, nameLength);
        writer.WriteString(2, value, valueLength);
    }
}
