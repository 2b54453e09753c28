using Foresight.Classification;

namespace Foresight.Tests.Classification;

public class BoostedTreesTests
{
    /// <summary>Three classes by quadrant of two features (an interaction no single split separates), plus a noise feature and missing values.</summary>
    private static (double[][] X, int[] Y) Quadrants(int n, int seed)
    {
        var random = new Random(seed);
        var x = new double[n][];
        var y = new int[n];
        for (var i = 0; i < n; i++)
        {
            var a = random.NextDouble() - 0.5;
            var b = random.NextDouble() - 0.5;
            x[i] = [a, b, random.NextDouble(), i % 10 == 0 ? double.NaN : a];
            y[i] = a > 0 == b > 0 ? 0 : a > 0 ? 1 : 2;
        }
        return (x, y);
    }

    [Fact]
    public void Boosting_learns_an_interaction_and_generalizes()
    {
        var (x, y) = Quadrants(600, 1);
        var (testX, testY) = Quadrants(300, 2);

        var model = BoostedTrees.Train(x, y, 3, rounds: 40, depth: 3, learningRate: 0.3);

        var correct = testX.Select((row, i) => Array.IndexOf(model.Predict(row), model.Predict(row).Max()) == testY[i]).Count(c => c);
        correct.Should().BeGreaterThan(280);
    }

    [Fact]
    public void Contributions_plus_the_root_values_add_up_to_the_score()
    {
        var (x, y) = Quadrants(300, 3);
        var model = BoostedTrees.Train(x, y, 3, rounds: 10, depth: 3, learningRate: 0.3);
        var zero = new double[] { double.NaN, double.NaN, double.NaN, double.NaN };

        foreach (var row in x.Take(20))
        {
            var p = model.Predict(row);
            var scores = Enumerable.Range(0, 3).Select(k => model.Contributions(row, k).Sum()).ToArray();
            // Softmax of (bias + contributions): the bias is the same for any row, so compare log-odds between classes.
            var bias = Enumerable.Range(0, 3).Select(k => Math.Log(model.Predict(zero)[k]) - model.Contributions(zero, k).Sum()).ToArray();
            for (var k = 1; k < 3; k++)
                Math.Log(p[k] / p[0]).Should().BeApproximately(bias[k] + scores[k] - bias[0] - scores[0], 1e-9);
        }
    }
}
