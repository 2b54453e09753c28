namespace Foresight.Forecasting;

/// <summary>How a theta model removed seasonality before fitting.</summary>
public enum ThetaSeasonalAdjustment
{
    /// <summary>Not seasonal by the M4 test (or too short): fitted on the data as given.</summary>
    None,

    /// <summary>Divided by classical multiplicative seasonal indices, forecasts multiplied back.</summary>
    Multiplicative,

    /// <summary>Classical additive seasonal components subtracted, forecasts added back.</summary>
    Additive,
}

/// <summary>Seasonal adjustment for the theta family: the choice, the indices, and the way back.</summary>
internal readonly record struct ThetaSeasonality(ThetaSeasonalAdjustment Kind, int Period, double[]? Indices)
{
    public static readonly ThetaSeasonality NoneSeasonality = new(ThetaSeasonalAdjustment.None, 1, null);

    /// <summary>
    /// thetaf / M4 rule: multiplicative when seasonal by <see cref="ClassicalDecomposition.IsSeasonal"/>
    /// and no index is below 1e-4 in magnitude; otherwise none.
    /// </summary>
    public static ThetaSeasonality ChooseM4(ReadOnlySpan<double> y, int m)
    {
        if (!ClassicalDecomposition.IsSeasonal(y, m)) return NoneSeasonality;
        var indices = ClassicalDecomposition.MultiplicativeIndices(y, m);
        if (indices is null || !AllFinite(indices)) return NoneSeasonality;
        foreach (var s in indices)
        {
            if (Math.Abs(s) < 1e-4) return NoneSeasonality;
        }
        return new ThetaSeasonality(ThetaSeasonalAdjustment.Multiplicative, m, indices);
    }

    /// <summary>
    /// statsforecast's AutoTheta rule with the M4 test: when seasonal, multiplicative if every value is
    /// positive and every index is at least 0.01, else additive; otherwise none.
    /// </summary>
    public static ThetaSeasonality ChooseAuto(ReadOnlySpan<double> y, int m)
    {
        if (!ClassicalDecomposition.IsSeasonal(y, m)) return NoneSeasonality;
        var positive = true;
        foreach (var v in y)
        {
            if (v <= 0)
            {
                positive = false;
                break;
            }
        }
        if (positive)
        {
            var indices = ClassicalDecomposition.MultiplicativeIndices(y, m);
            if (indices is not null && AllFinite(indices) && Min(indices) >= 0.01)
            {
                return new ThetaSeasonality(ThetaSeasonalAdjustment.Multiplicative, m, indices);
            }
        }
        var additive = AdditiveIndices(y, m);
        return additive is null ? NoneSeasonality : new ThetaSeasonality(ThetaSeasonalAdjustment.Additive, m, additive);
    }

    /// <summary>Seasonally adjusts the observation at time index <paramref name="t"/> (0 = first observation).</summary>
    public double Remove(double value, int t) => Kind switch
    {
        ThetaSeasonalAdjustment.Multiplicative => value / Indices![t % Period],
        ThetaSeasonalAdjustment.Additive => value - Indices![t % Period],
        _ => value,
    };

    /// <summary>Puts the seasonal component of time index <paramref name="t"/> back.</summary>
    public double Restore(double value, int t) => Kind switch
    {
        ThetaSeasonalAdjustment.Multiplicative => value * Indices![t % Period],
        ThetaSeasonalAdjustment.Additive => value + Indices![t % Period],
        _ => value,
    };

    private static double[]? AdditiveIndices(ReadOnlySpan<double> x, int m)
    {
        var figure = new double[m];
        return ClassicalDecomposition.AdditiveIndices(x, m, figure) && AllFinite(figure) ? figure : null;
    }

    private static bool AllFinite(ReadOnlySpan<double> x)
    {
        foreach (var v in x)
        {
            if (!double.IsFinite(v)) return false;
        }
        return true;
    }

    private static double Min(ReadOnlySpan<double> x)
    {
        var min = double.PositiveInfinity;
        foreach (var v in x) min = Math.Min(min, v);
        return min;
    }
}
