namespace Foresight.Series;

/// <summary>One sample of a series: a Unix timestamp in milliseconds and a double value.</summary>
/// <param name="Timestamp">Unix time in milliseconds (UTC).</param>
/// <param name="Value">The sample value; NaN and infinities are representable (see <see cref="StoreOptions.NonFinite"/>).</param>
public readonly record struct Point(long Timestamp, double Value);
