using Foresight.Series;
using Foresight.Server.Concurrency;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Foresight.Server.Hosting;

/// <summary>
/// Background housekeeping of the store: a checkpoint every <see cref="ForesightServerOptions.CheckpointInterval"/>
/// (sooner when the write-ahead log grows past its threshold) and retention every
/// <see cref="ForesightServerOptions.RetentionInterval"/>, each on a thread of its own (<see cref="DedicatedThread"/>).
/// </summary>
internal sealed class StoreMaintenance(IStoreMaintenance store, ForesightServerOptions options, ILogger<StoreMaintenance> logger)
    : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        store.CheckpointRequested += OnCheckpointRequested;
        var time = options.Time;
        var nextRetention = time.GetUtcNow();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                if (time.GetUtcNow() >= nextRetention)
                {
                    nextRetention = time.GetUtcNow() + options.RetentionInterval;
                    try
                    {
                        var removed = await DedicatedThread.RunAsync(() => store.EnforceRetentionAsync(stoppingToken).AsTask());
                        if (removed > 0) Log.RetentionRemoved(logger, removed);
                    }
                    catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                    {
                        Log.RetentionFailed(logger, ex);
                    }
                }
                try
                {
                    await _wake.WaitAsync(options.CheckpointInterval, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                try
                {
                    await DedicatedThread.RunAsync(() => store.CheckpointAsync(CancellationToken.None).AsTask());
                }
                catch (Exception ex)
                {
                    Log.CheckpointFailed(logger, ex);
                }
                while (_wake.CurrentCount > 0) _wake.Wait(0);
            }
        }
        finally
        {
            store.CheckpointRequested -= OnCheckpointRequested;
        }
    }

    private void OnCheckpointRequested()
    {
        if (_wake.CurrentCount == 0) _wake.Release();
    }
}
