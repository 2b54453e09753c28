namespace Foresight.Tests.Docs;

/// <summary>The README and docs/ link only to what exists: files, folders and headings of this repository.</summary>
public sealed class DocLinksTests
{
    [Fact]
    public void Every_relative_link_and_anchor_in_the_readme_and_docs_resolves_and_the_readme_stays_inside_the_repository()
    {
        var root = RepositoryRoot();
        var checker = new MarkdownLinkChecker(
            path => File.Exists(Path.Combine(root, path)) ? File.ReadAllText(Path.Combine(root, path)) : null,
            path => Directory.Exists(Path.Combine(root, path)));
        var docs = Directory.GetFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)
            .ToList();
        docs.Should().Contain("docs/README.md", "docs/ has an index");

        var problems = checker.Check("README.md", internalOnly: true).Concat(docs.SelectMany(d => checker.Check(d, internalOnly: false))).ToList();

        problems.Should().BeEmpty("every link must resolve:\n" + string.Join('\n', problems));
    }

    [Fact]
    public void The_readme_is_a_front_door_of_at_most_250_lines()
    {
        File.ReadAllLines(Path.Combine(RepositoryRoot(), "README.md")).Length.Should().BeLessThanOrEqualTo(250);
    }

    [Fact]
    public void A_link_to_a_missing_file_or_heading_is_a_problem_naming_its_line()
    {
        var checker = Checker(new()
        {
            ["README.md"] = "# Title\n\nSee [the guide](docs/guide.md) and [setup](docs/guide.md#set-up).\n\n[gone](docs/missing.md)\n[nowhere](#no-such-heading)\n",
            ["docs/guide.md"] = "# Guide\n\n## Install\n",
        });

        var problems = checker.Check("README.md", internalOnly: true);

        problems.Select(p => (p.Line, p.Message)).Should().BeEquivalentTo(new[]
        {
            (3, "docs/guide.md#set-up: docs/guide.md has no heading with the anchor #set-up"),
            (5, "docs/missing.md: docs/missing.md does not exist"),
            (6, "#no-such-heading: README.md has no heading with the anchor #no-such-heading"),
        });
    }

    [Fact]
    public void Links_that_resolve_are_no_problem()
    {
        var checker = Checker(new()
        {
            ["README.md"] = "[docs](docs/README.md), [up and back](docs/../LICENSE), [a folder](src), [here](#title), ![img](docs/a.md)\n\n# Title\n",
            ["docs/README.md"] = "[back](../README.md#title) [sibling](a.md#two-words) [ref]\n\n[ref]: a.md#two-words\n",
            ["docs/a.md"] = "## Two words\n",
            ["LICENSE"] = "Apache",
        }, directories: ["src"]);

        checker.Check("README.md", internalOnly: true).Should().BeEmpty();
        checker.Check("docs/README.md", internalOnly: false).Should().BeEmpty();
    }

    [Fact]
    public void The_readme_may_not_link_outside_the_repository_but_docs_may()
    {
        var text = "Get it from [NAB](https://github.com/numenta/NAB), <http://example.com/x> or http://example.org.\n";
        var checker = Checker(new() { ["README.md"] = text, ["docs/evaluation.md"] = text });

        checker.Check("README.md", internalOnly: true).Should().HaveCount(3).And.OnlyContain(p => p.Message.Contains("outside the repository"));
        checker.Check("docs/evaluation.md", internalOnly: false).Should().BeEmpty();
    }

    [Fact]
    public void A_relative_link_that_leaves_the_repository_is_a_problem()
    {
        var checker = Checker(new() { ["docs/a.md"] = "The notes are in [scoring](../../shared/docs/nab-scoring.md).\n" });

        checker.Check("docs/a.md", internalOnly: false).Should().ContainSingle()
            .Which.Message.Should().Be("../../shared/docs/nab-scoring.md points outside the repository");
    }

    [Fact]
    public void Code_blocks_and_code_spans_hold_no_links()
    {
        var checker = Checker(new()
        {
            ["README.md"] = "```sh\ncurl -s http://127.0.0.1:5080/ # [x](missing.md)\n```\n\nRun `curl http://127.0.0.1:5080` or `[x](missing.md)`.\n",
        });

        checker.Check("README.md", internalOnly: true).Should().BeEmpty();
    }

    [Theory]
    [InlineData("Scraping (without Prometheus)", "scraping-without-prometheus")]
    [InlineData("CSV files (`foresight import`)", "csv-files-foresight-import")]
    [InlineData("The demo's workloads", "the-demos-workloads")]
    [InlineData("Right-sizing, cost and capacity", "right-sizing-cost-and-capacity")]
    [InlineData("Latency against load (`eval latency`)", "latency-against-load-eval-latency")]
    [InlineData("A [linked](x.md) heading", "a-linked-heading")]
    [InlineData("snake_case and  two spaces", "snake_case-and--two-spaces")]
    public void Anchors_are_githubs_slugs_of_the_headings(string heading, string anchor)
    {
        MarkdownLinkChecker.Slug(heading).Should().Be(anchor);
    }

    [Fact]
    public void Repeated_headings_get_numbered_anchors_and_headings_in_code_blocks_none()
    {
        var anchors = MarkdownLinkChecker.Anchors("# Usage\n\n## Usage\n\n### Usage ###\n\n```\n# not a heading\n```\n");

        anchors.Should().BeEquivalentTo("usage", "usage-1", "usage-2");
    }

    private static MarkdownLinkChecker Checker(Dictionary<string, string> files, string[]? directories = null) =>
        new(path => files.GetValueOrDefault(path), path => (directories ?? []).Contains(path) || files.Keys.Any(f => f.StartsWith(path + "/", StringComparison.Ordinal)));

    /// <summary>The folder holding Foresight.slnx, found by walking up from the test binaries.</summary>
    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Foresight.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException($"no Foresight.slnx above {AppContext.BaseDirectory}");
    }
}
