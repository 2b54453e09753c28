using System.Numerics;
using System.Text;
using System.Text.Unicode;

namespace Foresight.Ingestion;

/// <summary>
/// Turns short UTF-8 byte runs into strings, handing back the same string instance for bytes seen
/// recently. Label names and most label values repeat across series and across requests, so a
/// remote-write decode then allocates strings only for values it has not met before.
/// </summary>
/// <remarks>
/// A direct-mapped table of immutable entries: a lookup hashes the bytes, compares them with the
/// one entry in that slot, and on a miss replaces the slot. Reads and writes of the slot are single
/// reference assignments, so concurrent decoders share the table without locks; a race costs at
/// most a redundant string. Runs longer than <see cref="MaxCachedBytes"/> are never cached.
/// </remarks>
internal sealed class Utf8StringCache
{
    private const int MaxCachedBytes = 96;
    private readonly Entry?[] _slots;

    public Utf8StringCache(int slots)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1);
        _slots = new Entry?[(int)BitOperations.RoundUpToPowerOf2((uint)slots)];
    }

    /// <summary>The cache the decoders share.</summary>
    public static Utf8StringCache Shared { get; } = new(8192);

    /// <summary>The string for <paramref name="utf8"/>, or false when the bytes are not valid UTF-8.</summary>
    public bool TryGet(ReadOnlySpan<byte> utf8, out string value)
    {
        if (utf8.IsEmpty)
        {
            value = "";
            return true;
        }
        if (utf8.Length > MaxCachedBytes) return TryDecode(utf8, out value);

        var hash = new HashCode();
        hash.AddBytes(utf8);
        var slot = hash.ToHashCode() & (_slots.Length - 1);
        var entry = _slots[slot];
        if (entry is not null && utf8.SequenceEqual(entry.Utf8))
        {
            value = entry.Value;
            return true;
        }
        if (!TryDecode(utf8, out value)) return false;
        _slots[slot] = new Entry(utf8.ToArray(), value);
        return true;
    }

    private static bool TryDecode(ReadOnlySpan<byte> utf8, out string value)
    {
        if (!Utf8.IsValid(utf8))
        {
            value = "";
            return false;
        }
        value = Encoding.UTF8.GetString(utf8);
        return true;
    }

    private sealed record Entry(byte[] Utf8, string Value);
}
