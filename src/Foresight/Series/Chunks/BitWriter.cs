using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Foresight.Series.Chunks;

/// <summary>
/// Writes a most-significant-bit-first bit stream into a caller-sized buffer. Bits gather in a
/// 64-bit accumulator and go out eight bytes at a time, so a write is a shift, an OR and, once
/// per 64 bits, one big-endian store.
/// </summary>
/// <remarks>
/// A <c>ref struct</c> (implicitly sealed) rather than a sealed class so that it can write into a
/// <see cref="Span{T}"/> and live in registers inside the encode loops. The buffer must hold the
/// worst-case output plus 8 bytes of slack: the writer does not grow it.
/// </remarks>
internal ref struct BitWriter
{
    private readonly Span<byte> _buffer;
    private int _pos;      // bytes already stored
    private ulong _acc;    // pending bits, right-aligned; bits above _count are zero
    private int _count;    // pending bits, 0..63

    public BitWriter(Span<byte> buffer) => _buffer = buffer;

    /// <summary>Appends the low <paramref name="n"/> bits (1..64) of <paramref name="value"/>,
    /// which must have no bits set above them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteBits(ulong value, int n)
    {
        var free = 64 - _count;
        if (n < free)
        {
            _acc = (_acc << n) | value;
            _count += n;
            return;
        }
        // Fill the accumulator with the top `free` bits and store it. When _count is 0, free is 64,
        // the shift count wraps to 0 and _acc is 0, so the expression still yields `value`.
        var rest = n - free;
        BinaryPrimitives.WriteUInt64BigEndian(_buffer.Slice(_pos), (_acc << free) | (value >> rest));
        _pos += 8;
        _acc = value & ((1UL << rest) - 1);
        _count = rest;
    }

    /// <summary>Flushes the pending bits, zero-padded to a whole byte; returns the bytes written.</summary>
    public int Finish()
    {
        if (_count > 0)
        {
            BinaryPrimitives.WriteUInt64BigEndian(_buffer.Slice(_pos), _acc << (64 - _count));
            _pos += (_count + 7) >> 3;
            _acc = 0;
            _count = 0;
        }
        return _pos;
    }

    /// <summary>Worst-case buffer size for <paramref name="bits"/> bits, including the flush slack.</summary>
    public static int BufferSize(long bits) => checked((int)((bits + 7) / 8) + 8);
}
