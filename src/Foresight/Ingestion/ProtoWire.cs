using System.Buffers.Binary;

namespace Foresight.Ingestion;

/// <summary>Protobuf wire types (https://protobuf.dev/programming-guides/encoding/).</summary>
internal enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    StartGroup = 3,
    EndGroup = 4,
    Fixed32 = 5,
}

/// <summary>
/// A forward-only protobuf reader over a span, for hot decoders that must not allocate a message
/// object per field (the generated types allocate one per sample). Every method returns false on
/// truncated or malformed input instead of throwing; groups (deprecated) count as malformed.
/// </summary>
internal ref struct ProtoReader
{
    private readonly ReadOnlySpan<byte> _buffer;
    private int _position;

    public ProtoReader(ReadOnlySpan<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
    }

    /// <summary>True when every byte has been consumed.</summary>
    public readonly bool End => _position >= _buffer.Length;

    /// <summary>Offset of the next byte, for error messages.</summary>
    public readonly int Position => _position;

    public bool TryReadTag(out int field, out WireType wireType)
    {
        if (!TryReadVarint(out var tag) || tag >> 3 is 0 or > int.MaxValue)
        {
            field = 0;
            wireType = 0;
            return false;
        }
        field = (int)(tag >> 3);
        wireType = (WireType)(tag & 7);
        return true;
    }

    public bool TryReadVarint(out ulong value)
    {
        value = 0;
        var shift = 0;
        while (_position < _buffer.Length)
        {
            var b = _buffer[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return true;
            shift += 7;
            if (shift >= 64) return false;
        }
        return false;
    }

    public bool TryReadFixed64(out ulong value)
    {
        if (_buffer.Length - _position < 8)
        {
            value = 0;
            return false;
        }
        value = BinaryPrimitives.ReadUInt64LittleEndian(_buffer.Slice(_position, 8));
        _position += 8;
        return true;
    }

    public bool TryReadLengthDelimited(out ReadOnlySpan<byte> bytes)
    {
        if (!TryReadVarint(out var length) || length > (ulong)(_buffer.Length - _position))
        {
            bytes = default;
            return false;
        }
        bytes = _buffer.Slice(_position, (int)length);
        _position += (int)length;
        return true;
    }

    /// <summary>Skips the value of a field whose tag has just been read.</summary>
    public bool TrySkip(WireType wireType)
    {
        switch (wireType)
        {
            case WireType.Varint:
                return TryReadVarint(out _);
            case WireType.Fixed64:
                return TryReadFixed64(out _);
            case WireType.LengthDelimited:
                return TryReadLengthDelimited(out _);
            case WireType.Fixed32:
                if (_buffer.Length - _position < 4) return false;
                _position += 4;
                return true;
            default:
                return false;
        }
    }
}

/// <summary>A protobuf writer into a span sized in advance by the caller (see <see cref="ProtoSize"/>).</summary>
internal ref struct ProtoWriter
{
    private readonly Span<byte> _buffer;
    private int _position;

    public ProtoWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
    }

    public readonly int Position => _position;

    public void WriteTag(int field, WireType wireType) => WriteVarint(((ulong)field << 3) | (ulong)wireType);

    public void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _buffer[_position++] = (byte)(value | 0x80);
            value >>= 7;
        }
        _buffer[_position++] = (byte)value;
    }

    public void WriteFixed64(ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.Slice(_position, 8), value);
        _position += 8;
    }

    /// <summary>Writes a string field as length-prefixed UTF-8.</summary>
    public void WriteString(int field, string value, int utf8Length)
    {
        WriteTag(field, WireType.LengthDelimited);
        WriteVarint((ulong)utf8Length);
        _position += System.Text.Encoding.UTF8.GetBytes(value, _buffer[_position..]);
    }
}

/// <summary>Encoded sizes of protobuf primitives.</summary>
internal static class ProtoSize
{
    public static int Varint(ulong value)
    {
        var size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }
        return size;
    }

    /// <summary>Size of a length-delimited field with a one-byte tag and a payload of <paramref name="length"/> bytes.</summary>
    public static int LengthDelimited(int length) => 1 + Varint((ulong)length) + length;
}
