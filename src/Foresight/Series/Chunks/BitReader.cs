using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Foresight.Series.Chunks;

/// <summary>
/// Reads a most-significant-bit-first bit stream written by <see cref="BitWriter"/>. The next bits
/// sit left-aligned in a 64-bit accumulator that is refilled eight bytes at a time; reading past
/// the end throws <see cref="InvalidDataException"/>, never an index exception.
/// </summary>
/// <remarks>
/// A <c>ref struct</c> (implicitly sealed) so that it reads a <see cref="ReadOnlySpan{T}"/> without
/// copying. Invariant: bits of the accumulator below the <c>_count</c> valid ones are either zero
/// or the true stream bits at those positions, so a refill may OR the same bytes in again.
/// </remarks>
internal ref struct BitReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly string _section;
    private int _pos;      // next byte to load
    private ulong _acc;    // left-aligned: bit 63 is the next bit of the stream
    private int _count;    // valid bits in _acc, 0..64

    public BitReader(ReadOnlySpan<byte> data, string section)
    {
        _data = data;
        _section = section;
    }

    /// <summary>Reads <paramref name="n"/> bits, 1..56.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReadBits(int n)
    {
        if (_count < n)
        {
            Refill();
            if (_count < n) ThrowTruncated();
        }
        var result = _acc >> (64 - n);
        _acc <<= n;
        _count -= n;
        return result;
    }

    /// <summary>Reads <paramref name="n"/> bits, 1..64.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReadBitsWide(int n) =>
        n <= 56 ? ReadBits(n) : (ReadBits(n - 32) << 32) | ReadBits(32);

    /// <summary>Reads 64 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReadBits64() => (ReadBits(32) << 32) | ReadBits(32);

    /// <summary>
    /// Reads a unary prefix: counts leading one bits up to <paramref name="max"/> (at most 8) and
    /// consumes them plus the terminating zero, which is absent when the count reaches the maximum.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ReadPrefix(int max)
    {
        if (_count < max) Refill();
        var ones = BitOperations.LeadingZeroCount(~_acc);
        if (ones >= max) ones = max;
        var used = ones < max ? ones + 1 : max;
        if (used > _count) ThrowTruncated();
        _acc <<= used;
        _count -= used;
        return ones;
    }

    /// <summary>
    /// Checks that the stream has been read to its end: fewer than 8 bits remain and they are the
    /// zero padding of the last byte. Anything else means the chunk is corrupt.
    /// </summary>
    public void EnsureExhausted()
    {
        var remaining = _count + 8L * (_data.Length - _pos);
        if (remaining >= 8 || (_count > 0 && _acc >> (64 - _count) != 0))
        {
            throw new InvalidDataException(
                $"Corrupt chunk: the {_section} section has {remaining} bits left over after its last point.");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Refill()
    {
        if (_data.Length - _pos >= 8)
        {
            _acc |= BinaryPrimitives.ReadUInt64BigEndian(_data.Slice(_pos)) >> _count;
            var bytes = (64 - _count) >> 3;
            _pos += bytes;
            _count += bytes << 3;
        }
        else
        {
            RefillTail();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RefillTail()
    {
        while (_count <= 56 && _pos < _data.Length)
        {
            _acc |= (ulong)_data[_pos++] << (56 - _count);
            _count += 8;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly void ThrowTruncated() =>
        throw new InvalidDataException($"Corrupt chunk: the {_section} section ends before its last point (truncated or damaged data).");
}
