using System.Diagnostics;
using System.Net.Sockets;
using Foresight.Scraping;
using Foresight.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Foresight.Tests.Scraping;

/// <summary>Scrapes the real Debian <c>prometheus-node-exporter</c>, started on a free loopback port.</summary>
public class NodeExporterScrapeTests
{
    private const string Binary = "prometheus-node-exporter";

    [RequiresBinaryFact(Binary)]
    public async Task Real_node_exporter_series_arrive_with_job_and_instance_labels()
    {
        using var exporter = NodeExporterProcess.Start(RequiresBinaryFactAttribute.Locate(Binary));
        await exporter.WaitUntilListeningAsync(TimeSpan.FromSeconds(20));
        var config = ScrapeConfig.Load($"""
            scrape:
              interval: 1s
              timeout: 1s
              tenant: infra
              jobs:
                - job_name: node
                  static_configs:
                    - targets: ["{exporter.Address}"]
                      labels: {"{"}env: ci{"}"}
            """);
        var sink = new RecordingSink();
        using var http = Scraper.CreateHttpClient();
        await using var scraper = new Scraper(config, http, sink.AppendAsync, TimeProvider.System, NullLogger.Instance);

        scraper.Start();
        await Wait.UntilAsync(() => sink.Series("up").Count >= 2, "two scrapes of node-exporter", TimeSpan.FromSeconds(30));
        await scraper.StopAsync();

        var status = scraper.GetStatus().Single();
        status.Health.Should().Be(TargetHealth.Up, status.LastError);
        status.LastSamples.Should().BeGreaterThan(200, "node-exporter exposes hundreds of samples");
        sink.Writes.Should().OnlyContain(w => w.Tenant == "infra");
        sink.Writes.Select(w => w.Write).Should().OnlyContain(w =>
            w.Labels.Get("job") == "node" && w.Labels.Get("instance") == exporter.Address && w.Labels.Get("env") == "ci");
        sink.Series("up").Should().OnlyContain(w => w.Points[0].Value == 1);

        var cpu = sink.Series("node_cpu_seconds_total");
        cpu.Should().NotBeEmpty();
        cpu.Should().OnlyContain(w => w.Labels.Get("cpu") != null && w.Labels.Get("mode") != null && w.Points[0].Value >= 0);
        cpu.Select(w => w.Labels.Get("mode")).Should().Contain(["idle", "user", "system"]);

        sink.Series("node_memory_MemAvailable_bytes").Should().NotBeEmpty()
            .And.OnlyContain(w => w.Points[0].Value > 0);
        sink.Series("node_load1").Should().NotBeEmpty();
        sink.Series("scrape_samples_scraped").Should().OnlyContain(w => w.Points[0].Value > 200);

        var quantiles = sink.Series("go_gc_duration_seconds").Where(w => w.Labels.Get("quantile") == "1").ToList();
        quantiles.Should().NotBeEmpty("summary quantiles of the Go runtime are parsed too");
    }

    /// <summary>The exporter as a child process; disposing kills it (and waits for it to exit).</summary>
    private sealed class NodeExporterProcess : IDisposable
    {
        private readonly Process _process;

        private NodeExporterProcess(Process process, string address)
        {
            _process = process;
            Address = address;
        }

        public string Address { get; }

        public static NodeExporterProcess Start(string path)
        {
            var address = $"127.0.0.1:{FreePort.Next()}";
            var info = new ProcessStartInfo(path)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            info.ArgumentList.Add($"--web.listen-address={address}");
            // systemd's collector needs a D-Bus that containers and CI runners rarely have; it only logs errors there.
            info.ArgumentList.Add("--no-collector.systemd");
            var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {path}");
            // Drain the pipes so a chatty exporter never blocks on a full buffer.
            process.OutputDataReceived += static (_, _) => { };
            process.ErrorDataReceived += static (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return new NodeExporterProcess(process, address);
        }

        public Task WaitUntilListeningAsync(TimeSpan limit)
        {
            var (host, port) = (Address.Split(':')[0], int.Parse(Address.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture));
            return Wait.UntilAsync(async () =>
            {
                if (_process.HasExited) throw new InvalidOperationException($"node-exporter exited with code {_process.ExitCode}");
                try
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync(host, port);
                    return true;
                }
                catch (SocketException)
                {
                    return false;
                }
            }, $"node-exporter to listen on {Address}", limit);
        }

        public void Dispose()
        {
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                    _process.WaitForExit(5000);
                }
            }
            catch (InvalidOperationException)
            {
                // It exited between the check and the kill.
            }
            _process.Dispose();
        }
    }
}
