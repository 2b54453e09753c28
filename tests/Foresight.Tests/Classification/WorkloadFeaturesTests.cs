using Foresight.Classification;
using static Foresight.Tests.Classification.ClassificationFixtures;

namespace Foresight.Tests.Classification;

public class WorkloadFeaturesTests
{

    private static WorkloadFeatures Features(WorkloadMetrics metrics)
    {
        WorkloadFeatures.TryCompute(metrics, out var features, out var error).Should().BeTrue(error);
        return features;
    }

    [Fact]
    public void A_24_hour_sine_has_a_strong_daily_cycle_and_noise_has_none()
    {
        var sine = Samples(14, i => 2 + Math.Sin(2 * Math.PI * HourOf(i) / 24));
        var random = new Random(7);
        var noise = Samples(14, _ => 2 + random.NextDouble());

        Features(new WorkloadMetrics { Step = Step, Start = Monday, CpuCores = sine })["cpu_daily_strength"].Should().BeGreaterThan(0.95);
        Features(new WorkloadMetrics { Step = Step, Start = Monday, CpuCores = noise })["cpu_daily_strength"].Should().BeLessThan(0.2);
    }

    [Fact]
    public void A_square_wave_has_its_duty_cycle_and_one_on_period_a_day()
    {
        // On from 01:00 to 07:00 every day: 6 h of 24.
        var cpu = Samples(14, i => HourOf(i) is >= 1 and < 7 ? 4 : 0.02);

        var features = Features(new WorkloadMetrics { Step = Step, Start = Monday, CpuCores = cpu });

        features["cpu_duty_cycle"].Should().BeApproximately(0.25, 0.005);
        features["cpu_idle_share"].Should().BeApproximately(0.75, 0.005);
        features["cpu_on_runs_per_day"].Should().BeApproximately(1, 0.01);
        features["cpu_on_run_hours"].Should().BeApproximately(6, 0.01);
    }

    [Fact]
    public void Flat_memory_has_no_growth_and_a_leak_grows_at_its_rate()
    {
        var cpu = Samples(14, _ => 0.5);
        var flat = Features(new WorkloadMetrics { Step = Step, Start = Monday, CpuCores = cpu, MemoryBytes = Samples(14, _ => 8.0 * (1 << 30)) });
        // 1 GiB growing by 0.1 GiB a day: slope / mean = 0.1 / 1.7 per day over 14 days.
        var leak = Features(new WorkloadMetrics { Step = Step, Start = Monday, CpuCores = cpu, MemoryBytes = Samples(14, i => (1 + 0.1 * i / PerDay) * (1 << 30)) });

        flat["memory_growth_per_day"].Should().BeApproximately(0, 1e-12);
        flat["memory_cv"].Should().BeApproximately(0, 1e-12);
        flat["memory_gib_per_core"].Should().BeApproximately(16, 1e-9);
        leak["memory_growth_per_day"].Should().BeApproximately(0.1 / (1 + 0.1 * (14 * PerDay - 1) / 2.0 / PerDay), 1e-6);
    }

    [Fact]
    public void Request_features_come_from_the_requests_and_are_unknown_without_them()
    {
        var requests = Samples(14, i => 100 + 50 * Math.Sin(2 * Math.PI * HourOf(i) / 24));
        var cpu = requests.Select(r => r * 0.004).ToArray();
        var latency = requests.Select(r => 0.010 * Math.Pow(r / 100, 0.5)).ToArray();

        var served = Features(new WorkloadMetrics { Step = Step, Start = Monday, CpuCores = cpu, RequestsPerSecond = requests, LatencySeconds = latency });
        var bare = Features(new WorkloadMetrics { Step = Step, Start = Monday, CpuCores = cpu });

        served["cpu_ms_per_request"].Should().BeApproximately(4, 1e-9);
        served["cpu_requests_correlation"].Should().BeApproximately(1, 1e-9);
        served["latency_load_elasticity"].Should().BeApproximately(0.5, 1e-9);
        served["latency_ms"].Should().BeApproximately(10, 0.05);
        bare["cpu_ms_per_request"].Should().Be(double.NaN);
        bare["requests_per_second"].Should().Be(double.NaN);
        bare["memory_gib"].Should().Be(double.NaN);
    }

    [Fact]
    public void The_weekend_ratio_reads_the_calendar_in_utc()
    {
        // Two weeks from a Monday: days 5, 6, 12 and 13 are the weekend, at 40% of the weekday load.
        var requests = Samples(14, i => i / PerDay % 7 >= 5 ? 40 : 100);

        var features = Features(new WorkloadMetrics { Step = Step, Start = Monday, CpuCores = Samples(14, _ => 1), RequestsPerSecond = requests });

        features["weekend_ratio"].Should().BeApproximately(0.4, 1e-9);
    }

    [Fact]
    public void Unusable_metrics_are_refused_with_the_reason()
    {
        var cpu = Samples(14, _ => 1);

        WorkloadFeatures.TryCompute(new WorkloadMetrics { Step = Step, Start = Monday, CpuCores = cpu[..100] }, out _, out var tooShort).Should().BeFalse();
        WorkloadFeatures.TryCompute(new WorkloadMetrics { Step = Step, Start = Monday, CpuCores = cpu, MemoryBytes = cpu[..^1] }, out _, out var misaligned).Should().BeFalse();

        tooShort.Should().Contain("48 h");
        misaligned.Should().Contain("memory").And.Contain("aligned");
    }

    [Fact]
    public void Named_series_map_to_their_metrics_and_cpu_is_required()
    {
        var cpu = Samples(3, _ => 1);
        var named = new Dictionary<string, double[]> { ["cpu_usage_cores"] = cpu, ["http_requests_per_second"] = cpu, ["other"] = cpu };

        WorkloadMetrics.TryFromNamedSeries(named, Step, Monday, out var metrics, out _).Should().BeTrue();
        WorkloadMetrics.TryFromNamedSeries(new Dictionary<string, double[]> { ["memory_usage_bytes"] = cpu }, Step, Monday, out _, out var error).Should().BeFalse();

        metrics.RequestsPerSecond.Should().BeSameAs(cpu);
        metrics.MemoryBytes.Should().BeNull();
        error.Should().Contain("cpu_usage_cores");
    }
}
