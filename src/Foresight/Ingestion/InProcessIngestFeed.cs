using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Foresight.Ingestion;

/// <summary>
/// The ingest feed within one process: one bounded queue per consumer (at most <see cref="IngestFeedOptions.Capacity"/>
/// batches and <see cref="IngestFeedOptions.CapacityPoints"/> points, so a slow consumer holds bounded memory).
/// Publishing never blocks the write path: when a consumer's queue is full the batch is shed
/// for that consumer alone, counted (batches and points) and logged at most once per
/// <see cref="IngestFeedOptions.ShedLogInterval"/> with what was shed since. <see cref="PublishPacedAsync"/> waits
/// for room instead (the demo's backfill), woken by the consumer's next read. Thread-safe.
/// </summary>
public sealed class InProcessIngestFeed(IngestFeedOptions options, TimeProvider time, ILogger logger) : IIngestFeed
{
    private readonly Lock _lock = new();
    private volatile Consumer[] _consumers = [];

    /// <inheritdoc />
    public ChannelReader<IngestBatch> Subscribe(string consumer)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumer);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.CapacityPoints, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.RecentShedWindow, TimeSpan.FromMinutes(1));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.RecentShedWindow, TimeSpan.FromMinutes(60));
        lock (_lock)
        {
            if (_consumers.Any(c => c.Name == consumer)) throw new ArgumentException($"the ingest feed already has a consumer '{consumer}'", nameof(consumer));
            var added = new Consumer(consumer, options.Capacity, options.CapacityPoints, options.RecentShedWindow);
            _consumers = [.. _consumers, added];
            return added.Reader;
        }
    }

    /// <inheritdoc />
    public ValueTask PublishAsync(IngestBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        foreach (var consumer in _consumers)
        {
            if (!consumer.TryQueue(batch)) Shed(consumer, batch);
        }
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public async ValueTask PublishPacedAsync(IngestBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var consumers = _consumers;
        for (var i = 0; i < consumers.Length; i++)
        {
            try
            {
                await consumers[i].QueueWhenRoomAsync(batch, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                foreach (var consumer in consumers.AsSpan(i)) Shed(consumer, batch);
                throw;
            }
        }
    }

    private void Shed(Consumer consumer, IngestBatch batch)
    {
        if (consumer.Shed(batch, time, options.ShedLogInterval, out var since) is { } report)
        {
            IngestionLog.Shed(logger, consumer.Name, report.Batches, report.Points, since.TotalSeconds, report.TotalPoints, options.Capacity, options.CapacityPoints);
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<IngestConsumerStats> Consumers()
    {
        var now = time.GetUtcNow();
        return [.. _consumers.Select(c => c.Stats(now))];
    }

    private sealed class Consumer
    {
        private readonly Channel<IngestBatch> _queue;
        private readonly long _capacityPoints;
        private readonly TimeSpan _recentWindow;
        private readonly Lock _shedLock = new();
        // Points shed per minute (by minute since the epoch), for the recent window; guarded by _shedLock.
        private readonly List<(long Minute, long Points)> _recent = [];
        private DateTimeOffset? _lastShed;
        private long _pendingPoints;
        private long _deliveredBatches;
        private long _deliveredPoints;
        private long _shedBatches;
        private long _shedPoints;
        private long _reportedBatches;
        private long _reportedPoints;
        private DateTimeOffset _lastReport = DateTimeOffset.MinValue;
        // Completed by the next read, for the paced publishers waiting for room; null while none waits.
        private TaskCompletionSource? _room;

        public Consumer(string name, int capacity, long capacityPoints, TimeSpan recentWindow)
        {
            Name = name;
            _capacityPoints = capacityPoints;
            _recentWindow = recentWindow;
            // Wait (not a Drop mode): TryWrite then says when the queue is full, so the feed can count what it sheds.
            _queue = Channel.CreateBounded<IngestBatch>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
            Reader = new CountingReader(this);
        }

        public string Name { get; }

        public ChannelReader<IngestBatch> Reader { get; }

        public bool TryQueue(IngestBatch batch)
        {
            // Counted before the write so a reader never sees pending go below zero.
            var pending = Interlocked.Add(ref _pendingPoints, batch.Points);
            if ((pending <= _capacityPoints || pending == batch.Points) && _queue.Writer.TryWrite(batch)) return true;
            Interlocked.Add(ref _pendingPoints, -batch.Points);
            return false;
        }

        /// <summary>Queues the batch once the consumer has read enough to make room for it.</summary>
        public async ValueTask QueueWhenRoomAsync(IngestBatch batch, CancellationToken cancellationToken)
        {
            while (!TryQueue(batch))
            {
                var room = Volatile.Read(ref _room);
                if (room is null)
                {
                    var fresh = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    room = Interlocked.CompareExchange(ref _room, fresh, null) ?? fresh;
                }
                // Again now that a read will signal: one that made room before the signal was set would otherwise be missed.
                if (TryQueue(batch)) return;
                await room.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>Counts a shed batch; returns what to log (shed since the last report) when a report is due.</summary>
        public (long Batches, long Points, long TotalPoints)? Shed(IngestBatch batch, TimeProvider time, TimeSpan interval, out TimeSpan since)
        {
            lock (_shedLock)
            {
                _shedBatches++;
                _shedPoints += batch.Points;
                var now = time.GetUtcNow();
                _lastShed = now;
                var minute = now.ToUnixTimeSeconds() / 60;
                if (_recent.Count > 0 && _recent[^1].Minute == minute) _recent[^1] = (minute, _recent[^1].Points + batch.Points);
                else _recent.Add((minute, batch.Points));
                // At most one entry per minute of the window (60).
                _recent.RemoveAll(m => m.Minute <= minute - (long)_recentWindow.TotalMinutes);
                since = _lastReport == DateTimeOffset.MinValue ? TimeSpan.Zero : now - _lastReport;
                if (_lastReport != DateTimeOffset.MinValue && since < interval) return null;
                var report = (_shedBatches - _reportedBatches, _shedPoints - _reportedPoints, _shedPoints);
                (_reportedBatches, _reportedPoints, _lastReport) = (_shedBatches, _shedPoints, now);
                return report;
            }
        }

        public IngestConsumerStats Stats(DateTimeOffset now)
        {
            long shedBatches, shedPoints, recent;
            DateTimeOffset? last;
            lock (_shedLock)
            {
                (shedBatches, shedPoints, last) = (_shedBatches, _shedPoints, _lastShed);
                // Whole minutes: the current one and the ones before it that the window covers.
                var since = now.ToUnixTimeSeconds() / 60 - (long)_recentWindow.TotalMinutes;
                recent = _recent.Where(m => m.Minute > since).Sum(m => m.Points);
            }
            return new IngestConsumerStats(Name, _queue.Reader.Count, Interlocked.Read(ref _pendingPoints), Interlocked.Read(ref _deliveredBatches),
                Interlocked.Read(ref _deliveredPoints), shedBatches, shedPoints, recent, last);
        }

        private void Delivered(IngestBatch batch)
        {
            Interlocked.Add(ref _pendingPoints, -batch.Points);
            Interlocked.Add(ref _deliveredPoints, batch.Points);
            Interlocked.Increment(ref _deliveredBatches);
            if (Volatile.Read(ref _room) is not null) Interlocked.Exchange(ref _room, null)?.TrySetResult();
        }

        /// <summary>The consumer's end of its queue, counting each batch it takes as delivered.</summary>
        private sealed class CountingReader(Consumer owner) : ChannelReader<IngestBatch>
        {
            private readonly ChannelReader<IngestBatch> _inner = owner._queue.Reader;

            public override bool CanCount => true;

            public override int Count => _inner.Count;

            public override Task Completion => _inner.Completion;

            public override bool TryRead([MaybeNullWhen(false)] out IngestBatch item)
            {
                if (!_inner.TryRead(out item)) return false;
                owner.Delivered(item);
                return true;
            }

            public override bool TryPeek([MaybeNullWhen(false)] out IngestBatch item) => _inner.TryPeek(out item);

            public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) => _inner.WaitToReadAsync(cancellationToken);
        }
    }
}
