using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;
using Foresight.Series.Storage;

namespace Foresight.Storage.Sqlite;

/// <summary>
/// Append-only log of accepted samples, in numbered segment files (<c>wal/00000001.wal</c>, ...).
/// Each record is <c>[u32 payload length][u32 CRC-32C of payload][payload]</c>; a torn or corrupt
/// tail (a write cut short by a crash, never acknowledged) ends replay of that segment.
/// Writes are positional and serialized by the caller; <see cref="SyncTo"/> gives group commit:
/// one fsync covers every record written before it started.
/// </summary>
internal sealed class WriteAheadLog : IDisposable
{
    private const int HeaderSize = 8;
    private readonly string _directory;
    private readonly Lock _syncLock = new();
    private SafeFileHandle _handle;
    private long _position;
    private long _written;     // total bytes written across segments (monotonic)
    private long _synced;      // total bytes known to be on disk

    public WriteAheadLog(string directory)
    {
        _directory = directory;
        Directory.CreateDirectory(directory);
        var last = ListSegments().LastOrDefault();
        CurrentSegment = last == 0 ? 1 : last + 1;
        _handle = OpenSegment(CurrentSegment);
    }

    /// <summary>Number of the segment new records go to.</summary>
    public int CurrentSegment { get; private set; }

    /// <summary>Bytes in the current segment.</summary>
    public long CurrentSegmentBytes => _position;

    /// <summary>Segment numbers present on disk, ascending.</summary>
    public IReadOnlyList<int> ListSegments() =>
        Directory.EnumerateFiles(_directory, "*.wal")
            .Select(f => int.TryParse(Path.GetFileNameWithoutExtension(f), out var n) ? n : 0)
            .Where(n => n > 0).Order().ToList();

    /// <summary>Total bytes in all segments.</summary>
    public long TotalBytes() =>
        Directory.EnumerateFiles(_directory, "*.wal").Sum(f => new FileInfo(f).Length);

    /// <summary>Appends one record (caller holds the store's write lock). Returns the end mark to pass to <see cref="SyncTo"/>.</summary>
    public long Append(ReadOnlySpan<byte> payload, byte[] scratch)
    {
        var total = HeaderSize + payload.Length;
        var buffer = total <= scratch.Length ? scratch.AsSpan(0, total) : new byte[total];
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, (uint)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer[4..], Crc32C.Compute(payload));
        payload.CopyTo(buffer[HeaderSize..]);
        RandomAccess.Write(_handle, buffer, _position);
        _position += total;
        _written += total;
        return _written;
    }

    /// <summary>Ensures every byte up to <paramref name="mark"/> is on disk (group commit).</summary>
    public void SyncTo(long mark)
    {
        if (Volatile.Read(ref _synced) >= mark) return;
        lock (_syncLock)
        {
            if (_synced >= mark) return;
            var target = Volatile.Read(ref _written);
            RandomAccess.FlushToDisk(_handle);
            _synced = target;
        }
    }

    /// <summary>Closes the current segment and starts the next one (caller holds the write lock). Returns the closed segment's number.</summary>
    public int Rotate()
    {
        lock (_syncLock)
        {
            RandomAccess.FlushToDisk(_handle);
            _synced = _written;
            _handle.Dispose();
            var closed = CurrentSegment;
            CurrentSegment++;
            _handle = OpenSegment(CurrentSegment);
            _position = 0;
            return closed;
        }
    }

    /// <summary>Deletes segments numbered at most <paramref name="upTo"/>.</summary>
    public void DeleteThrough(int upTo)
    {
        foreach (var n in ListSegments().Where(n => n <= upTo)) File.Delete(SegmentPath(n));
    }

    /// <summary>
    /// Reads the records of one segment in order. Stops at the first torn or corrupt record and
    /// reports how many bytes were valid, so the caller can log what was cut.
    /// </summary>
    public IEnumerable<byte[]> ReadSegment(int segment, Action<long, long> onTornTail)
    {
        var path = SegmentPath(segment);
        var data = File.ReadAllBytes(path);
        var offset = 0;
        while (offset + HeaderSize <= data.Length)
        {
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(offset));
            var crc = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(offset + 4));
            if (length < 0 || offset + HeaderSize + length > data.Length
                || Crc32C.Compute(data.AsSpan(offset + HeaderSize, length)) != crc)
            {
                break;
            }
            yield return data.AsSpan(offset + HeaderSize, length).ToArray();
            offset += HeaderSize + length;
        }
        if (offset != data.Length) onTornTail(offset, data.Length);
    }

    public void Dispose()
    {
        lock (_syncLock)
        {
            RandomAccess.FlushToDisk(_handle);
            _handle.Dispose();
        }
    }

    /// <summary>The file of segment <paramref name="n"/>.</summary>
    public string SegmentPath(int n) => Path.Combine(_directory, n.ToString("D8") + ".wal");

    private SafeFileHandle OpenSegment(int n) =>
        File.OpenHandle(SegmentPath(n), FileMode.CreateNew, FileAccess.Write, FileShare.Read);
}
