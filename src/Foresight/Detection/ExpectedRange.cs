namespace Foresight.Detection;

/// <summary>
/// The range a series' next value is expected in, for incident reports: an exponentially
/// weighted mean and standard deviation (West, "Updating mean and variance estimates", CACM 1979,
/// in its exponentially weighted form), ± <see cref="Width"/> deviations. O(1) per point; NaN
/// until it has seen a value.
/// </summary>
public sealed class ExpectedRange(double alpha = 0.02, double width = 3)
{
    private double _mean = double.NaN;
    private double _variance;

    /// <summary>Deviations on each side of the mean.</summary>
    public double Width { get; } = width;

    /// <summary>Lower end of the expected range before the last update.</summary>
    public double Low => _mean - Width * Math.Sqrt(_variance);

    /// <summary>Upper end of the expected range before the last update.</summary>
    public double High => _mean + Width * Math.Sqrt(_variance);

    /// <summary>Folds in a value (non-finite values are ignored).</summary>
    public void Update(double value)
    {
        if (!double.IsFinite(value)) return;
        if (double.IsNaN(_mean))
        {
            _mean = value;
            return;
        }
        var delta = value - _mean;
        _mean += alpha * delta;
        _variance = (1 - alpha) * (_variance + alpha * delta * delta);
    }

    internal void WriteState(BinaryWriter writer)
    {
        writer.Write(_mean);
        writer.Write(_variance);
    }

    internal void ReadState(BinaryReader reader)
    {
        _mean = reader.ReadDouble();
        _variance = reader.ReadDouble();
    }
}
