using Foresight.Detection.State;

namespace Foresight.Detection;

/// <summary>A fixed-capacity FIFO of doubles: pushing onto a full buffer drops the oldest value. Index 0 is the oldest.</summary>
internal sealed class RingBuffer
{
    private readonly double[] _data;
    private int _head; // index of the oldest value

    public RingBuffer(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _data = new double[capacity];
    }

    public int Capacity => _data.Length;
    public int Count { get; private set; }
    public bool IsFull => Count == _data.Length;

    /// <summary>The i-th value, oldest first.</summary>
    public double this[int i] => _data[(_head + i) % _data.Length];

    /// <summary>The newest value.</summary>
    public double Last => this[Count - 1];

    /// <summary>Appends a value and returns the one it displaced (NaN when the buffer was not full).</summary>
    public double Push(double value)
    {
        if (Count < _data.Length)
        {
            _data[(_head + Count) % _data.Length] = value;
            Count++;
            return double.NaN;
        }
        var old = _data[_head];
        _data[_head] = value;
        _head = (_head + 1) % _data.Length;
        return old;
    }

    /// <summary>Copies the contents, oldest first, into <paramref name="destination"/> and returns the count copied.</summary>
    public int CopyTo(Span<double> destination)
    {
        var first = Math.Min(Count, _data.Length - _head);
        _data.AsSpan(_head, first).CopyTo(destination);
        _data.AsSpan(0, Count - first).CopyTo(destination[first..]);
        return Count;
    }

    /// <summary>Copies the newest <paramref name="count"/> values (at most <see cref="Count"/>), oldest first, into <paramref name="destination"/>.</summary>
    public void CopyLast(Span<double> destination, int count)
    {
        for (var i = 0; i < count; i++) destination[i] = this[Count - count + i];
    }

    /// <summary>Writes the contents, oldest first (the capacity is checked on reading).</summary>
    public void WriteState(BinaryWriter writer)
    {
        writer.Write(Capacity);
        Span<double> values = Count <= 1024 ? stackalloc double[Count] : new double[Count];
        CopyTo(values);
        writer.WriteDoubles(values);
    }

    /// <summary>Replaces the contents with what <see cref="WriteState"/> wrote for a buffer of the same capacity.</summary>
    public void ReadState(BinaryReader reader, string what)
    {
        reader.ExpectSetting(Capacity, $"{what} length");
        var values = reader.ReadDoubles(Capacity, $"values in the {what}");
        values.CopyTo(_data, 0);
        _head = 0;
        Count = values.Length;
    }
}
