using Foresight.Detection.State;

namespace Foresight.Detection.Incidents;

/// <summary>The binary layout of incidents and anomalous points inside snapshots (see <see cref="IncidentTracker.SnapshotFormat"/>).</summary>
public static class IncidentCodec
{
    private const int MaxItems = 1_000_000;

    /// <summary>Writes one incident.</summary>
    public static void Write(BinaryWriter writer, Incident incident)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(incident);
        writer.Write(incident.Id);
        writer.Write(incident.Tenant);
        writer.Write(incident.Service);
        writer.Write(incident.Start);
        writer.Write(incident.End);
        writer.Write(incident.Resolved);
        writer.Write((int)incident.Severity);
        writer.Write(incident.MaxScore);
        writer.Write(incident.Series.Count);
        foreach (var s in incident.Series)
        {
            writer.Write(s.SeriesId);
            writer.Write(s.Series);
            writer.Write(s.ExpectedLow);
            writer.Write(s.ExpectedHigh);
            writer.Write(s.WorstValue);
            writer.Write(s.MaxScore);
        }
        WriteNames(writer, incident.Detectors);
        writer.Write(incident.DetectedAt);
    }

    /// <summary>Reads one incident written by <see cref="Write(BinaryWriter, Incident)"/>; <see cref="InvalidDataException"/> when it does not fit.</summary>
    public static Incident Read(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var (id, tenant, service) = (reader.ReadString(), reader.ReadString(), reader.ReadString());
        var (start, end, resolved) = (reader.ReadInt64(), reader.ReadInt64(), reader.ReadBoolean());
        var severity = ReadSeverity(reader);
        var maxScore = reader.ReadDouble();
        var series = new IncidentSeries[reader.ReadCount(MaxItems, "series in an incident")];
        for (var i = 0; i < series.Length; i++)
        {
            series[i] = new IncidentSeries(reader.ReadInt64(), reader.ReadString(), reader.ReadDouble(), reader.ReadDouble(),
                reader.ReadDouble(), reader.ReadDouble());
        }
        var detectors = ReadNames(reader);
        return new Incident(id, tenant, service, start, end, resolved, severity, maxScore, series, detectors, reader.ReadInt64());
    }

    /// <summary>Writes one anomalous point and its severity.</summary>
    public static void Write(BinaryWriter writer, AnomalyPoint point, Severity severity)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(point);
        writer.Write(point.SeriesId);
        writer.Write(point.Series);
        writer.Write(point.Service);
        writer.Write(point.Timestamp);
        writer.Write(point.Value);
        writer.Write(point.Score);
        writer.Write(point.ExpectedLow);
        writer.Write(point.ExpectedHigh);
        WriteNames(writer, point.Detectors);
        writer.Write((int)severity);
    }

    /// <summary>Reads a point written by <see cref="Write(BinaryWriter, AnomalyPoint, Severity)"/>.</summary>
    public static (AnomalyPoint Point, Severity Severity) ReadAnomaly(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var point = new AnomalyPoint(reader.ReadInt64(), reader.ReadString(), reader.ReadString(), reader.ReadInt64(), reader.ReadDouble(),
            reader.ReadDouble(), reader.ReadDouble(), reader.ReadDouble(), ReadNames(reader));
        return (point, ReadSeverity(reader));
    }

    private static void WriteNames(BinaryWriter writer, IReadOnlyList<string> names)
    {
        writer.Write(names.Count);
        foreach (var n in names) writer.Write(n);
    }

    private static string[] ReadNames(BinaryReader reader)
    {
        var names = new string[reader.ReadCount(MaxItems, "detector names")];
        for (var i = 0; i < names.Length; i++) names[i] = reader.ReadString();
        return names;
    }

    private static Severity ReadSeverity(BinaryReader reader)
    {
        var severity = (Severity)reader.ReadInt32();
        return Enum.IsDefined(severity) ? severity : throw new InvalidDataException($"an unknown severity {(int)severity}.");
    }
}
