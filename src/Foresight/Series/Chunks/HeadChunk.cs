using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;

namespace Foresight.Series.Chunks;

/// <summary>
/// The open head chunk of one series, compressed as it is appended: the in-order points go into one growing bit
/// stream, Gorilla style (T. Pelkonen et al., "Gorilla: A Fast, Scalable, In-Memory Time Series Database", PVLDB
/// 8(12), 2015, §4.1: delta-of-delta timestamps, XOR values), and a point that does not extend the stream (out of
/// order, or a new value for a timestamp already held) waits in a small raw buffer that reads merge in.
/// </summary>
/// <remarks>
/// <para>Stream layout: the first point as 64 bits of timestamp and 64 bits of value, then per point a timestamp
/// delta-of-delta and a value, interleaved, with the codes of <see cref="ChunkCodec"/> (timestamps <c>0</c>,
/// <c>10</c>+14, <c>110</c>+17, <c>1110</c>+20 or <c>11110</c>+64 bits of zigzag; values <c>0</c> for a repeat,
/// <c>10</c> + the XOR's bits inside the previous leading/trailing-zero window, <c>11</c> + 5 bits of leading zeros +
/// 6 bits of length + the bits) but no run code, since a run's length is not known while it grows. Appending keeps the
/// encoder's running state (last timestamp, last delta, last value's bits, the current window), so a point costs one
/// encode step and no decoding. The byte buffer grows by a quarter of its size (16 bytes at least), so it is at most a
/// fifth larger than the bits it holds (a tenth on average); every double, NaN payloads such as Prometheus' staleness marker included, round-trips bit for bit.</para>
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

    private const int InitialBytes = 32;

    private byte[] _bits = [];
    private int _bitLength;
    private int _count;          // points in the stream
    private long _lastTs;
    private long _lastDelta;
    private ulong _lastValue;
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
            WriteBits((ulong)ts, 64);
            WriteBits(bits, 64);
            (_lastTs, _lastDelta, _lastValue, _count) = (ts, 0, bits, 1);
            return;
        }
        if (ts > _lastTs)
        {
            Append(ts, bits);
            return;
        }
        if (ts == _lastTs && bits == _lastValue && (_lateCount == 0 || _late![_lateCount - 1].Timestamp != ts)) return;
        AddLate(ts, value);
    }

    /// <summary>Empties the head and lets go of its buffers.</summary>
    public void Clear()
    {
        _bits = [];
        _late = null;
        (_bitLength, _count, _lateCount, _shadowed, _lastDelta, _lead, _meaningful) = (0, 0, 0, 0, 0, 0, 0);
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
        var zz = ChunkCodec.ZigZag(unchecked(delta - _lastDelta));
        if (zz == 0) WriteBits(0, 1);
        else if (zz < 1UL << 14) WriteBits((0b10UL << 14) | zz, 16);
        else if (zz < 1UL << 17) WriteBits((0b110UL << 17) | zz, 20);
        else if (zz < 1UL << 20) WriteBits((0b1110UL << 20) | zz, 24);
        else
        {
            WriteBits(0b11110, 5);
            WriteBits(zz, 64);
        }

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
        (_lastTs, _lastDelta, _lastValue) = (ts, delta, bits);
        _count++;
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
        i = ~i;
        if (_lateCount == _late.Length) Array.Resize(ref _late, Math.Min(LateLimit, _late.Length * 2));
        Array.Copy(_late, i, _late, i + 1, _lateCount - i);
        _late[i] = new Point(ts, value);
        _lateCount++;
        if (StreamHolds(ts)) _shadowed++;
        if (_lateCount == LateLimit) Merge();
    }

    private bool StreamHolds(long ts)
    {
        if (ts == _lastTs) return true;
        var cursor = new Cursor(StreamBytes, _count);
        while (cursor.Next())
        {
            if (cursor.Timestamp >= ts) return cursor.Timestamp == ts;
        }
        return false;
    }

    /// <summary>Re-encodes the head with the raw buffer merged into the stream.</summary>
    private void Merge()
    {
        var n = Count;
        var ts = ArrayPool<long>.Shared.Rent(n);
        var values = ArrayPool<double>.Shared.Rent(n);
        try
        {
            CopyTo(ts, values);
            var capacity = _bits.Length;
            Clear();
            _bits = new byte[capacity];
            for (var i = 0; i < n; i++) Add(ts[i], values[i]);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(values);
            ArrayPool<long>.Shared.Return(ts);
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
        if (need > _bits.Length) Array.Resize(ref _bits, Math.Max(need, _bits.Length + Math.Max(InitialBytes / 2, _bits.Length >> 2)));
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
    private ref struct Cursor(ReadOnlySpan<byte> stream, int count)
    {
        private BitReader _reader = new(stream, "head");
        private int _read;
        private long _delta;
        private ulong _value;
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
                return true;
            }
            var ones = _reader.ReadPrefix(5);
            if (ones is > 0 and < 4) _delta = unchecked(_delta + ChunkCodec.UnZigZag(_reader.ReadBits(11 + 3 * ones)));
            else if (ones == 4) _delta = unchecked(_delta + ChunkCodec.UnZigZag(_reader.ReadBits64()));
            Timestamp = unchecked(Timestamp + _delta);

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
            _stream = new Cursor(head.StreamBytes, head._count);
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
