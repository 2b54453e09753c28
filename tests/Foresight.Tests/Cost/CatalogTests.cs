using Foresight.Cost;

namespace Foresight.Tests.Cost;

public class CatalogTests
{
    [Fact]
    public void Default_prices_are_the_OpenCost_default_sheet()
    {
        var prices = PriceCatalog.Default;
        prices.Currency.Should().Be("USD");
        prices.CpuCoreHour.Should().Be(0.031611);
        prices.MemoryGiBHour.Should().Be(0.004237);
        prices.SpotCpuCoreHour.Should().Be(0.006655);
        prices.SpotMemoryGiBHour.Should().Be(0.000892);
        prices.GpuHour.Should().Be(0.95);
        prices.StorageGiBHour.Should().Be(0.00005479452);
    }

    [Fact]
    public void Shipped_price_file_reads_to_the_defaults()
    {
        PriceCatalog.TryParse(PriceCatalog.DefaultYaml, "prices.yaml", out var catalog, out var error).Should().BeTrue(error);
        catalog.Should().Be(PriceCatalog.Default);
    }

    [Fact]
    public void Price_catalog_round_trips_through_its_file()
    {
        var edited = new PriceCatalog { Currency = "EUR", CpuCoreHour = 0.0275, MemoryGiBHour = 0.0036, SpotCpuCoreHour = 0.01, SpotMemoryGiBHour = 0.001, GpuHour = 2.1, StorageGiBHour = 0.0001 };
        PriceCatalog.TryParse(edited.ToYaml(), "mine.yaml", out var back, out var error).Should().BeTrue(error);
        back.Should().Be(edited);
    }

    [Fact]
    public void Keys_left_out_keep_the_default_price()
    {
        PriceCatalog.TryParse("currency: GBP\ncpu_core_hour: 0.05\n", "p.yaml", out var catalog, out _).Should().BeTrue();
        catalog!.Currency.Should().Be("GBP");
        catalog.CpuCoreHour.Should().Be(0.05);
        catalog.MemoryGiBHour.Should().Be(0.004237);
    }

    [Theory]
    [InlineData("currency: USD\ncpu_core_hour: abc\n", "p.yaml: line 2: cpu_core_hour: 'abc' is not a number")]
    [InlineData("currency: USD\n\ncpu_hour: 0.1\n", "p.yaml: line 3: unknown key 'cpu_hour' (known: format, currency, cpu_core_hour")]
    [InlineData("memory_gib_hour: -1\n", "p.yaml: line 1: memory_gib_hour: must be at least 0 (got -1)")]
    [InlineData("format: 2\n", "p.yaml: line 1: format: this build reads format 1, the file is format 2")]
    [InlineData("cpu_core_hour: 0.1\ncpu_core_hour: 0.2\n", "p.yaml: line 2: invalid YAML: Duplicate key cpu_core_hour")]
    [InlineData("- 1\n- 2\n", "p.yaml: line 1: expected a price catalog")]
    [InlineData("cpu_core_hour: [0.1\n", "p.yaml: line 2: invalid YAML")]
    public void Price_catalog_errors_say_what_and_where(string yaml, string expected)
    {
        PriceCatalog.TryParse(yaml, "p.yaml", out var catalog, out var error).Should().BeFalse();
        catalog.Should().BeNull();
        error.Should().StartWith(expected);
    }

