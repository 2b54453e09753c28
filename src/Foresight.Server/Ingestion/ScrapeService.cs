using Foresight.Ingestion;
using Foresight.Scraping;
using Foresight.Series;
using Foresight.Server.Observability;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Foresight.Server.Ingestion;

/// <summary>Runs the scrape jobs of the config file's <c>scrape:</c> section for the server's lifetime.</summary>
internal sealed class ScrapeService(ScrapeConfig config, IngestWriter writer, TimeProvider time, ServerMetrics metrics, ILogger<Scraper> logger)
    : IHostedService, IAsyncDisposable
{
    private readonly HttpClient _http = Scraper.CreateHttpClient();
    private Scraper? _scraper;

    public Scraper? Scraper => _scraper;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _scraper = new Scraper(config, _http, async (tenant, batch, ct) =>
        {
            var result = await writer.WriteAsync(tenant, batch, ct);
            metrics.CountAppend("scrape", result);
            return result;
        }, time, logger);
        _scraper.Start();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_scraper is not null) await _scraper.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_scraper is not null) await _scraper.DisposeAsync();
        _http.Dispose();
    }
}
