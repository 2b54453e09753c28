using Foresight.Evaluation.Detection;

namespace Foresight.Evaluation.Tests.Detection;

public class NabScorerTests
{
    private static readonly NabProfile Standard = NabProfile.Standard;

    // 100 rows: probation 15; one window of width 10 at rows 40..49.
    private static NabFile TenWide() => NabFixture.File("cat/ten.csv", 100, new NabWindow(40, 49));

    private static double[] Detect(int rows, params int[] detected)
    {
        var s = new double[rows];
        foreach (var i in detected) s[i] = 1.0;
        return s;
    }

    [Fact]
    public void Probationary_length_is_fifteen_percent_capped_at_750()
    {
        NabFile.Probation(4032).Should().Be(604);   // 0.15·4032 = 604.8
        NabFile.Probation(100).Should().Be(15);
        NabFile.Probation(5000).Should().Be(750);
        NabFile.Probation(22695).Should().Be(750);
        NabFile.Probation(1).Should().Be(0);
    }

    [Fact]
    public void Scaled_sigmoid_matches_the_specification()
    {
        NabFile.ScaledSigmoid(-1).Should().Be(0.9866142981514305);
        NabFile.ScaledSigmoid(0).Should().Be(0);
        NabFile.ScaledSigmoid(1).Should().BeApproximately(-0.9866142981514305, 1e-15);
        NabFile.ScaledSigmoid(3.0000001).Should().Be(-1);
    }

    [Fact]
    public void Row_weights_match_the_worked_values_for_a_ten_row_window()
    {
        var f = TenWide();
        f.DetectionWeight(40, Standard).Should().Be(1.0);
        f.DetectionWeight(45, Standard).Should().BeApproximately(0.85979, 5e-6);
        f.DetectionWeight(49, Standard).Should().BeApproximately(0.24824, 5e-6);
        f.DetectionWeight(50, Standard).Should().BeApproximately(-0.029793, 5e-7);
        f.DetectionWeight(58, Standard).Should().BeApproximately(-0.108528, 5e-7);
        f.DetectionWeight(76, Standard).Should().BeApproximately(-0.1099999, 5e-8).And.BeGreaterThan(-0.11);   // x = 3: the spec's −0.109999, truncated
        f.DetectionWeight(77, Standard).Should().Be(-0.11);
        f.DetectionWeight(99, Standard).Should().Be(-0.11);
        f.DetectionWeight(20, Standard).Should().Be(-0.11);                         // before the first window
        f.DetectionWeight(20, NabProfile.RewardLowFalsePositiveRate).Should().Be(-0.22);
        for (var i = 41; i <= 49; i++) f.DetectionWeight(i, Standard).Should().BeLessThan(f.DetectionWeight(i - 1, Standard));
    }

    [Fact]
    public void A_file_without_windows_costs_a_full_false_positive_per_detection()
    {
        var f = NabFixture.File("cat/none.csv", 100);
        NabScorer.ScoreFile(f, Detect(100, 20, 30, 99), Standard, 0.5).Should().BeApproximately(-0.33, 1e-12);
    }

    [Fact]
    public void Each_window_counts_once_at_its_best_detection_or_as_a_miss()
    {
        var f = TenWide();
        NabScorer.ScoreFile(f, Detect(100), Standard, 0.5).Should().Be(-1.0);
        NabScorer.ScoreFile(f, Detect(100), NabProfile.RewardLowFalseNegativeRate, 0.5).Should().Be(-2.0);
        NabScorer.ScoreFile(f, Detect(100, 40, 45, 49), Standard, 0.5).Should().Be(1.0);
        NabScorer.ScoreFile(f, Detect(100, 45, 49), Standard, 0.5).Should().BeApproximately(0.85979, 5e-6);
        // False positives add up, uncapped: one right after the window, one before it.
        NabScorer.ScoreFile(f, Detect(100, 45, 50, 20), Standard, 0.5).Should().BeApproximately(0.85979 - 0.029793 - 0.11, 1e-5);
    }

