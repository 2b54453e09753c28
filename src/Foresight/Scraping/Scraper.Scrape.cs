using System.Globalization;
using Foresight.Series;

namespace Foresight.Scraping;

public sealed partial class Scraper
{
    private const int MaxBodyBytes = 64 << 20;

    // Prometheus prefers OpenMetrics; Foresight prefers 0.0.4, whose timestamps and samples map 1:1 onto the store.
    private const string AcceptHeader =
        "text/plain;version=0.0.4;q=0.9,application/openmetrics-text;version=1.0.0;q=0.5,*/*;q=0.1";

    private async Task<ScrapeResult> ScrapeAndWriteAsync(TargetState state, CancellationToken cancellationToken)
    {
        var target = state.Target;
        var started = _time.GetUtcNow();
        var startTimestamp = _time.GetTimestamp();
        var startMs = started.ToUnixTimeMilliseconds();
        state.Samples.Clear();

        string? error;
        using (var timeout = new CancellationTokenSource(target.Timeout, _time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token))
        {
            try
            {
                error = await FetchAndParseAsync(state, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                error = timeout.IsCancellationRequested
                    ? $"scrape timed out after {PrometheusDuration.Format(target.Timeout)}"
                    : "the request was cancelled by the HTTP client";
            }
            catch (HttpRequestException e)
            {
                error = e.InnerException is { } inner && !e.Message.Contains(inner.Message, StringComparison.Ordinal)
                    ? $"{e.Message} ({inner.Message})"
                    : e.Message;
            }
            catch (IOException e)
            {
                error = $"reading the response failed: {e.Message}";
            }
        }
        var duration = _time.GetElapsedTime(startTimestamp);
        var up = error is null;
        var scraped = up ? state.Samples.Count : 0;

        string? duplicate = null;
        var duplicates = 0;
        var samples = up ? WithTargetLabels(state, startMs, out duplicates, out duplicate) : [];
        state.Samples.Clear();
        var report = new List<SeriesWrite>(3)
        {
            Synthetic("up", target, startMs, up ? 1 : 0),
            Synthetic("scrape_duration_seconds", target, startMs, duration.TotalSeconds),
            Synthetic("scrape_samples_scraped", target, startMs, scraped),
        };
        var appendError = await WriteAsync(target, samples, cancellationToken).ConfigureAwait(false);
        appendError = await WriteAsync(target, report, cancellationToken).ConfigureAwait(false) ?? appendError;
        if (duplicates > 0)
        {
            // Prometheus refuses a second sample of a series at the same time in one scrape and keeps the first.
            var note = $"{duplicates} duplicate sample{(duplicates == 1 ? "" : "s")} dropped, the first of each series kept (e.g. {duplicate})";
            ScrapingLog.AppendRejected(_logger, target.Url, note);
            appendError = appendError is null ? note : $"{appendError}; {note}";
        }

        var previous = state.Status;
        state.Status = new TargetStatus(target, up ? TargetHealth.Up : TargetHealth.Down, started, duration, scraped, error, appendError);
        if (error is null)
        {
            if (previous.Health != TargetHealth.Up) ScrapingLog.TargetUp(_logger, target.Url, target.Job, scraped);
            else ScrapingLog.Scraped(_logger, scraped, target.Url, duration.TotalMilliseconds);
        }
        else
        {
            if (previous.Health != TargetHealth.Down) ScrapingLog.TargetDown(_logger, target.Url, target.Job, error);
            else ScrapingLog.StillDown(_logger, target.Url, error);
        }
        return new ScrapeResult(target, started, duration, up, scraped, error, [.. samples, .. report], appendError);
    }

    /// <summary>Fetches the exposition into the target's buffer and parses it into its sample list; returns an error or null.</summary>
    private async Task<string?> FetchAndParseAsync(TargetState state, CancellationToken cancellationToken)
    {
        var target = state.Target;
        using var request = new HttpRequestMessage(HttpMethod.Get, target.Url);
        request.Headers.TryAddWithoutValidation("Accept", AcceptHeader);
        request.Headers.TryAddWithoutValidation("User-Agent", "Foresight-Scraper");
        request.Headers.TryAddWithoutValidation("X-Prometheus-Scrape-Timeout-Seconds",
            target.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture));

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            return $"server returned HTTP status {(int)response.StatusCode} {response.ReasonPhrase}".TrimEnd();
        }
        if (response.Content.Headers.ContentLength > MaxBodyBytes) return $"response body is larger than {MaxBodyBytes >> 20} MiB";

