using Foresight.Configuration;
using Foresight.Server.Scaling;
using Foresight.Tests.Support;

namespace Foresight.Server.Tests.Scaling;

public sealed class WorkloadConfigTests
{
    private static IReadOnlyList<(string Tenant, WorkloadSpec Spec)> Workloads(string yaml, string file) => WorkloadConfig.Read(ForesightConfig.Parse(yaml, file));

    [Fact]
    public void A_full_workloads_section_is_read_with_defaults_for_what_is_left_out()
    {
        var workloads = Workloads("""
            scrape:
              jobs: []
            workloads:
              - name: checkout
                series: 'http_requests_per_second{service="checkout"}'
                replica_capacity: 84
                startup: 1m30s
                min_replicas: 2
                max_replicas: 40
                price_per_replica_hour: 0.05
                decision_interval: 15s
                tenant: shop
                request: 'cpu_request_cores{container="checkout"}'
                usage: 'cpu_usage_cores{container="checkout"}'
              - name: search
                series: search_qps
                replica_capacity: 12.5
            """, "foresight.yml");
        workloads.Should().HaveCount(2);
        var (tenant, checkout) = workloads[0];
        tenant.Should().Be("shop");
        checkout.Series.Should().Be("http_requests_per_second{service=\"checkout\"}");
        checkout.Capacity.ReplicaCapacity.Should().Be(84);
        checkout.Capacity.StartupDelay.Should().Be(TimeSpan.FromSeconds(90));
        checkout.Capacity.MinReplicas.Should().Be(2);
        checkout.Capacity.MaxReplicas.Should().Be(40);
        checkout.Capacity.PricePerReplicaHour.Should().Be(0.05);
        checkout.DecisionInterval.Should().Be(TimeSpan.FromSeconds(15));
        checkout.Request.Should().Be("cpu_request_cores{container=\"checkout\"}");
        checkout.Usage.Should().Be("cpu_usage_cores{container=\"checkout\"}");
        var (searchTenant, search) = workloads[1];
        searchTenant.Should().Be("default");
        search.Capacity.Should().Be(new Foresight.Scaling.CapacityModel { ReplicaCapacity = 12.5 }, "unset fields take the capacity model's defaults");
        search.DecisionInterval.Should().BeNull();
        Workloads("scrape:\n  jobs: []\n", "f.yml").Should().BeEmpty();
    }

