using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;

namespace Foresight.Series.Chunks;

/// <summary>
/// The open head chunk of one series, compressed as it is appended: the in-order points go into one growing bit
/// stream, Gorilla style (T. Pelkonen et al., "Gorilla: A Fast, Scalable, In-Memory Time Series Database", PVLDB
/// 8(12), 2015, §4.1: delta-of-delta timestamps, XOR values; or, while every value has one, the decimal-scaled
/// integers of <see cref="ChunkCodec"/>'s decimal encoding), and a point that does not extend the stream (out of
/// order, or a new value for a timestamp already held) waits in a small raw buffer that reads merge in.
/// </summary>
/// <remarks>
/// <para>Stream layout: the first point as 64 bits of timestamp and 64 bits of value, then per point a timestamp
/// delta-of-delta and a value, interleaved, with the codes of <see cref="ChunkCodec"/> but no run code, since a run's
/// length is not known while it grows. Timestamps: <c>0</c>, <c>10</c>+14, <c>110</c>+17, <c>1110</c>+20 or
/// <c>11110</c>+64 bits of zigzag. Values, in one of two modes chosen for the whole stream: XOR (<c>0</c> for a
/// repeat, <c>10</c> + the XOR's bits inside the previous leading/trailing-zero window, <c>11</c> + 5 bits of leading
/// zeros + 6 bits of length + the bits), or decimal at a scale k in 0..9 (the zigzag delta-of-delta of
/// m = v·10^k: <c>0</c>, <c>10</c>+7, <c>110</c>+12, <c>1110</c>+20, <c>11110</c>+32 or <c>111110</c>+64 bits),
/// used while every value v is exactly m/10^k (the check <see cref="ChunkCodec"/> makes). A head starts at the
/// smallest scale of its first value; a value that needs a larger scale, or has none (NaN, a staleness marker,
/// too many digits), re-encodes the head once at the scale all its values take, XOR when there is none. Rounded
/// telemetry (3-decimal gauges, integer counters) then costs 1-3 bytes a point, where XOR costs 5-8.</para>
/// <para>Appending keeps the encoder's running state (last timestamp and delta, last value's bits, the XOR window or
/// the last scaled delta), so a point costs one encode step and no decoding. The byte buffer grows by half its
/// size, so it is at most half again the bytes it holds (a fifth on average), and is kept for the next chunk (see
/// <see cref="Clear"/>), so a series at a steady cadence allocates nothing after its first chunk; every
/// double, NaN payloads such as Prometheus' staleness marker included, round-trips bit for bit.</para>
/// <para>The raw buffer holds at most <see cref="LateLimit"/> points, sorted by timestamp, the newest write of a
/// timestamp winning over both the buffer's older value and the stream's; when it fills it is merged into the stream
/// (the whole head re-encoded), and <see cref="Encode"/> merges it into the sealed chunk. Reads decode into the
/// caller's destination; the head never keeps a decoded copy.</para>
/// <para>Not thread-safe: the store calls it under its write lock.</para>
/// </remarks>
internal sealed class HeadChunk
{
    /// <summary>Points the raw buffer holds before it is merged into the stream.</summary>
    public const int LateLimit = 32;

    private const int InitialBytes = 16;

    private byte[] _bits = [];
    private int _bitLength;
    private int _count;          // points in the stream
    private long _lastTs;
    private long _lastDelta;
    private ulong _lastValue;
    private long _lastScaledDelta;
    private sbyte _scale;        // decimal values at this scale, or -1: XOR values
    private byte _lead;
    private byte _meaningful;    // 0: no XOR window defined yet
    private Point[]? _late;      // sorted, unique timestamps, none after the stream's last
    private int _lateCount;
    private int _shadowed;       // late points whose timestamp the stream holds too

    /// <summary>Distinct timestamps in the head.</summary>
    public int Count => _count + _lateCount - _shadowed;

