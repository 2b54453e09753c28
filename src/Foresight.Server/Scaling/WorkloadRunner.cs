using System.Diagnostics;
using Foresight.Detection.Incidents;
using Foresight.Forecasting;
using Foresight.Scaling;
using Foresight.Series;
using Foresight.Server.Concurrency;
using Foresight.Server.Forecasting;
using Microsoft.Extensions.Logging;

namespace Foresight.Server.Scaling;

/// <summary>What a workload's runner needs from the server.</summary>
internal sealed record ScalingContext(ITimeSeriesStore Store, IncidentTracker Incidents, ForecasterService Forecaster, TimeProvider Time,
    ScalingOptions Options, ILogger Logger, Action<WorkloadDecision> OnDecided);

/// <summary>
/// One workload's forecaster and policy, driven by its own loop. Once the demand series has a
/// current value, the forecaster is built in the background from the stored history (up to
/// <see cref="DemandForecasterOptions.MaxHistory"/> grid steps); until it is ready, decisions are
/// reactive. Each pass feeds the newly completed grid steps and, when a decision is due (every
/// decision interval, at once when there is none yet or a forecast has just arrived), decides.
/// Woken early by new data for the demand series.
/// </summary>
internal sealed class WorkloadRunner : IAsyncDisposable
{
    private static readonly TimeSpan HistoryWindow = TimeSpan.FromDays(14);

    private readonly ScalingContext _ctx;
    private readonly SeriesSelector _demand;
    private readonly SeriesSelector? _request;
    private readonly SeriesSelector? _usage;
    private readonly SeriesSelector? _replicas;
    private readonly PredictiveScaler _scaler;
    private readonly TimeSpan _interval;
    private readonly int _initialReplicas;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Lock _historyLock = new();
    private readonly Queue<WorkloadDecision> _history = new();
    private CancellationTokenSource? _cts;
    private Task? _loop;

    // Owned by the loop.
    private DemandForecaster? _forecaster;
    private long _nextStep;
    private long _settle;
    private Task<Built?>? _backfill;
    private long _nextDue = long.MinValue;
    private bool _forecastArrived;
    private long _buildRetryAt = long.MinValue;

    // Published for readers.
    private volatile WorkloadDecision? _latest;
    private volatile State _state = new(0, null, null, null, false, "starting");

    private sealed record Built(DemandForecaster Forecaster, long NextStep, long Settle, int Steps, TimeSpan Elapsed);

    private sealed record State(int Matched, long? Step, int? Leads, string? Model, bool ForecastReady, string? Waiting);

    public WorkloadRunner(string tenant, WorkloadSource source, WorkloadSpec spec, ScalingContext context, int? currentReplicas = null)
    {
        if (!SeriesSelector.TryParse(spec.Series, out var demand, out var error)) throw new ArgumentException(error, nameof(spec));
        Tenant = tenant;
        Source = source;
        Spec = spec;
        _ctx = context;
        _demand = demand;
        if (spec.Request is not null && SeriesSelector.TryParse(spec.Request, out var request, out _)) _request = request;
        if (spec.Usage is not null && SeriesSelector.TryParse(spec.Usage, out var usage, out _)) _usage = usage;
        if (spec.Replicas is not null && SeriesSelector.TryParse(spec.Replicas, out var replicas, out _)) _replicas = replicas;
        _interval = spec.DecisionInterval ?? context.Options.DecisionInterval;
        _scaler = new PredictiveScaler(spec.Capacity, spec.ScalerOptions(_interval));
        _initialReplicas = Math.Clamp(currentReplicas ?? spec.Capacity.MinReplicas, spec.Capacity.MinReplicas, spec.Capacity.MaxReplicas);
    }

    public string Tenant { get; }

    public WorkloadSource Source { get; }

    public WorkloadSpec Spec { get; }

    public WorkloadDecision? Latest => _latest;

    public WorkloadStatus Status
    {
        get
        {
            var s = _state;
            return new WorkloadStatus(Tenant, Source, Spec, s.Matched, s.Step, s.Leads, s.Model, s.ForecastReady, s.Waiting, _latest);
        }
    }

    /// <summary>The kept decisions, oldest first.</summary>
    public IReadOnlyList<WorkloadDecision> History()
    {
        lock (_historyLock) return [.. _history];
    }

    /// <summary>Whether new points of <paramref name="series"/> concern this workload's demand.</summary>
    public bool Follows(SeriesInfo series) => _demand.Matches(series.Metric, series.Labels);

    /// <summary>Asks the loop for a pass now (new data, a finished backfill).</summary>
    public void Wake()
    {
        try
        {
            if (_wake.CurrentCount == 0) _wake.Release();
        }
        catch (ObjectDisposedException)
        {
            // Removed or replaced meanwhile: nothing to wake.
        }
    }

