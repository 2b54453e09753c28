using Foresight.Configuration;
using Foresight.Scraping;
using Foresight.Server.Detection;
using Foresight.Server.Scaling;
using Foresight.Tests.Support;

namespace Foresight.Server.Tests.Hosting;

public sealed class ForesightConfigTests
{
    private const string Full = """
        scrape:
          jobs:
            - job_name: node
              static_configs:
                - targets: ["127.0.0.1:9100"]
        alerts:
          webhooks: ["http://127.0.0.1:9000/hook"]
        workloads:
          - name: checkout
            series: rps
            replica_capacity: 84
        server:
          port: 1
        """;

    [Fact]
    public async Task One_read_of_the_file_hands_every_section_to_its_reader()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "foresight.yml");
        await File.WriteAllTextAsync(path, Full);

        var config = await ForesightConfig.LoadAsync(path);

        config.FileName.Should().Be(path);
        config.Section("server").Should().NotBeNull("keys no capability asks for are kept, and ignored");
        ScrapeConfig.Read(config).Targets.Should().ContainSingle().Which.Address.Should().Be("127.0.0.1:9100");
        AlertConfig.Read(config).Webhooks.Should().Equal("http://127.0.0.1:9000/hook");
        WorkloadConfig.Read(config).Should().ContainSingle().Which.Spec.Name.Should().Be("checkout");
    }

    [Fact]
    public void Without_a_file_or_with_an_empty_one_every_section_is_absent()
    {
        foreach (var config in new[] { ForesightConfig.Empty, ForesightConfig.Parse("", "f.yml"), ForesightConfig.Parse("# only a comment\n", "f.yml") })
        {
            config.Section("scrape").Should().BeNull();
            ScrapeConfig.Read(config).Should().BeSameAs(ScrapeConfig.Empty);
            AlertConfig.Read(config).Webhooks.Should().BeEmpty();
            WorkloadConfig.Read(config).Should().BeEmpty();
        }
    }

    [Theory]
    [InlineData("scrape:\n  jobs: [\n", "foresight.yml: line 3: invalid YAML: While parsing a node, did not find expected node content.")]
    [InlineData("- a\n- b\n", "foresight.yml: line 1: the document must be a mapping of settings")]
    public void A_file_that_is_not_a_mapping_of_settings_is_refused_once_for_every_section(string yaml, string message) =>
        FluentActions.Invoking(() => ForesightConfig.Parse(yaml, "foresight.yml")).Should().Throw<ConfigException>().Which.Message.Should().Be(message);

    [Fact]
    public void A_section_error_names_the_file_and_the_line()
    {
        var config = ForesightConfig.Parse("alerts:\n  cooldown: 5m\nscrape:\n  interval: 15x\n  jobs: []\n", "foresight.yml");

        FluentActions.Invoking(() => ScrapeConfig.Read(config)).Should().Throw<ConfigException>()
            .Which.Message.Should().Be("foresight.yml: line 4: scrape.interval: '15x' is not a duration (expected e.g. 500ms, 15s, 1m, 1h or 1m30s)");
    }

    [Fact]
    public async Task A_missing_file_is_named_with_the_option()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "missing.yml");

        var load = () => ForesightConfig.LoadAsync(path);

        (await load.Should().ThrowAsync<ConfigException>()).WithMessage($"--config: {path} does not exist");
    }
}
