namespace Foresight.Series;

/// <summary>One sample of a series: a Unix timestamp in milliseconds and a double value.</summary>
/// <param name="Timestamp">Unix time in milliseconds (UTC).</param>
/// <param name="Value">The sample value; NaN and infinities are representable (see <see cref="StoreOptions.NonFinite"/>).</param>
public readonly record struct Point(long Timestamp, double Value)
{
    /// <summary>Earliest timestamp a series holds: 0001-01-01 00:00:00 UTC, the start of <see cref="DateTimeOffset"/>'s range.</summary>
    public const long MinTimestamp = -62_135_596_800_000;

    /// <summary>Latest timestamp a series holds: 9999-12-31 23:59:59.999 UTC, the end of <see cref="DateTimeOffset"/>'s range.</summary>
    public const long MaxTimestamp = 253_402_300_799_999;
}