    /// <summary>Oldest timestamp in the head; undefined when <see cref="Count"/> is 0.</summary>
    public long First
    {
        get
        {
            var first = _count == 0 ? long.MaxValue : (long)BinaryPrimitives.ReadUInt64BigEndian(_bits);
            return _lateCount > 0 && _late![0].Timestamp < first ? _late[0].Timestamp : first;
        }
    }

    /// <summary>Newest timestamp in the head; undefined when <see cref="Count"/> is 0.</summary>
    public long Last => _lastTs;

    /// <summary>Adds a point: appended to the stream when newest, otherwise kept in the raw buffer; a timestamp
    /// already held takes the new value.</summary>
    public void Add(long ts, double value)
    {
        var bits = (ulong)BitConverter.DoubleToInt64Bits(value);
        if (_count == 0)
        {
            Span<long> scaled = stackalloc long[1];
            Start(ts, bits, ChunkCodec.FindDecimalScale([value], scaled));
            return;
        }
        if (ts > _lastTs)
        {
            if (_scale >= 0 && !ChunkCodec.TryScale(value, ChunkCodec.Pow10[_scale], out _)) Rebuild(ts, value);
            else Append(ts, bits);
            return;
        }
        if (ts == _lastTs && bits == _lastValue && (_lateCount == 0 || _late![_lateCount - 1].Timestamp != ts)) return;
        AddLate(ts, value);
    }

    /// <summary>
    /// Empties the head. Its byte buffer is kept (zeroed) for the next chunk, which at a steady cadence needs about as
    /// many bytes, so a series stops allocating after its first chunk; a buffer more than four times the bytes this chunk
    /// used (grown by a burst of out-of-order points, or a chunk sealed early) is let go and the next chunk grows its own.
    /// </summary>
    public void Clear()
    {
        var used = (_bitLength + 7) >> 3;
        if (_bits.Length > 4 * used) _bits = [];
        else Array.Clear(_bits, 0, used);
        _late = null;
        (_bitLength, _count, _lateCount, _shadowed, _lastDelta, _lastScaledDelta, _lead, _meaningful) = (0, 0, 0, 0, 0, 0, 0, 0);
    }

    /// <summary>Decodes the head, in timestamp order, into the destinations; returns <see cref="Count"/>.</summary>
    /// <exception cref="ArgumentException">A destination is shorter than <see cref="Count"/>.</exception>
    public int CopyTo(Span<long> timestamps, Span<double> values)
    {
        var n = Count;
        if (timestamps.Length < n || values.Length < n)
        {
            throw new ArgumentException($"The head holds {n} points but the destinations hold {timestamps.Length} and {values.Length}.");
        }
        var reader = new Reader(this);
        var i = 0;
        while (reader.Next(out var ts, out var value))
        {
            timestamps[i] = ts;
            values[i++] = value;
        }
        return i;
    }

    /// <summary>Appends the points with <paramref name="from"/> ≤ timestamp &lt; <paramref name="to"/>, in order.</summary>
    public void CopyRange(long from, long to, List<Point> into)
    {
        if (Count == 0 || from >= to || from > _lastTs) return;
        var reader = new Reader(this);
        while (reader.Next(out var ts, out var value))
        {
            if (ts >= to) return;
            if (ts >= from) into.Add(new Point(ts, value));
        }
    }

    /// <summary>The head as a sealed chunk (<see cref="ChunkCodec.Encode"/> picks XOR or decimal values).</summary>
    /// <exception cref="InvalidOperationException">The head is empty.</exception>
    public byte[] Encode()
    {
        var n = Count;
        if (n == 0) throw new InvalidOperationException("An empty head has no chunk.");
        var ts = ArrayPool<long>.Shared.Rent(n);
        var values = ArrayPool<double>.Shared.Rent(n);
        try
        {
            CopyTo(ts, values);
            return ChunkCodec.Encode(ts.AsSpan(0, n), values.AsSpan(0, n));
        }
        finally
        {
            ArrayPool<double>.Shared.Return(values);
            ArrayPool<long>.Shared.Return(ts);
        }
    }