    [Fact]
    public void Default_instance_catalog_holds_the_three_clouds_with_source_and_date()
    {
        var catalog = InstanceCatalog.Default;
        catalog.Types.Should().HaveCountGreaterThanOrEqualTo(20).And.HaveCountLessThanOrEqualTo(40);
        catalog.Types.Select(t => t.Provider).Distinct().Should().BeEquivalentTo("aws", "gcp", "azure");
        catalog.Types.Select(t => t.Family).Distinct().Should().Contain(["general", "compute", "memory", "burstable"]);
        catalog.Source.Should().Contain("spot").And.Contain("approximate");
        catalog.AsOf.Should().NotBeEmpty();
        catalog.Types.Should().OnlyContain(t => t.SpotHour > 0 && t.SpotHour < t.OnDemandHour && t.Region.Length > 0);
        var m6i = catalog.Types.Single(t => t.Name == "m6i.large");
        (m6i.VCpu, m6i.MemoryGiB, m6i.OnDemandHour).Should().Be((2.0, 8.0, 0.096));
        InstanceCatalog.DefaultYaml.Should().Contain("TYPICAL and APPROXIMATE");
    }

    [Fact]
    public void Instance_catalog_round_trips_through_its_file()
    {
        var catalog = InstanceCatalog.Default;
        InstanceCatalog.TryParse(catalog.ToYaml(), "types.yaml", out var back, out var error).Should().BeTrue(error);
        back!.Types.Should().Equal(catalog.Types);
        (back.Currency, back.Source, back.AsOf).Should().Be((catalog.Currency, catalog.Source, catalog.AsOf));
    }

    [Fact]
    public void Provider_filter_keeps_only_that_clouds_types()
    {
        InstanceCatalog.Default.ForProvider("GCP").Types.Should().NotBeEmpty().And.OnlyContain(t => t.Provider == "gcp");
    }

    [Theory]
    [InlineData("instance_types:\n  - { name: a, vcpu: 2, memory_gib: 8, on_demand_hour: 0.1 }\n  - { name: b, vcpu: two, memory_gib: 8, on_demand_hour: 0.1 }\n",
        "t.yaml: line 3: instance_types[1] (b).vcpu: 'two' is not a number")]
    [InlineData("instance_types:\n  - name: a\n    vcpu: 2\n    memory_gib: 8\n    on_demand_hour: 0.1\n    gpus: 1\n",
        "t.yaml: line 6: instance_types[0] (a): unknown key 'gpus'")]
    [InlineData("instance_types:\n  - { name: a, vcpu: 2, memory_gib: 8 }\n", "t.yaml: line 2: instance_types[0] (a): on_demand_hour is required")]
    [InlineData("instance_types:\n  - { name: a, vcpu: 2, memory_gib: 8, on_demand_hour: 0.1, spot_hour: 0.2 }\n",
        "t.yaml: line 2: instance_types[0] (a).spot_hour: the spot price 0.2 is above the on-demand price 0.1")]
    [InlineData("instance_types:\n  - { name: a, vcpu: 0, memory_gib: 8, on_demand_hour: 0.1 }\n", "t.yaml: line 2: instance_types[0] (a).vcpu: must be greater than 0 (got 0)")]
    [InlineData("instance_types:\n  - { name: a, vcpu: 2, memory_gib: 8, on_demand_hour: 0.1 }\n  - { name: a, vcpu: 4, memory_gib: 8, on_demand_hour: 0.2 }\n",
        "t.yaml: line 3: instance_types[1] (a): the name 'a' is used twice")]
    [InlineData("currency: USD\ninstance_types: []\n", "t.yaml: line 2: instance_types: the list is empty")]
    [InlineData("currency: USD\n", "t.yaml: line 1: instance_types is required")]
    public void Instance_catalog_errors_say_what_and_where(string yaml, string expected)
    {
        InstanceCatalog.TryParse(yaml, "t.yaml", out var catalog, out var error).Should().BeFalse();
        catalog.Should().BeNull();
        error.Should().StartWith(expected);
    }

    [Fact]
    public void Spot_price_defaults_to_the_on_demand_price_when_left_out()
    {
        InstanceCatalog.TryParse("instance_types:\n  - { name: a, vcpu: 2, memory_gib: 8, on_demand_hour: 0.1 }\n", "t.yaml", out var catalog, out _).Should().BeTrue();
        catalog!.Types[0].SpotHour.Should().Be(0.1);
    }
}
