using System.Net;
using Foresight.Series;
using Microsoft.Extensions.Logging;

namespace Foresight.Scraping;

/// <summary>
/// Scrapes Prometheus text-format targets and writes their samples to a store, so teams without
/// a Prometheus server can feed Foresight directly. It follows Prometheus' scrape loop:
/// </summary>
/// <remarks>
/// <para>Loop: after <see cref="Start"/>, each target is scraped at its interval on its own loop
/// (a <see cref="PeriodicTimer"/> on the injected <see cref="TimeProvider"/>; a scrape that overruns
/// its slot skips the missed ticks). A target's first scrape is delayed by a stable offset within
/// its interval, derived from its URL, so many targets do not all fire at once.</para>
/// <para>Each scrape: GET with an <c>Accept</c> header preferring text 0.0.4 and the
/// <c>X-Prometheus-Scrape-Timeout-Seconds</c> header, cancelled after the target's timeout; a
/// non-2xx status, a timeout, a body over 64 MiB or a malformed line fails the scrape.</para>
/// <para>Labels (<c>honor_labels: false</c>): every sample gets the target labels (<c>job</c>,
/// <c>instance</c>, static labels); an exposed label with the same name as a target label is kept
/// as <c>exported_&lt;name&gt;</c>. Timestamps: a sample's own timestamp, else the time the scrape
/// began. Synthetic series per scrape, with the target labels only: <c>up</c> (1 or 0),
/// <c>scrape_duration_seconds</c>, <c>scrape_samples_scraped</c>.</para>
/// <para>Writes: the samples go to the sink as one batch, the synthetic series as a second one, so
/// a store that refuses the samples (the store is all-or-nothing per batch) still records <c>up</c>.
/// As in Prometheus, a sample the store refuses (too old, out of order) is dropped and the others are
/// stored: the samples the store names are left out and the batch sent again.
/// A refused or failed write is logged and shown in <see cref="GetStatus"/>; it does not mark the
/// target down. Not done (yet): staleness markers, relabeling, service discovery, authentication.</para>
/// <para>Lifetime: <see cref="Start"/> begins the loops, <see cref="StopAsync"/> cancels them and
/// waits for in-flight scrapes (it may be followed by another <see cref="Start"/>);
/// <see cref="DisposeAsync"/> stops for good. The <see cref="HttpClient"/> is the caller's and is not
/// disposed; <see cref="CreateHttpClient"/> makes a suitable one.</para>
/// </remarks>
public sealed partial class Scraper : IAsyncDisposable
{
    private readonly ScrapeConfig _config;
    private readonly HttpClient _http;
    private readonly Func<string, IReadOnlyList<SeriesWrite>, CancellationToken, ValueTask<AppendResult>> _sink;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<ScrapeTarget, TargetState> _states = [];
    private readonly Lock _lifecycle = new();
    private CancellationTokenSource? _stop;
    private Task[]? _loops;
    private bool _disposed;

    /// <summary>Creates a scraper that hands each scrape's batches to <paramref name="sink"/> (called from the scrape loops, possibly concurrently for different targets).</summary>
    /// <param name="config">Targets, intervals, timeouts and the tenant.</param>
    /// <param name="http">The client used for every scrape; its own timeout should not be shorter than the scrape timeouts.</param>
    /// <param name="sink">Receives (tenant, batch, cancellation); usually the server's ingest writer or <see cref="ITimeSeriesStore.AppendAsync"/>.</param>
    /// <param name="time">The clock for timestamps, intervals and timeouts.</param>
    /// <param name="logger">Receives scrape health changes and write failures.</param>
    public Scraper(ScrapeConfig config, HttpClient http, Func<string, IReadOnlyList<SeriesWrite>, CancellationToken, ValueTask<AppendResult>> sink,
        TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _config = config;
        _http = http;
        _sink = sink;
        _time = time;
        _logger = logger;
        foreach (var target in config.Targets)
        {
            if (!_states.TryAdd(target, new TargetState(target))) throw new ArgumentException($"target {target.Url} of job '{target.Job}' appears twice", nameof(config));
        }
        Targets = [.. _states.Keys];
    }

    /// <summary>Creates a scraper that writes into a store.</summary>
    public Scraper(ScrapeConfig config, HttpClient http, ITimeSeriesStore store, TimeProvider time, ILogger logger)
        : this(config, http, (store ?? throw new ArgumentNullException(nameof(store))).AppendAsync, time, logger)
    {
    }