    /// <summary>A copy of the head sized to what it holds (a checkpoint encodes it outside the store's lock).</summary>
    public HeadChunk Clone()
    {
        var copy = (HeadChunk)MemberwiseClone();
        copy._bits = _bits.AsSpan(0, (_bitLength + 7) >> 3).ToArray();
        copy._late = _lateCount == 0 ? null : _late.AsSpan(0, _lateCount).ToArray();
        return copy;
    }

    private void Append(long ts, ulong bits)
    {
        var delta = unchecked(ts - _lastTs);
        WriteCode(ChunkCodec.ZigZag(unchecked(delta - _lastDelta)), TimestampWidths);

        if (_scale >= 0)
        {
            AppendDecimal(bits);
        }
        else
        {
            AppendXor(bits);
        }
        (_lastTs, _lastDelta, _lastValue) = (ts, delta, bits);
        _count++;
    }

    private void Start(long ts, ulong bits, int scale)
    {
        WriteBits((ulong)ts, 64);
        WriteBits(bits, 64);
        (_lastTs, _lastDelta, _lastValue, _lastScaledDelta, _scale, _count) = (ts, 0, bits, 0, (sbyte)scale, 1);
    }

    /// <summary>A value of a decimal head: the zigzag delta-of-delta of its scaled integer, with the codes of
    /// <see cref="ChunkCodec"/>'s decimal encoding (no run code).</summary>
    private void AppendDecimal(ulong bits)
    {
        var pow = ChunkCodec.Pow10[_scale];
        ChunkCodec.TryScale(BitConverter.Int64BitsToDouble((long)bits), pow, out var m);
        ChunkCodec.TryScale(BitConverter.Int64BitsToDouble((long)_lastValue), pow, out var previous);
        var delta = m - previous; // |m| < 2^53: no overflow here or below
        WriteCode(ChunkCodec.ZigZag(delta - _lastScaledDelta), DecimalWidths);
        _lastScaledDelta = delta;
    }

    // The payload widths of ChunkCodec's buckets: bucket b is b + 1 one bits and a zero, then that many bits; past the
    // last, one more one bit and 64 bits.
    private static ReadOnlySpan<byte> TimestampWidths => [14, 17, 20];

    private static ReadOnlySpan<byte> DecimalWidths => [7, 12, 20, 32];

    /// <summary>Writes a zigzag value as <c>0</c> when zero, else in the first bucket of <paramref name="widths"/> it fits.</summary>
    private void WriteCode(ulong zz, ReadOnlySpan<byte> widths)
    {
        if (zz == 0)
        {
            WriteBits(0, 1);
            return;
        }
        for (var b = 0; b < widths.Length; b++)
        {
            if (zz >= 1UL << widths[b]) continue;
            WriteBits((((1UL << (b + 2)) - 2) << widths[b]) | zz, b + 2 + widths[b]);
            return;
        }
        WriteBits((1UL << (widths.Length + 2)) - 2, widths.Length + 2);
        WriteBits(zz, 64);
    }

    private void AppendXor(ulong bits)
    {
        var xor = bits ^ _lastValue;
        if (xor == 0)
        {
            WriteBits(0, 1);
        }
        else
        {
            var l = Math.Min(BitOperations.LeadingZeroCount(xor), 31); // five bits of leading-zero count
            var t = BitOperations.TrailingZeroCount(xor);
            var trail = 64 - _lead - _meaningful;
            if (_meaningful != 0 && l >= _lead && t >= trail)
            {
                WriteBits(0b10, 2);
                WriteBits(xor >> trail, _meaningful);
            }
            else
            {
                _lead = (byte)l;
                _meaningful = (byte)(64 - l - t);
                // '11', 5 bits of leading zeros, 6 bits of meaningful length (64 stored as 0).
                WriteBits((0b11UL << 11) | ((ulong)(uint)l << 6) | (uint)(_meaningful & 63), 13);
                WriteBits(xor >> t, _meaningful);
            }
        }
    }

