namespace Foresight.Forecasting;

/// <summary>Which state-space recursion a theta model runs.</summary>
internal enum ThetaRecursionKind
{
    /// <summary>
    /// forecast::thetaf's SES with drift: μ_i = ℓ_{i−1} + c·b·(1 − (1−α)^i)/α with b the OLS slope and c = ½
    /// (Hyndman &amp; Billah, IJF 2003).
    /// </summary>
    SesDrift,

    /// <summary>Fiorucci et al. (IJF 2016) with A, B the OLS intercept and slope of the whole sample.</summary>
    Standard,

    /// <summary>Fiorucci et al. (IJF 2016) with A, B updated at every step from the data seen so far.</summary>
    Dynamic,
}

/// <summary>
/// The theta state: level ℓ, running mean Ȳ and the trend line (A, B), stepped one observation at a time.
/// Zero-based index i counts observations consumed; the one-step prediction of observation i is
/// μ_i = ℓ_{i−1} + c·[(1−α)^i·A_{i−1} + (1 − (1−α)^{i+1})/α·B_{i−1}] with c = 1 − 1/θ
/// (Fiorucci et al., IJF 2016), and after observing y_i:
/// ℓ_i = α·y_i + (1−α)·ℓ_{i−1}; Ȳ_i = (i·Ȳ_{i−1} + y_i)/(i+1); for the dynamic models
/// B_i = ((i−1)·B_{i−1} + 6·(y_i − Ȳ_{i−1})/(i+1))/(i+2) and A_i = Ȳ_i − B_i·(i+2)/2.
/// Forecasting feeds μ back as the observation.
/// </summary>
internal struct ThetaRecursion
{
    public ThetaRecursionKind Kind;
    public double Alpha;
    public double C;
    public double Level;
    public double MeanY;
    public double A;
    public double B;
    public int Index;

    /// <summary>(1−α)^Index, kept by multiplication so no step calls Math.Pow.</summary>
    public double Power;

    public static ThetaRecursion Start(ThetaRecursionKind kind, double alpha, double c, double level0, double a, double b) => new()
    {
        Kind = kind,
        Alpha = alpha,
        C = c,
        Level = level0,
        A = kind == ThetaRecursionKind.Dynamic ? 0 : a,
        B = kind == ThetaRecursionKind.Dynamic ? 0 : b,
        Power = 1,
    };

    /// <summary>One-step prediction of observation <see cref="Index"/>. The dynamic models predict nothing for
    /// the first observation (there is no trend line yet); callers use the observation itself.</summary>
    public readonly double Predict()
    {
        if (Kind == ThetaRecursionKind.SesDrift) return Level + C * B * (1 - Power) / Alpha;
        return Level + C * (A * Power + B * (1 - (1 - Alpha) * Power) / Alpha);
    }

    public void Update(double y)
    {
        var q = 1 - Alpha;
        Level = Alpha * y + q * Level;
        var i = Index;
        if (Kind == ThetaRecursionKind.Dynamic)
        {
            if (i == 0)
            {
                MeanY = y;
                A = y;
                B = 0;
            }
            else
            {
                B = ((i - 1) * B + 6 * (y - MeanY) / (i + 1)) / (i + 2);
                MeanY = (i * MeanY + y) / (i + 1);
                A = MeanY - B * (i + 2) / 2;
            }
        }
        else
        {
            MeanY = (i * MeanY + y) / (i + 1);
        }
        Index = i + 1;
        Power *= q;
    }

    /// <summary>
    /// Runs the recursion over <paramref name="y"/>, writing one-step predictions into
    /// <paramref name="fitted"/> when it is not empty, and returns the sum of squared one-step errors from
    /// index <paramref name="start"/> on. The state is left after the last observation, ready to forecast.
    /// </summary>
    public double Run(ReadOnlySpan<double> y, Span<double> fitted, int start)
    {
        var sse = 0.0;
        var write = !fitted.IsEmpty;
        for (var i = 0; i < y.Length; i++)
        {
            var mu = Kind == ThetaRecursionKind.Dynamic && i == 0 ? y[0] : Predict();
            if (write) fitted[i] = mu;
            if (i >= start)
            {
                var e = y[i] - mu;
                sse += e * e;
            }
            Update(y[i]);
        }
        return sse;
    }

    /// <summary>Point forecasts for the next <paramref name="result"/>.Length steps, leaving this copy of the state untouched.</summary>
    public readonly void Forecast(Span<double> result)
    {
        var state = this;
        for (var h = 0; h < result.Length; h++)
        {
            var mu = state.Predict();
            result[h] = mu;
            state.Update(mu);
        }
    }
}
