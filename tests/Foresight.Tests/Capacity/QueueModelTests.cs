using System.Numerics;
using Foresight.Capacity;
using Foresight.Numerics;

namespace Foresight.Tests.Capacity;

public class QueueModelTests
{
    /// <summary>
    /// Erlang C by the textbook factorial formula in exact rational arithmetic, a = num/den:
    /// C = (aᶜ/c!)·c/(c − a) / (Σ_{k&lt;c} aᵏ/k! + (aᶜ/c!)·c/(c − a)), every term scaled by c!·den^c to stay integral.
    /// </summary>
    private static double ErlangCDirect(int c, int num, int den)
    {
        BigInteger Power(int b, int e) => BigInteger.Pow(b, e);
        var cFactorial = BigInteger.One;
        for (var i = 2; i <= c; i++) cFactorial *= i;
        var sum = BigInteger.Zero;
        var kFactorial = BigInteger.One;
        for (var k = 0; k < c; k++)
        {
            if (k > 0) kFactorial *= k;
            sum += Power(num, k) * Power(den, c - k) * (cFactorial / kFactorial);   // (a^k/k!) · c!·den^c
        }
        // (a^c/c!)·c/(c − a) · c!·den^c = num^c · c·den / (c·den − num)
        var topNumerator = Power(num, c) * c * den;
        var topDenominator = new BigInteger(c * den - num);
        var numerator = topNumerator;
        var denominator = sum * topDenominator + topNumerator;
        return (double)(numerator * BigInteger.Pow(2, 64) / denominator) / Math.Pow(2, 64);
    }

    [Theory]
    [InlineData(1, 1, 2)]
    [InlineData(2, 1, 1)]
    [InlineData(5, 7, 2)]
    [InlineData(20, 37, 2)]
    [InlineData(50, 91, 2)]
    [InlineData(300, 2901, 10)]
    public void Erlang_c_matches_the_factorial_formula_in_exact_arithmetic(int servers, int num, int den)
    {
        var expected = ErlangCDirect(servers, num, den);
        Erlang.C(servers, (double)num / den).Should().BeApproximately(expected, 1e-12 * Math.Max(expected, 1e-3));
    }

    [Fact]
    public void Erlang_c_matches_textbook_values()
    {
        Erlang.C(2, 1).Should().BeApproximately(1.0 / 3, 1e-15);           // two servers, one erlang
        Erlang.C(1, 0.7).Should().BeApproximately(0.7, 1e-15);             // M/M/1: P(wait) = ρ
        Erlang.B(2, 1).Should().BeApproximately(0.2, 1e-15);               // (1/2)/(1 + 1 + 1/2)
        Erlang.C(3, 3).Should().Be(1);                                      // saturated
    }