    private void AddLate(long ts, double value)
    {
        _late ??= new Point[4];
        var i = _late.AsSpan(0, _lateCount).BinarySearch(new TimestampOf(ts));
        if (i >= 0)
        {
            _late[i] = new Point(ts, value);
            return;
        }
        // A sender's resend (Prometheus after a refused or timed-out batch) repeats points the stream holds with the same
        // value: nothing changes, so they take no buffer slot and never force the whole head to be re-encoded.
        var held = StreamHolds(ts, out var heldBits);
        if (held && heldBits == (ulong)BitConverter.DoubleToInt64Bits(value)) return;
        i = ~i;
        if (_lateCount == _late.Length) Array.Resize(ref _late, Math.Min(LateLimit, _late.Length * 2));
        Array.Copy(_late, i, _late, i + 1, _lateCount - i);
        _late[i] = new Point(ts, value);
        _lateCount++;
        if (held) _shadowed++;
        if (_lateCount == LateLimit) Merge();
    }

    /// <summary>Points waiting in the raw buffer to be merged into the stream.</summary>
    internal int LateCount => _lateCount;

    private bool StreamHolds(long ts, out ulong bits)
    {
        bits = _lastValue;
        if (ts == _lastTs) return true;
        var cursor = new Cursor(StreamBytes, _count, _scale);
        while (cursor.Next())
        {
            if (cursor.Timestamp < ts) continue;
            bits = (ulong)BitConverter.DoubleToInt64Bits(cursor.Value);
            return cursor.Timestamp == ts;
        }
        return false;
    }

    private void Merge() => Rebuild(long.MinValue, 0);

    /// <summary>Re-encodes the head with the raw buffer merged into the stream and, unless <paramref name="ts"/> is
    /// long.MinValue, a newer point appended, at the decimal scale all the values take now (XOR when there is none).</summary>
    private void Rebuild(long ts, double value)
    {
        var n = Count + (ts == long.MinValue ? 0 : 1);
        var timestamps = ArrayPool<long>.Shared.Rent(n);
        var values = ArrayPool<double>.Shared.Rent(n);
        var scaled = ArrayPool<long>.Shared.Rent(n);
        try
        {
            CopyTo(timestamps, values);
            if (ts != long.MinValue) (timestamps[n - 1], values[n - 1]) = (ts, value);
            Clear();
            Start(timestamps[0], (ulong)BitConverter.DoubleToInt64Bits(values[0]), ChunkCodec.FindDecimalScale(values.AsSpan(0, n), scaled));
            for (var i = 1; i < n; i++) Append(timestamps[i], (ulong)BitConverter.DoubleToInt64Bits(values[i]));
        }
        finally
        {
            ArrayPool<long>.Shared.Return(scaled);
            ArrayPool<double>.Shared.Return(values);
            ArrayPool<long>.Shared.Return(timestamps);
        }
    }

    private ReadOnlySpan<byte> StreamBytes => _bits.AsSpan(0, (_bitLength + 7) >> 3);

    /// <summary>Appends the low <paramref name="n"/> bits (1..64) of <paramref name="value"/>, most significant first.
    /// Bytes past the stream are zero, so a write ORs its bits in.</summary>
    private void WriteBits(ulong value, int n)
    {
        if (n > 32)
        {
            WriteBits(value >> 32, n - 32);
            value &= uint.MaxValue;
            n = 32;
        }
        var end = _bitLength + n;
        var need = (end + 7) >> 3;
        if (need > _bits.Length) Array.Resize(ref _bits, Math.Max(need, Math.Max(InitialBytes, _bits.Length + (_bits.Length >> 1))));
        var pos = _bitLength >> 3;
        var word = value << (64 - (_bitLength & 7) - n); // at most 7 + 32 bits: one 64-bit word from pos holds them
        if (pos + 8 <= _bits.Length)
        {
            var span = _bits.AsSpan(pos);
            BinaryPrimitives.WriteUInt64BigEndian(span, BinaryPrimitives.ReadUInt64BigEndian(span) | word);
        }
        else
        {
            for (var i = pos; i < need; i++) _bits[i] |= (byte)(word >> (56 - 8 * (i - pos)));
        }
        _bitLength = end;
    }

