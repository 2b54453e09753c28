using Foresight.Detection.State;

namespace Foresight.Detection;

/// <summary>
/// A bounded set of keys that forgets the least recently used: an 8-way set-associative table of 32-bit entries
/// (the layout of a CPU cache), each set ordered most recently touched first. <see cref="Touch"/> reports whether a
/// key is present and makes it the most recent of its set, inserting it when absent; an insert into a full set drops
/// that set's least recent key. The table starts at 64 entries and doubles while a full set would otherwise drop a key,
/// up to <c>maxEntries</c> rounded up to a power of two, so a series with few distinct keys costs a few hundred bytes.
/// Keys below 2³² − 1 are stored exactly; larger ones as a 32-bit hash (two such keys then share an entry with
/// probability about entries / 2³²). Cost per call: one multiply and a scan of 8 entries, O(1).
/// </summary>
internal sealed class RecencySet
{
    private const int Ways = 8;
    private const int InitialEntries = 64;
    private readonly int _maxEntries;
    private uint[] _entries; // 0 is an empty entry
    private int _bits; // log2 of the number of sets

    public RecencySet(int maxEntries)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxEntries, 1 << 28);
        _maxEntries = Math.Max(Ways, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)maxEntries));
        Allocate(Math.Min(InitialEntries, _maxEntries));
    }

    /// <summary>Keys stored.</summary>
    public int Count { get; private set; }

    /// <summary>Entries allocated (a power of two, at most the bound).</summary>
    public int Allocated => _entries.Length;

    /// <summary>True when <paramref name="key"/> was present; either way it is now the most recent key of its set.</summary>
    public bool Touch(long key)
    {
        var entry = Entry(key);
        var set = Set(entry);
        for (var i = 0; i < Ways && set[i] != 0; i++)
        {
            if (set[i] != entry) continue;
            set[..i].CopyTo(set[1..]);
            set[0] = entry;
            return true;
        }
        while (set[Ways - 1] != 0 && _entries.Length < _maxEntries)
        {
            Grow();
            set = Set(entry);
        }
        if (set[Ways - 1] == 0) Count++;
        set[..(Ways - 1)].CopyTo(set[1..]);
        set[0] = entry;
        return false;
    }

    private static uint Entry(long key)
    {
        if ((ulong)key < uint.MaxValue) return (uint)key + 1;
        var mixed = (ulong)key * 0x9E3779B97F4A7C15UL;
        var folded = (uint)(mixed ^ (mixed >> 32));
        return folded == 0 ? 1 : folded;
    }

    private Span<uint> Set(uint entry) => _entries.AsSpan(SetIndex(entry, _bits) * Ways, Ways);

    /// <summary>The top bits of a multiplicative hash: doubling the table splits each set into two.</summary>
    private static int SetIndex(uint entry, int bits) => bits == 0 ? 0 : (int)((entry * 0x9E3779B1u) >> (32 - bits));

    [System.Diagnostics.CodeAnalysis.MemberNotNull(nameof(_entries))]
    private void Allocate(int entries)
    {
        _entries = new uint[entries];
        _bits = System.Numerics.BitOperations.Log2((uint)(entries / Ways));
    }

    private void Grow()
    {
        var old = _entries;
        Allocate(old.Length * 2);
        // Each new set takes its keys from one old set, so re-adding an old set oldest first keeps its order.
        for (var start = 0; start < old.Length; start += Ways)
        {
            for (var i = Ways - 1; i >= 0; i--)
            {
                if (old[start + i] == 0) continue;
                var set = Set(old[start + i]);
                set[..(Ways - 1)].CopyTo(set[1..]);
                set[0] = old[start + i];
            }
        }
    }

    /// <summary>Writes the bound (checked on reading) and the table as it is, recency order included.</summary>
    public void WriteState(BinaryWriter writer)
    {
        writer.Write(_maxEntries);
        writer.Write(_entries.Length);
        foreach (var e in _entries) writer.Write(e);
    }

    /// <summary>Replaces the contents with what <see cref="WriteState"/> wrote for a set of the same bound.</summary>
    public void ReadState(BinaryReader reader, string what)
    {
        reader.ExpectSetting(_maxEntries, $"bound on the {what}");
        var length = reader.ReadCount(_maxEntries, $"entries allocated for the {what}");
        if (length < Math.Min(InitialEntries, _maxEntries) || (length & (length - 1)) != 0)
            throw new InvalidDataException($"{length} entries allocated for the {what}, which is not a power of two from {Math.Min(InitialEntries, _maxEntries)}.");
        Allocate(length);
        Count = 0;
        for (var i = 0; i < length; i++)
        {
            var e = reader.ReadUInt32();
            if (e != 0 && SetIndex(e, _bits) != i / Ways) throw new InvalidDataException($"an entry of the {what} in the wrong set.");
            _entries[i] = e;
            if (e != 0) Count++;
        }
    }
}
