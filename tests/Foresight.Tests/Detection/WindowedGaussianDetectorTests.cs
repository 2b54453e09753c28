using Foresight.Detection;
using Foresight.Numerics;

namespace Foresight.Tests.Detection;

public class WindowedGaussianDetectorTests
{
    [Fact]
    public void Scores_start_at_zero_and_are_one_half_at_the_mean()
    {
        var d = new WindowedGaussianDetector();
        d.Update(0, 10).Should().Be(0);
        d.Update(1, 12).Should().Be(1.0);          // one value: σ = 1e-6, so anything else is far in the tail
        d.Update(2, 11).Should().Be(0.5);          // the mean of {10, 12}
        d.Update(3, 11 + Math.Sqrt(2.0 / 3)).Should().BeApproximately(0.8413447460685429, 1e-12);   // one σ above: Φ(1)
    }

    [Fact]
    public void Streaming_detector_agrees_with_a_batch_recomputation_of_nabs_algorithm()
    {
        const int window = 50, step = 7;
        var rng = new Random(11);
        var values = Enumerable.Range(0, 400).Select(i => 100 + 10 * Math.Sin(i / 9.0) + rng.NextDouble() * 3 + (i == 250 ? 60 : 0)).ToArray();
        var d = new WindowedGaussianDetector(new WindowedGaussianOptions { WindowSize = window, StepSize = step });

        // NAB's windowedGaussian: the window grows to its size, then slides by whole steps; refit after each change.
        var data = new List<double>();
        var buffer = new List<double>();
        double mean = 0, std = 1;
        for (var i = 0; i < values.Length; i++)
        {
            var x = values[i];
            var expected = 0.0;
            if (data.Count > 0)
            {
                var xp = x < mean ? 2 * mean - x : x;
                expected = 1 - 0.5 * NormalTail.Erfc((xp - mean) / std / Math.Sqrt(2));
            }
            var refit = false;
            if (data.Count < window) { data.Add(x); refit = true; }
            else
            {
                buffer.Add(x);
                if (buffer.Count == step) { data = data.Skip(step).Concat(buffer).ToList(); buffer.Clear(); refit = true; }
            }
            if (refit)
            {
                mean = data.Average();
                var m = mean;
                std = Math.Sqrt(data.Sum(v => (v - m) * (v - m)) / data.Count);
                if (std == 0) std = 1e-6;
            }
            d.Update(i, x).Should().BeApproximately(expected, 1e-9, $"row {i}");
        }
    }
}