    /// <summary>All targets, in configuration order.</summary>
    public IReadOnlyList<ScrapeTarget> Targets { get; }

    /// <summary>Whether the loops are running.</summary>
    public bool IsRunning
    {
        get
        {
            lock (_lifecycle) return _loops is not null;
        }
    }

    /// <summary>
    /// An <see cref="HttpClient"/> suited to scraping: gzip/deflate/brotli decompression, no cookies,
    /// connections recycled every 5 minutes (DNS changes), no client-wide timeout (each scrape has its own).
    /// </summary>
    public static HttpClient CreateHttpClient() => new(new SocketsHttpHandler
    {
        AutomaticDecompression = DecompressionMethods.All,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(30),
    })
    {
        Timeout = System.Threading.Timeout.InfiniteTimeSpan,
    };

    /// <summary>Starts one scrape loop per target.</summary>
    /// <exception cref="InvalidOperationException">The loops are already running.</exception>
    /// <exception cref="ObjectDisposedException">The scraper was disposed.</exception>
    public void Start()
    {
        lock (_lifecycle)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_loops is not null) throw new InvalidOperationException("The scraper is already running.");
            var stop = new CancellationTokenSource();
            _stop = stop;
            _loops = [.. _states.Values.Select(state => Task.Run(() => RunLoopAsync(state, stop.Token)))];
        }
        ScrapingLog.Started(_logger, _states.Count, _config.Jobs.Count, _config.Tenant);
    }

    /// <summary>Stops the loops and waits until in-flight scrapes have ended. Does nothing when not running.</summary>
    public async Task StopAsync()
    {
        Task[]? loops;
        CancellationTokenSource? stop;
        lock (_lifecycle)
        {
            loops = _loops;
            stop = _stop;
            _loops = null;
            _stop = null;
        }
        if (loops is null || stop is null) return;
        await stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(loops).ConfigureAwait(false);
        stop.Dispose();
        ScrapingLog.Stopped(_logger);
    }

    /// <summary>Stops the loops; the scraper cannot be started again.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_lifecycle)
        {
            if (_disposed) return;
            _disposed = true;
        }
        await StopAsync().ConfigureAwait(false);
    }

    /// <summary>The status of every target, in configuration order (a snapshot).</summary>
    public IReadOnlyList<TargetStatus> GetStatus() => [.. Targets.Select(t => _states[t].Status)];

    /// <summary>
    /// Scrapes one target now, writes the samples and synthetic series to the sink and updates the
    /// target's status, exactly as one iteration of its loop does (scrapes of the same target never
    /// overlap). A failed scrape is a result with <see cref="ScrapeResult.Up"/> false, not an exception.
    /// </summary>
    /// <exception cref="ArgumentException">The target is not one of <see cref="Targets"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<ScrapeResult> ScrapeOnceAsync(ScrapeTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_states.TryGetValue(target, out var state)) throw new ArgumentException($"{target.Url} is not a target of this scraper", nameof(target));
        return await ScrapeGatedAsync(state, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ScrapeResult> ScrapeGatedAsync(TargetState state, CancellationToken cancellationToken)
    {
        await state.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await ScrapeAndWriteAsync(state, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            state.Gate.Release();
        }
    }

    private async Task RunLoopAsync(TargetState state, CancellationToken stop)
    {
        var target = state.Target;
        try
        {
            await Task.Delay(StartOffset(target), _time, stop).ConfigureAwait(false);
            using var timer = new PeriodicTimer(target.Interval, _time);
            do
            {
                try
                {
                    await ScrapeGatedAsync(state, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    ScrapingLog.LoopFailed(_logger, e, target.Url);
                }
            }
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>A stable phase in [0, interval) from the target's URL and job (64-bit FNV-1a), like Prometheus' per-target offset.</summary>
    private static TimeSpan StartOffset(ScrapeTarget target)
    {
        var hash = 14695981039346656037ul;
        foreach (var c in target.Job + "\n" + target.Url.OriginalString)
        {
            hash = (hash ^ c) * 1099511628211ul;
        }
        return TimeSpan.FromTicks((long)(hash % (ulong)Math.Max(1, target.Interval.Ticks)));
    }
}
