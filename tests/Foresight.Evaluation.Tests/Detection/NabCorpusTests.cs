using Foresight.Evaluation.Detection;
using Foresight.Tests.Support;

namespace Foresight.Evaluation.Tests.Detection;

public class NabCorpusTests
{
    [Fact]
    public void Loads_data_windows_and_profiles_from_nabs_layout()
    {
        using var dir = new TempDirectory();
        NabFixture.WriteLayout(dir.Path);

        var corpus = NabCorpus.Load(dir.Path);

        corpus.Files.Select(f => f.RelativePath).Should().Equal("catA/one.csv", "catB/two.csv");
        var one = corpus.Find("catA/one.csv")!;
        one.Length.Should().Be(200);
        one.Category.Should().Be("catA");
        one.Name.Should().Be("one");
        one.Windows.Should().Equal(new NabWindow(60, 79), new NabWindow(150, 159));
        one.Timestamps[1].Should().Be(new DateTimeOffset(NabFixture.Start.AddMinutes(5)).ToUnixTimeMilliseconds());
        one.ProbationaryLength.Should().Be(30);
        corpus.WindowCount.Should().Be(2);
        corpus.Profiles.Should().Equal(NabProfile.All);
    }

    [Fact]
    public void A_bad_value_is_reported_with_file_and_line()
    {
        using var dir = new TempDirectory();
        NabFixture.WriteLayout(dir.Path);
        var path = Path.Combine(dir.Path, "data", "catB", "two.csv");
        var lines = File.ReadAllLines(path);
        lines[2] = lines[2].Split(',')[0] + ",abc";
        File.WriteAllLines(path, lines);

        var act = () => NabCorpus.Load(dir.Path);

        act.Should().Throw<FormatException>().WithMessage($"*{Path.Combine("catB", "two.csv")} line 3*'abc'*");
    }

    [Fact]
    public void A_window_timestamp_must_match_exactly_one_row()
    {
        using var dir = new TempDirectory();
        NabFixture.WriteLayout(dir.Path);
        var labels = Path.Combine(dir.Path, "labels", "combined_windows.json");
        File.WriteAllText(labels, File.ReadAllText(labels).Replace(NabFixture.Timestamp(79, true), "2014-07-01 06:37:00.000000"));

        var act = () => NabCorpus.Load(dir.Path);

        act.Should().Throw<FormatException>().WithMessage("*combined_windows.json*2014-07-01 06:37:00.000000*catA/one.csv*matches no row*");

        NabFixture.WriteLayout(dir.Path);
        var data = Path.Combine(dir.Path, "data", "catA", "one.csv");
        var lines = File.ReadAllLines(data).ToList();
        lines.Insert(62, lines[61]);   // the window's first timestamp (row 60, line 62) now occurs twice
        File.WriteAllLines(data, lines);
        act.Should().Throw<FormatException>().WithMessage("*matches more than one row*");
    }

    [Fact]
    public void Labels_for_a_missing_data_file_are_an_error()
    {
        using var dir = new TempDirectory();
        NabFixture.WriteLayout(dir.Path);
        File.Delete(Path.Combine(dir.Path, "data", "catB", "two.csv"));

        var act = () => NabCorpus.Load(dir.Path);

        act.Should().Throw<FormatException>().WithMessage("*catB/two.csv*not in*");
    }

    [Fact]
    public void Results_files_round_trip_in_nabs_layout_with_labels()
    {
        using var dir = new TempDirectory();
        NabFixture.WriteLayout(dir.Path);
        var corpus = NabCorpus.Load(dir.Path);
        var rng = new Random(3);
        var scores = corpus.Files.ToDictionary(f => f.RelativePath, f => Enumerable.Range(0, f.Length).Select(_ => rng.NextDouble()).ToArray());
        var outDir = Path.Combine(dir.Path, "results");

        NabResults.Write(outDir, "det", corpus, scores);
        var stored = NabResults.Read(outDir, "det", corpus);
        NabResults.Write(outDir, "full", corpus, scores, fullPrecision: true);
        var full = NabResults.Read(outDir, "full", corpus);

        var path = Path.Combine(outDir, "det", "catA", "det_one.csv");
        var lines = File.ReadAllLines(path);
        lines[0].Should().Be("timestamp,value,anomaly_score,label");
        lines.Should().HaveCount(201);
        lines[60].Split(',')[3].Should().Be("0");
        lines[61].Split(',')[0].Should().Be(NabFixture.Timestamp(60));
        lines[61].Split(',')[3].Should().Be("1");
        lines[80].Split(',')[3].Should().Be("1");
        lines[81].Split(',')[3].Should().Be("0");
        foreach (var f in corpus.Files)
        {
            full[f.RelativePath].Should().Equal(scores[f.RelativePath]);
            stored[f.RelativePath].Should().Equal(scores[f.RelativePath].Select(NabResults.RoundAsStored));
        }
    }

    [Fact]
    public void Stored_scores_keep_twelve_significant_digits_like_python_2()
    {
        NabResults.RoundAsStored(0.9999999999996).Should().Be(1.0);
        NabResults.RoundAsStored(0.99999999999).Should().Be(0.99999999999);
        NabResults.RoundAsStored(0.5430991450741234).Should().Be(0.543099145074);
        NabResults.RoundAsStored(0).Should().Be(0);
    }

    [Fact]
    public void A_results_file_of_the_wrong_length_is_reported_with_its_path()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "x.csv");
        File.WriteAllLines(path, ["timestamp,anomaly_score", "a,0.1", "b,0.2"]);
        NabResults.ReadScores(path, 2).Should().Equal(0.1, 0.2);
        var act = () => NabResults.ReadScores(path, 3);
        act.Should().Throw<FormatException>().WithMessage($"*x.csv: 2 rows, but the data file has 3*");
        File.WriteAllLines(path, ["timestamp,value", "a,0.1"]);
        act.Should().Throw<FormatException>().WithMessage("*x.csv line 1*anomaly_score*");
    }

    [Fact]
    public void Thresholds_are_read_per_detector_and_profile()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "thresholds.json");
        File.WriteAllText(path, """{ "numenta": { "standard": { "score": 46.6, "threshold": 0.5421876907348634 } } }""");
        NabResults.ReadThresholds(path)["numenta"]["standard"].Should().Be(0.5421876907348634);
        File.WriteAllText(path, """{ "numenta": { "standard": { "score": 46.6 } } }""");
        var act = () => NabResults.ReadThresholds(path);
        act.Should().Throw<FormatException>().WithMessage("*numenta.standard*threshold*");
    }

    [Fact]
    public void Halves_split_the_sorted_files_by_parity_and_keep_their_windows()
    {
        var corpus = new NabCorpus([
            NabFixture.File("b/x.csv", 100, new NabWindow(50, 59)),
            NabFixture.File("a/y.csv", 100),
            NabFixture.File("c/z.csv", 100, new NabWindow(40, 49), new NabWindow(70, 79)),
        ]);
        NabCorpus.Half(corpus, "dev").Files.Select(f => f.RelativePath).Should().Equal("a/y.csv", "c/z.csv");
        NabCorpus.Half(corpus, "dev").WindowCount.Should().Be(2);
        NabCorpus.Half(corpus, "heldout").Files.Select(f => f.RelativePath).Should().Equal("b/x.csv");
        NabCorpus.Half(corpus, "all").Should().BeSameAs(corpus);
        FluentActions.Invoking(() => NabCorpus.Half(corpus, "odd")).Should().Throw<ArgumentException>();
    }
}
