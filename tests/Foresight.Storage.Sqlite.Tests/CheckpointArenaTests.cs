using Foresight.Storage.Sqlite;

namespace Foresight.Storage.Sqlite.Tests;

public sealed class CheckpointArenaTests
{
    [Fact]
    public void Entries_read_back_across_blocks_and_an_entry_larger_than_a_block_gets_its_own()
    {
        var arena = new CheckpointArena();
        var entries = Enumerable.Range(0, 3000).Select(i => Enumerable.Range(0, 300 + i % 700).Select(j => (byte)(i + j)).ToArray()).ToList();
        var big = Enumerable.Range(0, CheckpointArena.BlockSize + 10).Select(j => (byte)(j * 7)).ToArray();
        entries.Insert(1500, big);
        var places = entries.Select(e => arena.Add(e)).ToList();

        for (var i = 0; i < entries.Count; i++) arena[places[i]].ToArray().Should().Equal(entries[i], $"entry {i}");
        places.Select(p => p.Block).Distinct().Count().Should().BeGreaterThan(2, "some 2 MB of entries and one larger than a block");
    }

    [Fact]
    public void A_reset_keeps_the_blocks_in_use_for_the_next_checkpoint_and_gives_back_the_rest()
    {
        var arena = new CheckpointArena();
        var entry = new byte[100_000];
        for (var i = 0; i < 50; i++) arena.Add(entry);   // 5 MB: five or six blocks
        var grown = arena.CapacityBytes;
        grown.Should().BeGreaterThanOrEqualTo(5_000_000);

        arena.Reset();
        arena.CapacityBytes.Should().Be(grown, "the next checkpoint of the same fleet reuses them");
        for (var i = 0; i < 50; i++) arena.Add(entry);
        arena.CapacityBytes.Should().Be(grown, "the same entries fit in the same blocks");

        arena.Reset();
        arena.Add(entry);
        arena.Reset();
        arena.CapacityBytes.Should().Be(2L * CheckpointArena.BlockSize, "a checkpoint that used one block keeps it and one more");
    }
}