    [Fact]
    public void Erlang_c_stays_finite_and_exact_for_thousands_of_servers()
    {
        var c = Erlang.C(2000, 1950);
        c.Should().BeInRange(0, 1);
        c.Should().BeApproximately(ErlangCDirect(2000, 1950, 1), 1e-10);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.95)]
    [InlineData(0.99)]
    public void Mm1_response_percentiles_are_those_of_an_exponential_with_rate_mu_minus_lambda(double q)
    {
        var queue = new QueueModel { Servers = 1, ServiceRate = 10 };
        var expected = -Math.Log(1 - q) / (10 - 7);
        queue.ResponseQuantile(7, q).Should().BeApproximately(expected, 1e-8 * expected);
        queue.MeanResponse(7).Should().BeApproximately(1.0 / 3, 1e-12);
    }

    [Fact]
    public void Mmc_tail_is_continuous_where_the_wait_rate_equals_the_service_rate()
    {
        // c = 2, λ = μ: the wait rate cμ − λ equals μ, the degenerate Erlang-2 case.
        var queue = new QueueModel { Servers = 2, ServiceRate = 1 };
        var c = Erlang.C(2, 1);
        foreach (var t in new[] { 0.5, 2.0, 6.0 })
        {
            var exact = 1 - ((1 - c) * Math.Exp(-t) + c * (1 + t) * Math.Exp(-t));
            queue.ResponseCdf(1, t).Should().BeApproximately(exact, 1e-14);
            queue.ResponseCdf(1 + 1e-7, t).Should().BeApproximately(exact, 1e-6);
            queue.ResponseCdf(1 - 1e-7, t).Should().BeApproximately(exact, 1e-6);
        }
    }

    [Theory]
    [InlineData(0.3, 2.0)]   // wait rate above the service rate
    [InlineData(0.7, 0.4)]   // below
    [InlineData(0.5, 1.0)]   // equal
    public void Gamma_service_with_shape_one_reduces_to_the_exponential_closed_form(double waitProbability, double waitRate)
    {
        foreach (var t in new[] { 0.1, 1.0, 3.0, 10.0 })
        {
            ResponseTime.GammaCdf(t, waitProbability, waitRate, shape: 1, rate: 1)
                .Should().BeApproximately(ResponseTime.ExponentialCdf(t, waitProbability, waitRate, 1), 1e-12);
        }
    }

    [Theory]
    [InlineData(0.5, 2.0, 3.0)]   // cs² = 2, wait rate above the service rate β = 1
    [InlineData(3.0, 3.0, 0.5)]   // cs² = 1/3, β = 3 above the wait rate
    [InlineData(4.0, 4.0, 60.0)]  // a fast wait: the Poisson-series branch far from the mode
    public void Gamma_convolution_matches_numerical_integration(double shape, double rate, double waitRate)
    {
        foreach (var t in new[] { 0.2, 1.0, 2.5 })
        {
            // P(E + S ≤ t) = ∫₀ᵗ θ e^{−θw} G(t − w) dw by composite Simpson on 20 000 panels.
            const int panels = 20_000;
            var h = t / panels;
            var integral = 0.0;
            for (var i = 0; i <= panels; i++)
            {
                var w = i * h;
                var f = waitRate * Math.Exp(-waitRate * w) * SpecialFunctions.GammaP(shape, rate * (t - w));
                integral += f * (i == 0 || i == panels ? 1 : i % 2 == 1 ? 4 : 2);
            }
            integral *= h / 3;
            ResponseTime.GammaCdf(t, 1, waitRate, shape, rate).Should().BeApproximately(integral, 1e-6);
        }
    }

    [Fact]
    public void Allen_cunneen_scales_the_mmc_wait_by_the_mean_of_the_two_scvs()
    {
        var mmc = new QueueModel { Servers = 4, ServiceRate = 2 };
        var ggc = mmc with { ServiceScv = 2, ArrivalScv = 1 };
        ggc.MeanWait(6).Should().BeApproximately(mmc.MeanWait(6) * 1.5, 1e-12);
        ggc.IsMarkovian.Should().BeFalse();
        ggc.ResponseQuantile(6, 0.99).Should().BeGreaterThan(mmc.ResponseQuantile(6, 0.99));
    }

    [Fact]
    public void Overhead_shifts_every_percentile_and_the_mean()
    {
        var queue = new QueueModel { Servers = 2, ServiceRate = 5, ServiceScv = 0.5 };
        var shifted = queue with { Overhead = 0.01 };
        shifted.ResponseQuantile(6, 0.95).Should().BeApproximately(queue.ResponseQuantile(6, 0.95) + 0.01, 1e-9);
        shifted.MeanResponse(6).Should().BeApproximately(queue.MeanResponse(6) + 0.01, 1e-12);
    }

    [Fact]
    public void Latency_is_infinite_at_saturation()
    {
        var queue = new QueueModel { Servers = 2, ServiceRate = 5 };
        queue.SaturationLoad.Should().Be(10);
        queue.MeanResponse(10).Should().Be(double.PositiveInfinity);
        queue.ResponseQuantile(12, 0.99).Should().Be(double.PositiveInfinity);
    }
}
