using System.Text;
using BenchmarkDotNet.Attributes;
using Foresight.Scraping;

namespace Foresight.Benchmarks;

/// <summary>
/// Parsing a node-exporter-sized exposition (about 1,500 lines: counters with labels, a histogram,
/// summaries, escaped values). <c>Reused</c> is the scrape-loop case: the same parser sees the
/// same series again, so its series cache answers every line.
/// </summary>
[MemoryDiagnoser]
public class PrometheusTextParserBenchmarks
{
    private readonly List<ScrapedSample> _samples = new(2048);
    private readonly PrometheusTextParser _reused = new();
    private byte[] _body = [];

    [GlobalSetup]
    public void Setup()
    {
        var sb = new StringBuilder();
        sb.Append("# HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.\n# TYPE node_cpu_seconds_total counter\n");
        string[] modes = ["idle", "iowait", "irq", "nice", "softirq", "steal", "system", "user"];
        for (var cpu = 0; cpu < 64; cpu++)
        {
            foreach (var mode in modes) sb.Append($"node_cpu_seconds_total{{cpu=\"{cpu}\",mode=\"{mode}\"}} {cpu * 1234.56 + mode.Length:R}\n");
        }
        sb.Append("# TYPE http_request_duration_seconds histogram\n");
        for (var h = 0; h < 40; h++)
        {
            foreach (var le in new[] { "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "+Inf" })
            {
                sb.Append($"http_request_duration_seconds_bucket{{handler=\"/api/v{h}\",le=\"{le}\"}} {h * 17}\n");
            }
        }
        sb.Append("# TYPE go_gc_duration_seconds summary\n");
        foreach (var q in new[] { "0", "0.25", "0.5", "0.75", "1" }) sb.Append($"go_gc_duration_seconds{{quantile=\"{q}\"}} 1.7e-05\n");
        sb.Append("node_filesystem_avail_bytes{device=\"C:\\\\data\",fstype=\"ext4\",mountpoint=\"/\\\"quoted\\\"\"} 1.2345e+11\n");
        sb.Append("node_hwmon_temp_celsius{chip=\"x\"} NaN\nnode_load1 0.42\n");
        _body = Encoding.UTF8.GetBytes(sb.ToString());
        _reused.TryParse(_body, ExpositionFormat.PrometheusText, _samples, out _);
    }

    [Benchmark(Baseline = true)]
    public int Fresh()
    {
        _samples.Clear();
        new PrometheusTextParser().TryParse(_body, ExpositionFormat.PrometheusText, _samples, out _);
        return _samples.Count;
    }

    [Benchmark]
    public int Reused()
    {
        _samples.Clear();
        _reused.TryParse(_body, ExpositionFormat.PrometheusText, _samples, out _);
        return _samples.Count;
    }
}
