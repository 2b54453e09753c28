using Foresight.Series;

namespace Foresight.Tests.Series;

/// <summary>
/// The contract of <see cref="IStateStore"/> that every store backend runs: round trips, prefixes,
/// replacing and deleting in one transaction, all or nothing, and surviving a reopen.
/// </summary>
public abstract class StateStoreContractTests
{
    /// <summary>Opens the backend on the same storage each time (so a second open sees what the first wrote).</summary>
    protected abstract Task<(IStateStore State, IAsyncDisposable Owner)> OpenAsync();

    /// <summary>Ends the backend the hard way, as a killed process would (no checkpoint, no orderly close).</summary>
    protected abstract ValueTask KillAsync(IAsyncDisposable owner);

    [Fact]
    public async Task A_value_round_trips_is_replaced_and_a_missing_key_reads_null()
    {
        var (state, owner) = await OpenAsync();
        await using var _ = owner;
        (await state.GetStateAsync("a/b")).Should().BeNull();
        await state.PutStateAsync([new StateEntry("a/b", [1, 2, 3]), new StateEntry("a/c", [])]);
        (await state.GetStateAsync("a/b")).Should().Equal(1, 2, 3);
        (await state.GetStateAsync("a/c")).Should().BeEmpty();
        await state.PutStateAsync([new StateEntry("a/b", [9])]);
        (await state.GetStateAsync("a/b")).Should().Equal(9);
    }

    [Fact]
    public async Task Keys_are_listed_by_literal_prefix_in_ordinal_order()
    {
        var (state, owner) = await OpenAsync();
        await using var _ = owner;
        await state.PutStateAsync([.. new[] { "d/s/2", "d/s/10", "d/s%/x", "d/t/1", "d/s", "e/s/1", "d/s/é" }.Select(k => new StateEntry(k, [0]))]);
        (await state.ListStateKeysAsync("d/s/")).Should().Equal("d/s/10", "d/s/2", "d/s/é");
        (await state.ListStateKeysAsync("d/s%")).Should().Equal("d/s%/x");
        (await state.ListStateKeysAsync("d/_/")).Should().BeEmpty("'_' is no wildcard");
        (await state.ListStateKeysAsync("")).Should().HaveCount(7);
    }

    [Fact]
    public async Task Puts_and_deletes_of_one_call_land_together_and_survive_a_reopen()
    {
        var (state, owner) = await OpenAsync();
        await using (owner)
        {
            await state.PutStateAsync([new StateEntry("k/old", [1]), new StateEntry("k/kept", [2])]);
            await state.PutStateAsync([new StateEntry("k/new", [3])], ["k/old", "k/absent"]);
        }
        var (reopened, again) = await OpenAsync();
        await using var _ = again;
        (await reopened.ListStateKeysAsync("k/")).Should().Equal("k/kept", "k/new");
        (await reopened.GetStateAsync("k/new")).Should().Equal(3);
    }

    [Fact]
    public async Task What_a_put_returned_from_survives_a_kill()
    {
        var (state, owner) = await OpenAsync();
        await state.PutStateAsync([new StateEntry("x/1", [7, 7])]);
        await KillAsync(owner);
        var (reopened, again) = await OpenAsync();
        await using var _ = again;
        (await reopened.GetStateAsync("x/1")).Should().Equal(7, 7);
    }

    [Fact]
    public async Task A_put_that_fails_part_way_stores_none_of_it()
    {
        var (state, owner) = await OpenAsync();
        await using var _ = owner;
        await state.PutStateAsync([new StateEntry("t/kept", [1])]);
        var failing = async () => await state.PutStateAsync([new StateEntry("t/first", [1]), new StateEntry("t/broken", null!)], ["t/kept"]);
        await failing.Should().ThrowAsync<Exception>();
        (await state.ListStateKeysAsync("t/")).Should().Equal("t/kept");
    }

    [Fact]
    public async Task Entries_are_read_once_as_they_are_written_and_a_failure_while_reading_them_stores_none()
    {
        var (state, owner) = await OpenAsync();
        await using var _ = owner;
        var reads = 0;
        IEnumerable<StateEntry> Produced(bool fail)
        {
            for (var i = 0; i < 3; i++)
            {
                reads++;
                yield return new StateEntry($"p/{i}", [(byte)i]);
            }
            if (fail) throw new InvalidOperationException("the producer failed");
        }

        await state.PutStateAsync(Produced(fail: false));
        reads.Should().Be(3);
        (await state.ListStateKeysAsync("p/")).Should().Equal("p/0", "p/1", "p/2");
        (await state.GetStateAsync("p/2")).Should().Equal(2);

        reads = 0;
        var failing = async () => await state.PutStateAsync(Produced(fail: true).Select(e => e with { Key = "q" + e.Key[1..] }), ["p/0"]);
        await failing.Should().ThrowAsync<InvalidOperationException>();
        reads.Should().Be(3);
        (await state.ListStateKeysAsync("q/")).Should().BeEmpty();
        (await state.ListStateKeysAsync("p/")).Should().Equal("p/0", "p/1", "p/2");
    }
}
