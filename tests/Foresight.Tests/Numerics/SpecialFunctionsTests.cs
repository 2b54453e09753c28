using Foresight.Numerics;

namespace Foresight.Tests.Numerics;

public class SpecialFunctionsTests
{
    [Theory]
    // Reference values of erfc (CPython math.erfc / Abramowitz & Stegun tables).
    [InlineData(0.0, 1.0)]
    [InlineData(0.5, 0.4795001221869535)]
    [InlineData(1.0, 0.15729920705028513)]
    [InlineData(2.0, 0.004677734981047266)]
    [InlineData(5.0, 1.5374597944280349e-12)]
    [InlineData(10.0, 2.088487583762545e-45)]
    [InlineData(-1.0, 1.8427007929497148)]
    public void Erfc_is_accurate_into_the_far_tail(double x, double expected)
    {
        NormalTail.Erfc(x).Should().BeApproximately(expected, Math.Abs(expected) * 1e-13);
    }

    [Fact]
    public void Student_t_quantiles_match_tables()
    {
        SpecialFunctions.StudentTQuantile(0.975, 10).Should().BeApproximately(2.228138852, 1e-8);
        SpecialFunctions.StudentTQuantile(0.975, 29).Should().BeApproximately(2.045229642, 1e-8);
        SpecialFunctions.StudentTQuantile(0.95, 1).Should().BeApproximately(6.313751515, 1e-7);
    }
}
