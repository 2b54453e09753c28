using System.Buffers.Binary;
using System.Text;
using Foresight.Series.Storage;

namespace Foresight.Detection.State;

/// <summary>
/// The framing of one kind of saved live state (a detector, the incidents, the pipeline's series
/// table): <c>[4-byte ASCII magic][u16 format version][u32 payload length][payload][u32 CRC-32C of
/// payload]</c>, little-endian. The magic says what the bytes are, the version how the payload is
/// laid out. A reader accepts only the version it was built for: an older or newer snapshot, a
/// truncated one or one whose checksum does not match is refused with a message that says which,
/// so the caller can log it and start that state cold. Bump <see cref="Version"/> whenever the
/// payload layout or the meaning of a field changes.
/// </summary>
/// <param name="Magic">Four ASCII characters naming the content.</param>
/// <param name="Version">The payload layout this build writes and reads, ≥ 1.</param>
/// <param name="Name">What the content is, for messages (e.g. <c>detector snapshot</c>).</param>
public sealed record SnapshotFormat(string Magic, ushort Version, string Name)
{
    private const int HeaderSize = 10;
    private const int TrailerSize = 4;

    /// <summary>Writes a snapshot: the header, whatever <paramref name="write"/> writes, and the checksum.</summary>
    public byte[] Write(Action<BinaryWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var magic = MagicBytes();
        var stream = RentStream();
        try
        {
            using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
            {
                writer.Write(magic);
                writer.Write(Version);
                writer.Write(0u); // length, patched below
                write(writer);
            }
            var payloadLength = stream.Length - HeaderSize;
            if (payloadLength > int.MaxValue - HeaderSize - TrailerSize) throw new InvalidOperationException($"The {Name} is too large ({payloadLength} bytes).");
            var crc = Crc32C.Compute(stream.GetBuffer().AsSpan(HeaderSize, (int)payloadLength));
            Span<byte> trailer = stackalloc byte[TrailerSize];
            BinaryPrimitives.WriteUInt32LittleEndian(trailer, crc);
            stream.Write(trailer);
            var bytes = stream.ToArray();
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(6), (uint)payloadLength);
            return bytes;
        }
        finally
        {
            ReturnStream(stream);
        }
    }

    /// <summary>Streams kept per thread for <see cref="Write"/>, a stack because a snapshot may hold another's.</summary>
    [ThreadStatic]
    private static Stack<MemoryStream>? t_streams;

    /// <summary>A stream of at most this capacity is kept for the next snapshot.</summary>
    private const int KeptStreamCapacity = 256 * 1024;

    /// <summary>
    /// An empty stream: a saved one when this thread has one. A save of every detector writes 100,000 snapshots of
    /// some 3 KB, each nested in another; a new stream per snapshot grew through five buffers to get there.
    /// </summary>
    private static MemoryStream RentStream() => t_streams is { Count: > 0 } kept ? kept.Pop() : new MemoryStream();

    private static void ReturnStream(MemoryStream stream)
    {
        if (stream.Capacity > KeptStreamCapacity) return;
        stream.SetLength(0);
        (t_streams ??= new Stack<MemoryStream>()).Push(stream);
    }

    /// <summary>
    /// Checks the framing of <paramref name="snapshot"/> and hands its payload to <paramref name="read"/>.
    /// False, with <paramref name="error"/> saying why, when the bytes are not this kind of snapshot,
    /// carry another format version, are truncated or corrupt, or <paramref name="read"/> finds the
    /// payload does not fit (it throws <see cref="InvalidDataException"/> or runs past the end), or
    /// leaves bytes unread. What <paramref name="read"/> changed before failing is the caller's to discard.
    /// </summary>
    public bool TryRead(ReadOnlySpan<byte> snapshot, Action<BinaryReader> read, out string? error)
    {
        ArgumentNullException.ThrowIfNull(read);
        if (!TryOpen(snapshot, out var payload, out error)) return false;
        using var stream = new MemoryStream(payload, writable: false);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        try
        {
            read(reader);
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or FormatException or ArgumentException)
        {
            error = $"The {Name} cannot be read by this build: {ex.Message}";
            return false;
        }
        if (stream.Position != stream.Length)
        {
            error = $"The {Name} has {stream.Length - stream.Position} bytes more than this build reads.";
            return false;
        }
        error = null;
        return true;
    }

    private bool TryOpen(ReadOnlySpan<byte> snapshot, out byte[] payload, out string? error)
    {
        payload = [];
        if (snapshot.Length < HeaderSize || !snapshot[..4].SequenceEqual(MagicBytes()))
        {
            error = $"Not a {Name} (it does not start with '{Magic}').";
            return false;
        }
        var version = BinaryPrimitives.ReadUInt16LittleEndian(snapshot[4..]);
        if (version != Version)
        {
            error = version > Version
                ? $"The {Name} has format version {version}, newer than this build reads ({Version}); it was written by a newer Foresight."
                : $"The {Name} has format version {version}, which this build no longer reads (it reads {Version}).";
            return false;
        }
        var length = BinaryPrimitives.ReadUInt32LittleEndian(snapshot[6..]);
        var expected = HeaderSize + (long)length + TrailerSize;
        if (snapshot.Length != expected)
        {
            error = snapshot.Length < expected
                ? $"The {Name} is truncated: {snapshot.Length} bytes where its header announces {expected}."
                : $"The {Name} is {snapshot.Length} bytes where its header announces {expected}.";
            return false;
        }
        var body = snapshot.Slice(HeaderSize, (int)length);
        if (Crc32C.Compute(body) != BinaryPrimitives.ReadUInt32LittleEndian(snapshot[(HeaderSize + (int)length)..]))
        {
            error = $"The {Name} is corrupt (its checksum does not match).";
            return false;
        }
        payload = body.ToArray();
        error = null;
        return true;
    }

    private byte[] MagicBytes()
    {
        var bytes = Encoding.ASCII.GetBytes(Magic);
        if (bytes.Length != 4) throw new InvalidOperationException($"A snapshot magic has four ASCII characters, not '{Magic}'.");
        return bytes;
    }
}
