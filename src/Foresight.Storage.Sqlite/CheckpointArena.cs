namespace Foresight.Storage.Sqlite;

/// <summary>
/// The encoded heads of one checkpoint, kept in blocks the store reuses checkpoint after checkpoint. A checkpoint
/// encodes every changed head and can write them only in its final transaction, seconds later; held as one array per
/// head, they lived through several collections and were promoted, and each checkpoint (every minute) left its
/// copies behind as garbage in the oldest generation: at 100,000 series the 7-minute soak's heap grew by 25 to 35 MB a
/// minute until a full collection. Here a head is copied into a block and its array dies young; the blocks stay.
/// </summary>
internal sealed class CheckpointArena
{
    /// <summary>Size of a block; a larger entry gets a block of its own size.</summary>
    internal const int BlockSize = 1 << 20;

    private readonly List<byte[]> _blocks = [];
    private int _block;
    private int _used;

    /// <summary>Bytes held by the blocks (kept between checkpoints).</summary>
    public long CapacityBytes => _blocks.Sum(b => (long)b.Length);

    /// <summary>Copies <paramref name="bytes"/> into the arena; the returned place reads them back until <see cref="Reset"/>.</summary>
    public Place Add(ReadOnlySpan<byte> bytes)
    {
        if (_block < _blocks.Count && _used + bytes.Length > _blocks[_block].Length)
        {
            _block++;
            _used = 0;
        }
        if (_block == _blocks.Count) _blocks.Add(new byte[Math.Max(BlockSize, bytes.Length)]);
        else if (bytes.Length > _blocks[_block].Length) _blocks.Insert(_block, new byte[bytes.Length]);
        bytes.CopyTo(_blocks[_block].AsSpan(_used));
        var place = new Place(_block, _used, bytes.Length);
        _used += bytes.Length;
        return place;
    }

    /// <summary>The bytes at a place.</summary>
    public ReadOnlySpan<byte> this[Place place] => _blocks[place.Block].AsSpan(place.Offset, place.Length);

    /// <summary>
    /// Forgets every entry, keeping the blocks this checkpoint used (and one more) for the next: a fleet that shrank
    /// gives the rest back.
    /// </summary>
    public void Reset()
    {
        var keep = Math.Min(_blocks.Count, _block + 2);
        _blocks.RemoveRange(keep, _blocks.Count - keep);
        (_block, _used) = (0, 0);
    }

    /// <summary>Where an entry is.</summary>
    public readonly record struct Place(int Block, int Offset, int Length);
}
