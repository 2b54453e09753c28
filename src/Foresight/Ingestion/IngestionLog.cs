using Microsoft.Extensions.Logging;

namespace Foresight.Ingestion;

/// <summary>The ingestion log messages, source-generated. Event ids 3200-3299 belong to ingestion.</summary>
internal static partial class IngestionLog
{
    [LoggerMessage(EventId = 3200, Level = LogLevel.Warning,
        Message = "Ingest feed consumer '{Consumer}' is behind: {Batches} batches ({Points} points) not handed to it in the last {Seconds:0} s, {TotalPoints} points since start (its queue holds at most {Capacity} batches and {CapacityPoints} points)")]
    public static partial void Shed(ILogger logger, string consumer, long batches, long points, double seconds, long totalPoints, int capacity, long capacityPoints);
}
