using Foresight.Detection.Multivariate;

namespace Foresight.Tests.Detection;

public class MultivariateTests
{
    [Fact]
    public void Average_path_length_matches_the_paper()
    {
        IsolationForest.AveragePathLength(1).Should().Be(0);
        IsolationForest.AveragePathLength(2).Should().Be(1);
        // c(256) = 2·(ln 255 + γ) − 2·255/256
        IsolationForest.AveragePathLength(256).Should().BeApproximately(2 * (Math.Log(255) + 0.5772156649015329) - 2.0 * 255 / 256, 1e-12);
    }

    [Fact]
    public void An_isolated_point_scores_above_every_inlier()
    {
        var random = new Random(4);
        var points = Enumerable.Range(0, 500).Select(_ => new[] { random.NextDouble(), random.NextDouble() }).ToList();
        points.Add([2.5, 2.5]);
        var forest = IsolationForest.Fit(points);
        var outlier = forest.Score([2.5, 2.5]);
        outlier.Should().BeGreaterThan(0.6);
        points.Take(500).Max(p => forest.Score(p)).Should().BeLessThan(outlier);
        forest.Score([9.0, 0.5]).Should().BeGreaterThan(0.8, "a point outside the range of a split feature is isolated at that node");
        IsolationForest.Fit(points).Score([0.5, 0.5]).Should().Be(forest.Score([0.5, 0.5]), "same seed, same forest");
    }

    [Fact]
    public void A_combination_normal_per_metric_but_not_together_is_flagged()
    {
        // CPU follows request rate; at step 1500 CPU is at its usual level for a busy hour while
        // requests are at their night-time low: each value is ordinary alone, the pair is not.
        var random = new Random(9);
        var detector = new MultiMetricDetector(2, new MultiMetricOptions { Window = 1 });
        var scores = new List<double>();
        double anomalous = 0;
        for (var t = 0; t < 1600; t++)
        {
            var rps = 100 + 80 * Math.Sin(2 * Math.PI * t / 96) + random.NextDouble() * 5;
            var cpu = 0.01 * rps + random.NextDouble() * 0.05;
            if (t == 1500)
            {
                rps = 25;
                cpu = 1.7;
            }
            var s = detector.Update([rps, cpu]);
            if (t == 1500) anomalous = s;
            else if (t > 600) scores.Add(s);
        }
        scores.Sort();
        anomalous.Should().BeGreaterThan(scores[(int)(scores.Count * 0.999)]);
    }
}

public class EnsembleExplanationTests
{
    [Fact]
    public void The_ensemble_names_the_members_that_fired_on_a_spike()
    {
        var ensemble = new Foresight.Detection.Ensemble();
        var random = new Random(2);
        var t0 = 1_700_000_000_000L;
        IReadOnlyList<string> fired = [];
        for (var i = 0; i < 1200; i++)
        {
            var value = 50 + 10 * Math.Sin(2 * Math.PI * i / 288) + random.NextDouble();
            if (i == 1100) value = 500;
            var score = ensemble.Update(t0 + i * 300_000L, value);
            if (i == 1100)
            {
                score.Should().BeGreaterThanOrEqualTo(0.5);
                fired = ensemble.Fired;
            }
        }
        fired.Should().Contain("range").And.OnlyContain(n => new[] { "zscore", "sr", "context", "context-values", "forecast", "range" }.Contains(n));
    }
}
