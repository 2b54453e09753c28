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
/// <para>When the keys are the numbers of a known, dense key space and the table is allocated at its bound, a shared
/// <see cref="Layout"/> says for each key its set and its tag, the key's rank among the keys of that set (what a
/// minimal perfect hash of each set would give): entries are then tags of at most 16 bits instead of 32-bit keys, and since the
/// set comes from the same hash of the same key as above, a table that holds tags touches, keeps and drops exactly the
/// keys a table of 32-bit entries would (a table that grows holds, at its bound, what one allocated at its bound holds:
/// nothing is dropped before). A tag takes as many bits as the fullest set needs (<see cref="Layout.TagBits"/>), so a
/// set of 8 is that many bytes: 512 entries of the default context detector (13-bit tags) are 832 bytes instead of 2 KB.</para>
/// </summary>
internal sealed class RecencySet
{
    private const int Ways = 8;
    private const int InitialEntries = 64;
    private readonly int _maxEntries;
    private uint[] _entries; // 0 is an empty entry; empty when the table holds tags
    private readonly byte[]? _tags; // the entries when a layout gives each key its set and tag: a set is TagBits bytes, 8 tags of TagBits bits; 0 is an empty entry
    private readonly Layout? _layout;
    private int _bits; // log2 of the number of sets