        var length = 0;
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            while (true)
            {
                if (length == state.Buffer.Length)
                {
                    if (length >= MaxBodyBytes) return $"response body is larger than {MaxBodyBytes >> 20} MiB";
                    Array.Resize(ref state.Buffer, Math.Min(MaxBodyBytes, length * 2));
                }
                var read = await stream.ReadAsync(state.Buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0) break;
                length += read;
            }
        }

        var format = PrometheusTextParser.FormatOf(response.Content.Headers.ContentType?.MediaType);
        return state.Parser.TryParse(state.Buffer.AsSpan(0, length), format, state.Samples, out var parseError) ? null : parseError;
    }

    /// <summary>One write per sample with the target labels merged in; label sets are cached per parsed <see cref="Labels"/> instance.</summary>
    private static List<SeriesWrite> WithTargetLabels(TargetState state, long scrapeMs, out int duplicates, out string? firstDuplicate)
    {
        var writes = new List<SeriesWrite>(state.Samples.Count);
        var seen = state.Seen;
        seen.Clear();
        duplicates = 0;
        firstDuplicate = null;
        var generation = ++state.Generation;
        foreach (var sample in state.Samples)
        {
            if (state.MergedLabels.TryGetValue(sample.Labels, out var cached))
            {
                cached.Generation = generation;
            }
            else
            {
                cached = new MergedLabels(MergeTargetLabels(sample.Labels, state.Target.Labels)) { Generation = generation };
                state.MergedLabels[sample.Labels] = cached;
            }
            var timestamp = sample.Timestamp ?? scrapeMs;
            if (!seen.Add((sample.Metric, cached.Labels, timestamp)))
            {
                duplicates++;
                firstDuplicate ??= $"{sample.Metric}{cached.Labels}";
                continue;
            }
            writes.Add(new SeriesWrite(sample.Metric, cached.Labels, [new Point(timestamp, sample.Value)]));
        }
        if (state.MergedLabels.Count > 2 * state.Samples.Count + 256)
        {
            foreach (var (key, entry) in state.MergedLabels)
            {
                if (entry.Generation != generation) state.MergedLabels.Remove(key);
            }
        }
        return writes;
    }

    /// <summary>
    /// Prometheus' label merge with <c>honor_labels: false</c>: target labels win, and an exposed
    /// label they displace is kept as <c>exported_&lt;name&gt;</c> (prefixing again while that name is taken).
    /// </summary>
    internal static Labels MergeTargetLabels(Labels exposed, Labels target)
    {
        if (exposed.Count == 0) return target;
        var merged = new Dictionary<string, string>(exposed.Count + target.Count, StringComparer.Ordinal);
        foreach (var (name, value) in exposed) merged[name] = value;
        List<KeyValuePair<string, string>>? displaced = null;
        foreach (var (name, value) in target)
        {
            if (merged.TryGetValue(name, out var existing)) (displaced ??= []).Add(new(name, existing));
            merged[name] = value;
        }
        if (displaced is not null)
        {
            foreach (var (name, value) in displaced)
            {
                var exported = "exported_" + name;
                while (merged.ContainsKey(exported)) exported = "exported_" + exported;
                merged[exported] = value;
            }
        }
        return Labels.From(merged);
    }

    private static SeriesWrite Synthetic(string metric, ScrapeTarget target, long timestampMs, double value) =>
        new(metric, target.Labels, [new Point(timestampMs, value)]);

    /// <summary>
    /// Hands the scraped samples to the sink, which stores the ones it accepts and refuses the others (too
    /// old, out of order), as Prometheus drops a sample it cannot append and keeps the rest. Returns what was
    /// not stored, or null.
    /// </summary>
    private async ValueTask<string?> WriteAsync(ScrapeTarget target, List<SeriesWrite> samples, CancellationToken cancellationToken)
    {
        if (samples.Count == 0) return null;
        AppendResult result;
        try
        {
            result = await _sink(_config.Tenant, samples, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException && !(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            ScrapingLog.SinkFailed(_logger, e, target.Url);
            return $"storing failed: {e.Message}";
        }
        if (result.Accepted) return null;
        var first = result.Rejections[0];
        var message = $"{result.PointsRejected} of {samples.Sum(w => w.Points.Count)} samples were not stored: {first.Series}: {first.Reason}"
                      + (result.PointsRejected > 1 ? $" (and {result.PointsRejected - 1} more)" : "");
        ScrapingLog.AppendRejected(_logger, target.Url, message);
        return message;
    }

    /// <summary>Per-target scrape machinery; only touched by one scrape at a time (<see cref="Gate"/>).</summary>
    private sealed class TargetState(ScrapeTarget target)
    {
        private volatile TargetStatus _status = new(target, TargetHealth.Unknown, null, TimeSpan.Zero, 0, null, null);

        public ScrapeTarget Target { get; } = target;
        public SemaphoreSlim Gate { get; } = new(1, 1);
        public PrometheusTextParser Parser { get; } = new();
        public List<ScrapedSample> Samples { get; } = [];
        public Dictionary<Labels, MergedLabels> MergedLabels { get; } = new(ReferenceEqualityComparer.Instance);
        public HashSet<(string Metric, Labels Labels, long Timestamp)> Seen { get; } = [];   // series seen in the scrape, for duplicates
        public int Generation { get; set; }
        public byte[] Buffer = new byte[64 * 1024];

        public TargetStatus Status
        {
            get => _status;
            set => _status = value;
        }
    }

    private sealed class MergedLabels(Labels labels)
    {
        public Labels Labels { get; } = labels;
        public int Generation { get; set; }
    }
}