    public void Start(CancellationToken stopping)
    {
        _cts = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        _loop = RunAsync(_cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (_cts is not null) await _cts.CancelAsync();
        foreach (var task in new Task?[] { _loop, _backfill })
        {
            if (task is null) continue;
            try
            {
                await task;
            }
            catch (Exception)
            {
                // Stopping: cancellation or a failure already logged.
            }
        }
        _cts?.Dispose();
        _wake.Dispose();
    }

    private async Task RunAsync(CancellationToken ct)
    {
        await Task.Yield();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await PassAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                Log.ScalingFailed(_ctx.Logger, Tenant, Spec.Name, ex);
            }
            var now = _ctx.Time.GetUtcNow().ToUnixTimeMilliseconds();
            // Until the next decision is due; a full interval when none is due (no data yet) or it could not be made.
            var remaining = _nextDue - now;
            var wait = _latest is not null && remaining > 0 ? TimeSpan.FromMilliseconds(Math.Min(remaining, (long)_interval.TotalMilliseconds)) : _interval;
            try
            {
                await _wake.WaitAsync(wait, _ctx.Time, ct);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            while (_wake.CurrentCount > 0) _wake.Wait(0, CancellationToken.None);
        }
    }

    /// <summary>One pass: take a finished backfill, feed new steps, decide when due.</summary>
    private async Task PassAsync(CancellationToken ct)
    {
        var store = _ctx.Store;
        var now = _ctx.Time.GetUtcNow().ToUnixTimeMilliseconds();
        if (_backfill is { IsCompleted: true } done)
        {
            _backfill = null;
            if (done.IsCompletedSuccessfully && done.Result is { } built)
            {
                _forecaster = built.Forecaster;
                _nextStep = built.NextStep;
                _settle = built.Settle;
                _forecastArrived = built.Forecaster.Outlook is not null;
                Log.ForecasterBuilt(_ctx.Logger, Tenant, Spec.Name, built.Steps, TimeSpan.FromMilliseconds(built.Forecaster.Step),
                    built.Elapsed.TotalSeconds, built.Forecaster.ModelDescription ?? "none yet (history too short)");
            }
            else
            {
                if (done.Exception is { } failure) Log.ScalingFailed(_ctx.Logger, Tenant, Spec.Name, failure.GetBaseException());
                _buildRetryAt = now + (long)_interval.TotalMilliseconds;
            }
        }

        var series = await store.FindAsync(Tenant, _demand, ct);
        var demand = series.Count == 0 ? double.NaN : await DemandReader.InstantAsync(store, Tenant, series, now, ct);
        if (_forecaster is not null) await FeedAsync(now, series, ct);
        if (double.IsFinite(demand) && _forecaster is null && _backfill is null && now >= _buildRetryAt)
        {
            _backfill = BuildAsync(ct);
            _ = _backfill.ContinueWith(_ => Wake(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        string? waiting = null;
        if (series.Count == 0) waiting = $"no series matches {Spec.Series} yet";
        else if (!double.IsFinite(demand)) waiting = $"no point of {Spec.Series} in the last {DemandReader.Lookback.TotalMinutes:0} minutes";

        // The status is published before deciding: a decision is announced (Decided) as soon as it is made, and whoever
        // reads the status then must find it current, not the "starting" of the round before.
        var f = _forecaster;
        _state = new State(series.Count, f?.Step, f?.Leads, f?.ModelDescription, f?.Outlook is not null, waiting);
        if (waiting is null && (_latest is null || now >= _nextDue || _forecastArrived)) await DecideAsync(now, series, demand, ct);
    }

    private async Task DecideAsync(long now, IReadOnlyList<SeriesInfo> series, double demand, CancellationToken ct)
    {
        var current = await RunningAsync(now, ct) ?? _latest?.Decision.Desired ?? _initialReplicas;
        var ids = series.Select(s => s.Id).ToHashSet();
        var anomalous = _ctx.Incidents.List(Tenant).Any(i => !i.Resolved && i.Series.Any(s => ids.Contains(s.SeriesId)));
        ReplicaUsage? usage = null;
        if (_request is not null && _usage is not null)
        {
            var store = _ctx.Store;
            usage = await DemandReader.UsageAsync(store, Tenant, await store.FindAsync(Tenant, _request, ct), await store.FindAsync(Tenant, _usage, ct), now, ct);
        }
        var decision = _scaler.Decide(new ScalingInput(now, current, demand, _forecaster?.Outlook, anomalous, usage));
        var record = new WorkloadDecision(Tenant, Spec.Name, DateTimeOffset.FromUnixTimeMilliseconds(now), decision, anomalous);
        _latest = record;
        lock (_historyLock)
        {
            _history.Enqueue(record);
            while (_history.Count > Math.Max(1, _ctx.Options.KeepDecisions)) _history.Dequeue();
        }
        _nextDue = now + (long)_interval.TotalMilliseconds;
        _forecastArrived = false;
        if (decision.Desired != decision.Current)
        {
            Log.ReplicasChanged(_ctx.Logger, Tenant, Spec.Name, decision.Current, decision.Desired, decision.Action, decision.Reason);
        }
        _ctx.OnDecided(record);
    }

    /// <summary>
    /// The replicas running now by the workload's <c>replicas</c> series (the sum of its matched series' latest points
    /// within <see cref="DemandReader.Lookback"/>, rounded), or null without the setting or a recent point.
    /// </summary>
    private async ValueTask<int?> RunningAsync(long now, CancellationToken ct)
    {
        if (_replicas is null) return null;
        var running = await DemandReader.InstantAsync(_ctx.Store, Tenant, await _ctx.Store.FindAsync(Tenant, _replicas, ct), now, ct);
        return double.IsFinite(running) ? (int)Math.Clamp(Math.Round(running), 0, 1_000_000) : null;
    }

    /// <summary>Feeds the grid steps completed since the last pass; after a gap of more than a day, starts over from the store.</summary>
    private async ValueTask FeedAsync(long now, IReadOnlyList<SeriesInfo> series, CancellationToken ct)
    {
        var forecaster = _forecaster!;
        var step = forecaster.Step;
        var end = Floor(now - _settle, step);
        if (end <= _nextStep) return;
        if (end - _nextStep > Math.Max(86_400_000, 24 * step))
        {
            _forecaster = null;
            return;
        }
        var lists = await DemandReader.ReadAllAsync(_ctx.Store, Tenant, series, _nextStep, end, ct);
        foreach (var (start, value) in DemandReader.Grid(lists, _nextStep, end, step)) forecaster.Observe(start, value);
        _nextStep = end;
    }

    /// <summary>
    /// Builds the forecaster from the stored history through the <see cref="ForecasterService"/> (a bounded number at a
    /// time, off the loop: refits take seconds; decisions go on without a forecast meanwhile). The
    /// first fit uses all but the last day of the history, whose steps then calibrate the error band;
    /// a step counts as complete once a sample after its end could have arrived (one sampling interval).
    /// </summary>
    private Task<Built?> BuildAsync(CancellationToken ct) => _ctx.Forecaster.BuildDemandAsync(BuildForecasterAsync, ct);

    private async Task<Built?> BuildForecasterAsync(CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        var now = _ctx.Time.GetUtcNow().ToUnixTimeMilliseconds();
        var store = _ctx.Store;
        var series = await store.FindAsync(Tenant, _demand, ct);
        var lists = await DemandReader.ReadAllAsync(store, Tenant, series, now - (long)HistoryWindow.TotalMilliseconds, now + 1, ct);
        if (lists.Count == 0) return null;
        var options = new DemandForecasterOptions();
        if (Spec.ScalingLevel is { } level) options.Level = level;
        var step = DemandReader.ChooseStep(lists, options.MaxHistory);
        var settle = Math.Clamp(RegularSeries.MedianSpacing(lists.MaxBy(l => l.Count)!), 1000, step);
        var end = Floor(now - settle, step);
        var earliest = lists.Min(l => l[0].Timestamp);
        var start = Math.Max(Floor(earliest, step), end - options.MaxHistory * step);
        var grid = DemandReader.Grid(lists, start, end, step);
        var span = grid.Count == 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(grid[^1].Start - grid[0].Start + step);
        if (span - TimeSpan.FromDays(1) > options.MinHistory) options.MinHistory = span - TimeSpan.FromDays(1);
        var forecaster = new DemandForecaster(step, LeadsFor(_scaler.LookAhead, step), options);
        for (var i = 0; i < grid.Count; i++)
        {
            if ((i & 255) == 0) ct.ThrowIfCancellationRequested();
            forecaster.Observe(grid[i].Start, grid[i].Value);
        }
        return new Built(forecaster, end, settle, grid.Count, sw.Elapsed);
    }

    /// <summary>
    /// Steps to forecast so the look-ahead is covered from any decision time: the forecast starts
    /// after the last complete step, which ends at most one step plus the settle time (≤ a step) before now.
    /// </summary>
    internal static int LeadsFor(TimeSpan lookAhead, long step) => (int)(((long)lookAhead.TotalMilliseconds + 2 * step) / step) + 1;

    private static long Floor(long t, long step) => t - ((t % step) + step) % step;
}