    [Fact]
    public void Resource_and_latency_settings_are_read_with_kubernetes_style_sizes()
    {
        var workloads = Workloads("""
            workloads:
              - name: checkout
                series: rps
                replica_capacity: 84
                cpu_usage: 'container_cpu_usage_cores{container="checkout"}'
                memory_usage: container_memory_working_set_bytes
                cpu_request: 1.5
                memory_request: 1536Mi
                latency: p95_seconds
                latency_quantile: 0.9
                latency_slo: 300ms
                slo_quantile: 0.999
                scaling_level: 0.97
                scale_down_stabilization: 5m
                scale_in_cooldown: 90s
                max_scale_in_fraction: 0.25
                max_scale_out_step: 4
                replicas: 'kube_deployment_status_replicas{deployment="checkout"}'
              - name: search
                series: rps
                replica_capacity: 5
                memory_request: 2G
            """, "foresight.yml");
        var checkout = workloads[0].Spec;
        checkout.CpuUsage.Should().Be("container_cpu_usage_cores{container=\"checkout\"}");
        checkout.MemoryUsage.Should().Be("container_memory_working_set_bytes");
        checkout.CpuRequest.Should().Be(1.5);
        checkout.MemoryRequest.Should().Be(1536.0 * 1024 * 1024);
        checkout.Latency.Should().Be("p95_seconds");
        checkout.LatencyQuantile.Should().Be(0.9);
        checkout.LatencySlo.Should().Be(TimeSpan.FromMilliseconds(300));
        checkout.SloQuantile.Should().Be(0.999);
        checkout.ScalingLevel.Should().Be(0.97);
        var behavior = checkout.ScalerOptions(TimeSpan.FromSeconds(15));
        behavior.DecisionInterval.Should().Be(TimeSpan.FromSeconds(15));
        behavior.ScaleDownStabilization.Should().Be(TimeSpan.FromMinutes(5));
        behavior.ScaleInCooldown.Should().Be(TimeSpan.FromSeconds(90));
        behavior.MaxScaleInFraction.Should().Be(0.25);
        behavior.MaxScaleOutStep.Should().Be(4);
        checkout.Replicas.Should().Be("kube_deployment_status_replicas{deployment=\"checkout\"}");
        var search = workloads[1].Spec;
        search.MemoryRequest.Should().Be(2e9);
        search.CpuUsage.Should().BeNull();
        search.LatencySlo.Should().BeNull();
        search.LatencyQuantile.Should().Be(0.95, "the default is what most services export");
        search.SloQuantile.Should().Be(0.99);
        search.ScalingLevel.Should().BeNull("the policy's default applies");
        search.Replicas.Should().BeNull("decisions then start from the previous one");
        var defaults = new Foresight.Scaling.PredictiveScalerOptions();
        var searchBehavior = search.ScalerOptions(TimeSpan.FromSeconds(30));
        searchBehavior.ScaleDownStabilization.Should().Be(defaults.ScaleDownStabilization);
        searchBehavior.ScaleInCooldown.Should().Be(defaults.ScaleInCooldown);
        searchBehavior.MaxScaleInFraction.Should().Be(defaults.MaxScaleInFraction);
        searchBehavior.MaxScaleOutStep.Should().BeNull("no limit unless one is given");
    }

    [Theory]
    [InlineData("  - name: checkout\n    series: rps\n    replica_capacity: 5\n    memory_request: 4 gigs\n", "line 5: workloads[0] (checkout).memory_request: '4 gigs' is not a size in bytes")]
    [InlineData("  - name: checkout\n    series: rps\n    replica_capacity: 5\n    cpu_request: 0\n", "line 5: workloads[0] (checkout).cpu_request: must be a positive number of cores")]
    [InlineData("  - name: checkout\n    series: rps\n    replica_capacity: 5\n    latency_quantile: 95\n", "line 5: workloads[0] (checkout).latency_quantile: must be between 0 and 1")]
    [InlineData("  - name: checkout\n    series: rps\n    replica_capacity: 5\n    cpu_usage: 'cpu{'\n", "line 5: workloads[0] (checkout).cpu_usage: 'cpu{' is not a series selector")]
    [InlineData("  - name: checkout\n    series: rps\n    replica_capacity: 5\n    latency_slo: 0s\n", "line 5: workloads[0] (checkout).latency_slo: must be more than 0")]
    [InlineData("  - name: checkout\n    series: rps\n    replica_capacity: 5\n    scaling_level: 1\n", "line 5: workloads[0] (checkout).scaling_level: must be at least 0.5 and below 1")]
    [InlineData("  - name: checkout\n    series: rps\n    replica_capacity: 5\n    max_scale_out_step: 0\n", "line 5: workloads[0] (checkout).max_scale_out_step: must be at least 1 (got 0)")]
    [InlineData("  - name: checkout\n    series: rps\n    replica_capacity: 5\n    replicas: 3\n", "line 5: workloads[0] (checkout).replicas: is the series of the replicas running now (e.g. kube_deployment_status_replicas{deployment=\"checkout\"}), not a count (got 3)")]
    [InlineData("  - name: checkout\n    series: rps\n    replica_capacity: 5\n    replicas: 'up{'\n", "line 5: workloads[0] (checkout).replicas: 'up{' is not a series selector")]
    [InlineData("  - name: checkout\n    series: rps\n    replica_capacity: 5\n    scale_in_cooldown: 2h\n", "line 5: workloads[0] (checkout).scale_in_cooldown: must be between 0 and 1 hour")]
    public void Invalid_resource_settings_are_refused_naming_the_key(string section, string message) =>
        FluentActions.Invoking(() => Workloads("workloads:\n" + section, "foresight.yml"))
            .Should().Throw<InvalidOperationException>().WithMessage($"foresight.yml: {message}*");