    /// <summary>Orders points by timestamp alone, for the raw buffer's binary search.</summary>
    private readonly struct TimestampOf(long ts) : IComparable<Point>
    {
        public int CompareTo(Point other) => ts.CompareTo(other.Timestamp);
    }

    /// <summary>Decodes the stream point by point.</summary>
    private ref struct Cursor(ReadOnlySpan<byte> stream, int count, int scale)
    {
        private BitReader _reader = new(stream, "head");
        private int _read;
        private long _delta;
        private ulong _value;
        private long _scaled;
        private long _scaledDelta;
        private int _lead;
        private int _meaningful;

        public long Timestamp { get; private set; }

        public readonly double Value => BitConverter.Int64BitsToDouble((long)_value);

        public bool Next()
        {
            if (_read == count) return false;
            if (_read++ == 0)
            {
                Timestamp = (long)_reader.ReadBits64();
                _value = _reader.ReadBits64();
                if (scale >= 0) ChunkCodec.TryScale(Value, ChunkCodec.Pow10[scale], out _scaled);
                return true;
            }
            var ones = _reader.ReadPrefix(5);
            if (ones is > 0 and < 4) _delta = unchecked(_delta + ChunkCodec.UnZigZag(_reader.ReadBits(11 + 3 * ones)));
            else if (ones == 4) _delta = unchecked(_delta + ChunkCodec.UnZigZag(_reader.ReadBits64()));
            Timestamp = unchecked(Timestamp + _delta);

            if (scale >= 0)
            {
                _scaledDelta += ChunkCodec.ReadDecimalCode(ref _reader, _reader.ReadPrefix(6));
                _scaled += _scaledDelta;
                _value = (ulong)BitConverter.DoubleToInt64Bits(_scaled / ChunkCodec.Pow10[scale]);
                return true;
            }
            var control = _reader.ReadPrefix(2);
            if (control == 0) return true;
            if (control == 2)
            {
                var window = (int)_reader.ReadBits(11);
                _lead = window >> 6;
                _meaningful = window & 63;
                if (_meaningful == 0) _meaningful = 64;
            }
            _value ^= _reader.ReadBitsWide(_meaningful) << (64 - _lead - _meaningful);
            return true;
        }
    }

    /// <summary>The stream and the raw buffer merged by timestamp, the buffer winning a timestamp both hold.</summary>
    private ref struct Reader
    {
        private Cursor _stream;
        private readonly ReadOnlySpan<Point> _late;
        private int _next;
        private bool _hasStream;

        public Reader(HeadChunk head)
        {
            _stream = new Cursor(head.StreamBytes, head._count, head._scale);
            _late = head._late.AsSpan(0, head._lateCount);
            _hasStream = _stream.Next();
        }

        public bool Next(out long ts, out double value)
        {
            if (_next < _late.Length && (!_hasStream || _late[_next].Timestamp <= _stream.Timestamp))
            {
                (ts, value) = _late[_next++];
                if (_hasStream && _stream.Timestamp == ts) _hasStream = _stream.Next();
                return true;
            }
            if (!_hasStream)
            {
                (ts, value) = (0, 0);
                return false;
            }
            (ts, value) = (_stream.Timestamp, _stream.Value);
            _hasStream = _stream.Next();
            return true;
        }
    }
}