    [Fact]
    public void Probationary_rows_are_never_scored()
    {
        var f = TenWide();
        var scores = Detect(100, 0, 5, 14);
        NabScorer.ScoreFile(f, scores, Standard, 0.5).Should().Be(-1.0);
        var corpus = new NabCorpus([f]);
        var score = NabScorer.Score(corpus, new Dictionary<string, double[]> { [f.RelativePath] = scores }, Standard, 0.5);
        (score.TruePositives, score.FalsePositives, score.FalseNegatives, score.TrueNegatives).Should().Be((0, 0, 10, 75));
    }

    [Fact]
    public void Detection_is_score_at_least_threshold_and_counts_are_rows()
    {
        var f = TenWide();
        var scores = new double[100];
        scores[40] = 0.7; scores[41] = 0.7; scores[60] = 0.7; scores[61] = 0.69;
        var corpus = new NabCorpus([f]);
        var byFile = new Dictionary<string, double[]> { [f.RelativePath] = scores };
        var score = NabScorer.Score(corpus, byFile, Standard, 0.7);
        (score.TruePositives, score.FalsePositives, score.FalseNegatives, score.TrueNegatives).Should().Be((2, 1, 8, 74));
        score.FileScores[f.RelativePath].Should().BeApproximately(1.0 + f.DetectionWeight(60, Standard), 1e-12);
        // Below every score: every row is detected (NAB's own code would crash here).
        NabScorer.Score(corpus, byFile, Standard, -1).TruePositives.Should().Be(10);
        NabScorer.Score(corpus, byFile, Standard, -1).FalsePositives.Should().Be(75);
    }

    [Fact]
    public void Normalization_uses_the_null_and_perfect_detectors()
    {
        NabScorer.Normalize(46.634450, 116, Standard).Should().BeApproximately(70.1011, 5e-5);
        NabScorer.Normalize(26.634450, 116, NabProfile.RewardLowFalseNegativeRate).Should().BeApproximately(74.3202, 5e-5);
        NabScorer.Normalize(30.431073, 116, NabProfile.RewardLowFalsePositiveRate).Should().BeApproximately(63.1168, 5e-5);
        NabScorer.Normalize(-116, 116, Standard).Should().Be(0);
        NabScorer.Normalize(-232, 116, NabProfile.RewardLowFalseNegativeRate).Should().Be(0);
        NabScorer.Normalize(116, 116, NabProfile.RewardLowFalseNegativeRate).Should().Be(100);
    }

    [Fact]
    public void Perfect_detector_scores_100_and_null_detector_0_under_every_profile()
    {
        var a = NabFixture.File("a/one.csv", 200, new NabWindow(50, 79), new NabWindow(150, 169));
        var b = NabFixture.File("b/two.csv", 120);
        var corpus = new NabCorpus([a, b]);
        var perfect = new Dictionary<string, double[]> { [a.RelativePath] = Detect(200, 50, 150), [b.RelativePath] = new double[120] };
        var nothing = new Dictionary<string, double[]> { [a.RelativePath] = Enumerable.Repeat(0.5, 200).ToArray(), [b.RelativePath] = Enumerable.Repeat(0.5, 120).ToArray() };
        foreach (var profile in NabProfile.All)
        {
            NabScorer.Score(corpus, perfect, profile, 1.0).Score.Should().BeApproximately(100, 1e-12);
            NabScorer.Optimize(corpus, perfect, profile).Score.Should().BeApproximately(100, 1e-12);
            var optimizedNull = NabScorer.Optimize(corpus, nothing, profile);
            optimizedNull.Threshold.Should().Be(1.1);
            optimizedNull.Score.Should().Be(0);
            optimizedNull.RawScore.Should().Be(-profile.FalseNegativeWeight * 2);
        }
    }

