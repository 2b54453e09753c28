using Foresight.Numerics;

namespace Foresight.Tests.Numerics;

public class FftTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(8)]
    [InlineData(64)]
    [InlineData(256)]
    public void Fft_matches_a_naive_dft_and_inverts(int n)
    {
        var rng = new Random(n);
        var re = Enumerable.Range(0, n).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var im = Enumerable.Range(0, n).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var (xr, xi) = ((double[])re.Clone(), (double[])im.Clone());
        var fft = new Fft(n);
        fft.Transform(xr, xi, inverse: false);
        for (var k = 0; k < n; k++)
        {
            double sr = 0, si = 0;
            for (var j = 0; j < n; j++)
            {
                var a = -2 * Math.PI * j * k / n;
                sr += re[j] * Math.Cos(a) - im[j] * Math.Sin(a);
                si += re[j] * Math.Sin(a) + im[j] * Math.Cos(a);
            }
            xr[k].Should().BeApproximately(sr, 1e-10);
            xi[k].Should().BeApproximately(si, 1e-10);
        }
        fft.Transform(xr, xi, inverse: true);
        for (var j = 0; j < n; j++)
        {
            xr[j].Should().BeApproximately(re[j], 1e-12);
            xi[j].Should().BeApproximately(im[j], 1e-12);
        }
    }
}
