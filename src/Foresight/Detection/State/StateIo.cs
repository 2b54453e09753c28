using Foresight.Series.Chunks;

namespace Foresight.Detection.State;

/// <summary>Reading and writing the pieces restorable state is made of; every reader checks what it reads against what it expects.</summary>
internal static class StateIo
{
    /// <summary>The detector as restorable state, or <see cref="NotSupportedException"/> naming it.</summary>
    public static IRestorableState Restorable(IStreamingDetector detector) => detector as IRestorableState
        ?? throw new NotSupportedException($"The state of {detector.GetType().Name} cannot be saved: it does not implement {nameof(IRestorableState)}.");

    /// <summary>Writes the name of the kind of state that follows.</summary>
    public static void WriteTag(this BinaryWriter writer, string tag) => writer.Write(tag);

    /// <summary>Reads a tag and throws unless it is <paramref name="expected"/>.</summary>
    public static void ExpectTag(this BinaryReader reader, string expected)
    {
        var tag = reader.ReadString();
        if (tag != expected) throw new InvalidDataException($"it holds '{tag}' state where '{expected}' was expected.");
    }

    /// <summary>Reads a count and throws unless it is in [0, <paramref name="max"/>].</summary>
    public static int ReadCount(this BinaryReader reader, int max, string what)
    {
        var count = reader.ReadInt32();
        if (count < 0 || count > max) throw new InvalidDataException($"{count} {what}, where at most {max} fit.");
        return count;
    }

    /// <summary>Reads a count and throws unless it equals <paramref name="expected"/>.</summary>
    public static void ExpectCount(this BinaryReader reader, int expected, string what)
    {
        var count = reader.ReadInt32();
        if (count != expected) throw new InvalidDataException($"{count} {what} where this detector has {expected}.");
    }

    /// <summary>Reads a setting the state was written with and throws unless it is this instance's.</summary>
    public static void ExpectSetting(this BinaryReader reader, int expected, string name)
    {
        var value = reader.ReadInt32();
        if (value != expected) throw new InvalidDataException($"it was written with a {name} of {value}, where this detector has {expected}.");
    }

    /// <summary>
    /// Writes a length-prefixed run of doubles, bit for bit, compressed by the store's chunk codec
    /// (Gorilla XOR or decimal, whichever is smaller: a third smaller on detectors' score windows);
    /// runs shorter than <see cref="ShortRun"/> values are written as they are.
    /// </summary>
    public static void WriteDoubles(this BinaryWriter writer, ReadOnlySpan<double> values)
    {
        writer.Write(values.Length);
        if (values.Length < ShortRun)
        {
            foreach (var v in values) writer.Write(v);
            return;
        }
        for (var start = 0; start < values.Length; start += ChunkCodec.MaxPoints)
        {
            var part = values.Slice(start, Math.Min(ChunkCodec.MaxPoints, values.Length - start));
            var chunk = ChunkCodec.Encode(Positions.AsSpan(0, part.Length), part);
            writer.Write7BitEncodedInt(chunk.Length);
            writer.Write(chunk);
        }
    }

    private const int ShortRun = 64;

    /// <summary>0, 1, 2, ...: the chunk codec needs increasing timestamps, and these cost a few bytes a chunk.</summary>
    private static readonly long[] Positions = Enumerable.Range(0, ChunkCodec.MaxPoints).Select(i => (long)i).ToArray();

    /// <summary>Reads a run written by <see cref="WriteDoubles"/> whose length must be exactly <paramref name="into"/>'s.</summary>
    public static void ReadDoubles(this BinaryReader reader, Span<double> into, string what)
    {
        reader.ExpectCount(into.Length, what);
        ReadRaw(reader, into);
    }

    /// <summary>Reads a run written by <see cref="WriteDoubles"/> of at most <paramref name="max"/> values.</summary>
    public static double[] ReadDoubles(this BinaryReader reader, int max, string what)
    {
        var values = new double[reader.ReadCount(max, what)];
        ReadRaw(reader, values);
        return values;
    }

    /// <summary>Writes a length-prefixed run of ints.</summary>
    public static void WriteInts(this BinaryWriter writer, ReadOnlySpan<int> values)
    {
        writer.Write(values.Length);
        foreach (var v in values) writer.Write(v);
    }

    /// <summary>Reads a run written by <see cref="WriteInts"/> whose length must be exactly <paramref name="into"/>'s.</summary>
    public static void ReadInts(this BinaryReader reader, Span<int> into, string what)
    {
        reader.ExpectCount(into.Length, what);
        for (var i = 0; i < into.Length; i++) into[i] = reader.ReadInt32();
    }

    private static void ReadRaw(BinaryReader reader, Span<double> into)
    {
        if (into.Length < ShortRun)
        {
            for (var i = 0; i < into.Length; i++) into[i] = reader.ReadDouble();
            return;
        }
        var positions = new long[Math.Min(into.Length, ChunkCodec.MaxPoints)];
        for (var start = 0; start < into.Length; start += ChunkCodec.MaxPoints)
        {
            var part = into.Slice(start, Math.Min(ChunkCodec.MaxPoints, into.Length - start));
            var length = reader.Read7BitEncodedInt();
            var chunk = reader.ReadBytes(length);
            if (chunk.Length != length) throw new EndOfStreamException("the state ends early.");
            if (ChunkCodec.Count(chunk) != part.Length) throw new InvalidDataException($"a run of {ChunkCodec.Count(chunk)} values where {part.Length} were announced.");
            ChunkCodec.Decode(chunk, positions.AsSpan(0, part.Length), part);
        }
    }
}