    [Theory]
    [InlineData("  - name: checkout\n    series: rps\n    replica_capacity: 0\n", "line 4: workloads[0] (checkout).replica_capacity: must be a positive number (got 0)")]
    [InlineData("  - name: checkout\n    replica_capacity: 5\n", "line 2: workloads[0] (checkout): series is required")]
    [InlineData("  - name: checkout\n    series: 'rps{'\n    replica_capacity: 5\n", "line 3: workloads[0] (checkout).series: 'rps{' is not a series selector")]
    [InlineData("  - name: checkout\n    series: rps\n    replica_capacity: 5\n    min_replicas: 5\n    max_replicas: 3\n", "line 6: workloads[0] (checkout).max_replicas: must be at least 1 and at least min replicas 5 (got 3)")]
    [InlineData("  - name: checkout\n    series: rps\n    replica: 3\n", "line 4: workloads[0]: 'replica' is not a workload setting (known: name, series, replica_capacity")]
    [InlineData("  - name: checkout\n    series: rps\n    replica_capacity: 5\n    startup: 2 minutes\n", "line 5: workloads[0] (checkout).startup: '2 minutes' is not a duration")]
    [InlineData("  - name: checkout\n    series: rps\n    replica_capacity: lots\n", "line 4: workloads[0] (checkout).replica_capacity: 'lots' is not a number")]
    [InlineData("  - name: checkout\n    series: rps\n    replica_capacity: 5\n    min_replicas: 1.5\n", "line 5: workloads[0] (checkout).min_replicas: '1.5' is not a whole number")]
    [InlineData("  - name: checkout\n    series: rps\n    replica_capacity: 5\n    request: cpu_request\n", "workloads[0] (checkout).usage: request and usage go together")]
    [InlineData("  - name: checkout\n    series: rps\n    replica_capacity: 5\n    decision_interval: 0s\n", "line 5: workloads[0] (checkout).decision_interval: must be between 1 second and 1 hour")]
    [InlineData("  - name: check out\n    series: rps\n    replica_capacity: 5\n", "line 2: workloads[0].name: 'check out' is not a valid name")]
    [InlineData("  - series: rps\n    replica_capacity: 5\n", "line 2: workloads[0]: name is required")]
    [InlineData("  - name: a\n    series: rps\n    replica_capacity: 5\n  - name: a\n    series: qps\n    replica_capacity: 5\n", "line 5: workloads[1] (a): the name is used twice for tenant 'default'")]
    [InlineData("  checkout: {}\n", "line 2: workloads: expected a list of workloads")]
    public void Invalid_workloads_are_refused_naming_the_file_line_workload_and_key(string section, string message)
    {
        var parse = () => Workloads("workloads:\n" + section, "foresight.yml");
        parse.Should().Throw<InvalidOperationException>().Which.Message.Should().StartWith("foresight.yml: ").And.Contain(message);
    }

    [Fact]
    public async Task A_server_with_an_invalid_workload_refuses_to_start()
    {
        using var dir = new TempDirectory();
        var config = Path.Combine(dir.Path, "bad.yml");
        await File.WriteAllTextAsync(config, "workloads:\n  - name: web\n    series: rps\n    replica_capacity: -3\n");
        var start = () => TestServer.StartAsync(o => o.ConfigFile = config);
        (await start.Should().ThrowAsync<InvalidOperationException>()).WithMessage("*bad.yml: line 4: workloads[0] (web).replica_capacity: must be a positive number (got -3)*");
    }
}
