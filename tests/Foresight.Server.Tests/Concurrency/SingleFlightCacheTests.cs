using Foresight.Server.Concurrency;

namespace Foresight.Server.Tests.Concurrency;

public sealed class SingleFlightCacheTests
{
    [Fact]
    public async Task Callers_asking_while_a_value_is_computed_share_the_computation_and_then_the_kept_value()
    {
        var cache = new SingleFlightCache<string, int, int>();
        var gate = new TaskCompletionSource<int>();
        var computed = 0;
        Task<int> Compute() { computed++; return gate.Task; }

        var a = cache.GetAsync("k", s => s >= 1, 1, Compute);
        var b = cache.GetAsync("k", s => s >= 1, 1, Compute);
        cache.Shared.Should().Be(1);
        gate.SetResult(42);
        (await a).Should().Be(42);
        (await b).Should().Be(42);
        (await cache.GetAsync("k", s => s >= 1, 1, Compute)).Should().Be(42);
        computed.Should().Be(1);
        cache.TryGetCompleted("k", out var stamp, out var value).Should().BeTrue();
        (stamp, value).Should().Be((1, 42));
    }

    [Fact]
    public async Task A_stamp_the_caller_cannot_use_is_recomputed_and_replaces_the_entry()
    {
        var cache = new SingleFlightCache<string, int, int>();
        (await cache.GetAsync("k", s => s >= 1, 1, () => Task.FromResult(1))).Should().Be(1);
        (await cache.GetAsync("k", s => s >= 2, 2, () => Task.FromResult(2))).Should().Be(2);
        (await cache.GetAsync("k", s => s >= 1, 1, () => Task.FromResult(3))).Should().Be(2, "the entry computed for 2 serves 1 too");
    }

    [Fact]
    public async Task A_failed_or_refused_value_is_not_kept()
    {
        var cache = new SingleFlightCache<string, int, int?>();
        var failing = () => cache.GetAsync("k", _ => true, 0, () => Task.FromException<int?>(new InvalidOperationException("boom")));
        await failing.Should().ThrowAsync<InvalidOperationException>();
        (await cache.GetAsync("k", _ => true, 0, () => Task.FromResult<int?>(null), keep: v => v is not null)).Should().BeNull();
        cache.TryGetCompleted("k", out _, out _).Should().BeFalse();
        (await cache.GetAsync("k", _ => true, 0, () => Task.FromResult<int?>(7))).Should().Be(7);
    }

    [Fact]
    public async Task A_refresh_shares_a_running_computation_and_otherwise_recomputes()
    {
        var cache = new SingleFlightCache<string, int, int>();
        (await cache.GetAsync("k", _ => true, 0, () => Task.FromResult(1))).Should().Be(1);
        (await cache.RefreshAsync("k", 0, () => Task.FromResult(2))).Should().Be(2);
        var gate = new TaskCompletionSource<int>();
        var running = cache.RefreshAsync("k", 0, () => gate.Task);
        var joined = cache.RefreshAsync("k", 0, () => Task.FromResult(4));
        gate.SetResult(3);
        (await running, await joined).Should().Be((3, 3));
    }
}