    public RecencySet(int maxEntries)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxEntries, 1 << 28);
        _maxEntries = Math.Max(Ways, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)maxEntries));
        Allocate(Math.Min(InitialEntries, _maxEntries));
    }

    /// <summary>
    /// A table of <paramref name="layout"/>'s bound, allocated at once, whose keys are the numbers in [0, layout.Keys):
    /// <see cref="Layout.TagBits"/> bits an entry.
    /// </summary>
    public RecencySet(Layout layout)
    {
        _layout = layout ?? throw new ArgumentNullException(nameof(layout));
        _maxEntries = layout.Entries;
        _entries = [];
        _tags = new byte[layout.Entries / Ways * layout.TagBits + TagPadding];
        _bits = System.Numerics.BitOperations.Log2((uint)(layout.Entries / Ways));
    }

    /// <summary>Keys stored.</summary>
    public int Count { get; private set; }

    /// <summary>Entries allocated (a power of two, at most the bound).</summary>
    public int Allocated => _layout?.Entries ?? _entries.Length;

    /// <summary>True when <paramref name="key"/> was present; either way it is now the most recent key of its set.</summary>
    /// <remarks>With a <see cref="Layout"/>, the key is a number in [0, <see cref="Layout.Keys"/>).</remarks>
    public bool Touch(long key)
    {
        if (_layout is not null)
        {
            var slot = _layout.SlotOf(key);
            return TouchTag((int)(slot >> 16), (ushort)slot);
        }
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

    /// <summary>Bytes after the last set, so that reading or writing a tag always has the 3 bytes a tag of up to 16 bits can span.</summary>
    private const int TagPadding = 2;

    private bool TouchTag(int setIndex, ushort tag)
    {
        Span<ushort> set = stackalloc ushort[Ways];
        UnpackSet(setIndex, set);
        var found = false;
        for (var i = 0; i < Ways && set[i] != 0; i++)
        {
            if (set[i] != tag) continue;
            set[..i].CopyTo(set[1..]);
            found = true;
            break;
        }
        if (!found)
        {
            if (set[Ways - 1] == 0) Count++;
            set[..(Ways - 1)].CopyTo(set[1..]);
        }
        set[0] = tag;
        PackSet(setIndex, set);
        return found;
    }

    private void UnpackSet(int setIndex, Span<ushort> set)
    {
        var mask = (1 << _layout!.TagBits) - 1;
        for (var i = 0; i < Ways; i++) set[i] = (ushort)((TagWord(setIndex, i, out _, out var shift) >> shift) & mask);
    }

    private void PackSet(int setIndex, ReadOnlySpan<ushort> set)
    {
        var mask = (1 << _layout!.TagBits) - 1;
        for (var i = 0; i < Ways; i++)
        {
            var word = TagWord(setIndex, i, out var at, out var shift);
            word = (word & ~(mask << shift)) | (set[i] << shift);
            (_tags![at], _tags[at + 1], _tags[at + 2]) = ((byte)word, (byte)(word >> 8), (byte)(word >> 16));
        }
    }

    /// <summary>The 3 bytes that hold tag <paramref name="i"/> of a set, from byte <paramref name="at"/>, the tag <paramref name="shift"/> bits up.</summary>
    private int TagWord(int setIndex, int i, out int at, out int shift)
    {
        var bit = (setIndex * Ways + i) * _layout!.TagBits;
        (at, shift) = (bit >> 3, bit & 7);
        return _tags![at] | _tags[at + 1] << 8 | _tags[at + 2] << 16;
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
        writer.Write(Allocated);
        if (_tags is not null) writer.Write(_tags.AsSpan(0, _tags.Length - TagPadding));
        else foreach (var e in _entries) writer.Write(e);
    }

    /// <summary>Replaces the contents with what <see cref="WriteState"/> wrote for a set of the same bound.</summary>
    public void ReadState(BinaryReader reader, string what)
    {
        reader.ExpectSetting(_maxEntries, $"bound on the {what}");
        if (_layout is not null)
        {
            ReadTags(reader, what);
            return;
        }
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

    private void ReadTags(BinaryReader reader, string what)
    {
        reader.ExpectSetting(_layout!.Entries, $"entries allocated for the {what}");
        var length = _tags!.Length - TagPadding;
        if (reader.Read(_tags, 0, length) != length) throw new EndOfStreamException($"the state ends in the {what}.");
        Count = 0;
        Span<ushort> set = stackalloc ushort[Ways];
        for (var s = 0; s < _layout.Entries / Ways; s++)
        {
            UnpackSet(s, set);
            foreach (var tag in set)
            {
                if (tag > _layout.KeysInSet(s)) throw new InvalidDataException($"a tag of the {what} beyond the keys of its set.");
                if (tag != 0) Count++;
            }
        }
    }

    /// <summary>
    /// Where each key of a dense key space goes in a table of a given bound: its set (by the hash a table of 32-bit
    /// entries uses, applied to the key's <c>hashKey</c>) and its tag, one more than the number of keys before it in the
    /// same set. Built once per key space and bound and shared by every table of that shape (4 bytes a key: 1.2 MB for
    /// the 294,060 keys of the default context detector).
    /// </summary>
    internal sealed class Layout
    {
        private readonly uint[] _slots; // set << 16 | tag
        private readonly int[] _keysInSet;

        private Layout(int entries, uint[] slots, int[] keysInSet)
        {
            (Entries, _slots, _keysInSet) = (entries, slots, keysInSet);
            TagBits = Math.Max(1, 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)keysInSet.Max()));
        }

        /// <summary>Bits of a tag: enough for the most keys any set has (13 for the default context detector's 512 entries).</summary>
        public int TagBits { get; }

        /// <summary>Entries of a table of this layout (its bound, a power of two).</summary>
        public int Entries { get; }

        /// <summary>Keys numbered, 0 to Keys − 1.</summary>
        public int Keys => _slots.Length;

        /// <summary>
        /// The layout of <paramref name="keys"/> keys in a table of <paramref name="maxEntries"/> (rounded up to a power of two),
        /// key i placed as a table of 32-bit entries places <paramref name="hashKey"/>(i); null when a set would hold
        /// more keys than a 16-bit tag numbers.
        /// </summary>
        public static Layout? TryCreate(int keys, int maxEntries, Func<int, long> hashKey)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(keys, 1);
            var entries = Math.Max(Ways, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)maxEntries));
            var bits = System.Numerics.BitOperations.Log2((uint)(entries / Ways));
            var slots = new uint[keys];
            var keysInSet = new int[entries / Ways];
            for (var i = 0; i < keys; i++)
            {
                var set = SetIndex(Entry(hashKey(i)), bits);
                var tag = ++keysInSet[set];
                if (tag > ushort.MaxValue) return null;
                slots[i] = (uint)set << 16 | (uint)tag;
            }
            return new Layout(entries, slots, keysInSet);
        }

        /// <summary>The set (high 16 bits) and tag (low 16 bits) of key <paramref name="key"/>.</summary>
        public uint SlotOf(long key) => _slots[key];

        /// <summary>Keys that go to set <paramref name="set"/>.</summary>
        public int KeysInSet(int set) => _keysInSet[set];
    }
}