    [Fact]
    public void Optimizer_breaks_ties_towards_the_larger_threshold()
    {
        var f = TenWide();
        var scores = new double[100];
        scores[40] = 0.9;   // hits the window's first row
        scores[45] = 0.8;   // a second hit in the same window adds nothing, so S(0.8) = S(0.9)
        var corpus = new NabCorpus([f]);
        var best = NabScorer.Optimize(corpus, new Dictionary<string, double[]> { [f.RelativePath] = scores }, Standard);
        best.Threshold.Should().Be(0.9);
        best.RawScore.Should().Be(1.0);
        var curve = NabScorer.Curve(corpus, new Dictionary<string, double[]> { [f.RelativePath] = scores }, Standard);
        curve.Select(c => c.Threshold).Should().Equal(1.1, 0.9, 0.8, 0.0);
        curve.Take(3).Select(c => c.RawScore).Should().Equal(-1.0, 1.0, 1.0);
        curve[3].RawScore.Should().BeApproximately(1.0 + SumOutside(f), 1e-12);
    }

    private static double SumOutside(NabFile f)
    {
        var sum = 0.0;
        for (var i = f.ProbationaryLength; i < f.Length; i++) if (i is < 40 or > 49) sum += f.DetectionWeight(i, Standard);
        return sum;
    }

    [Fact]
    public void Optimizer_finds_the_best_candidate_of_a_brute_force_search()
    {
        var rng = new Random(7);
        var files = new[]
        {
            NabFixture.File("a/one.csv", 400, new NabWindow(100, 139), new NabWindow(300, 329)),
            NabFixture.File("a/two.csv", 300, new NabWindow(200, 229)),
            NabFixture.File("b/three.csv", 250),
        };
        var corpus = new NabCorpus(files);
        var scores = files.ToDictionary(f => f.RelativePath, f =>
        {
            var s = new double[f.Length];
            for (var i = 0; i < s.Length; i++) s[i] = Math.Round(rng.NextDouble() * (f.RowWindow[i] >= 0 ? 1.2 : 1.0), 2) / 1.2;   // ties on purpose
            return s;
        });
        foreach (var profile in NabProfile.All)
        {
            var best = NabScorer.Optimize(corpus, scores, profile);
            var candidates = files.SelectMany(f => scores[f.RelativePath].Skip(f.ProbationaryLength)).Append(1.1).Distinct().OrderDescending().ToList();
            var brute = candidates.Select(t => (Theta: t, S: NabScorer.Score(corpus, scores, profile, t).RawScore)).ToList();
            var max = brute.Max(b => b.S);
            best.RawScore.Should().BeApproximately(max, 1e-9);
            best.Threshold.Should().Be(brute.First(b => b.S >= max - 1e-9).Theta);
        }
    }

    [Fact]
    public void Misaligned_or_non_finite_scores_are_rejected_with_the_file_named()
    {
        var f = TenWide();
        var corpus = new NabCorpus([f]);
        var act = () => NabScorer.Score(corpus, new Dictionary<string, double[]> { [f.RelativePath] = new double[99] }, Standard, 0.5);
        act.Should().Throw<ArgumentException>().WithMessage("*cat/ten.csv*99 scores for 100 rows*");
        var nan = new double[100];
        nan[50] = double.NaN;
        var optimize = () => NabScorer.Optimize(corpus, new Dictionary<string, double[]> { [f.RelativePath] = nan }, Standard);
        optimize.Should().Throw<ArgumentException>().WithMessage("*cat/ten.csv*row 50*");
        var missing = () => NabScorer.Score(corpus, new Dictionary<string, double[]>(), Standard, 0.5);
        missing.Should().Throw<ArgumentException>().WithMessage("*no scores for cat/ten.csv*");
    }

    [Fact]
    public void Scores_above_the_sentinel_still_leave_a_detect_nothing_candidate()
    {
        var f = TenWide();
        var scores = Enumerable.Repeat(2.0, 100).ToArray();
        var best = NabScorer.Optimize(new NabCorpus([f]), new Dictionary<string, double[]> { [f.RelativePath] = scores }, Standard);
        best.Threshold.Should().BeGreaterThan(2.0);
        best.RawScore.Should().Be(-1.0);   // detecting every row costs more than missing the window
    }
}
