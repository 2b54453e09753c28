using System.Reflection;
using System.Runtime.CompilerServices;
using Foresight.Series;
using Foresight.Storage.Sqlite;
using Microsoft.Win32.SafeHandles;

namespace Foresight.Tests.Support;

/// <summary>
/// Points a store's open write-ahead log segment at <c>/dev/full</c>, where every write fails with ENOSPC
/// as on a full disk, until disposed. Linux only (<see cref="Available"/>). The store must be the embedded one.
/// </summary>
internal sealed class FullDisk : IDisposable
{
    private readonly object _wal;
    private readonly FieldInfo _handleField;
    private readonly SafeFileHandle _original;
    private readonly SafeFileHandle _full;

    public static bool Available => File.Exists("/dev/full");

    public FullDisk(ITimeSeriesStore store)
    {
        var sqlite = (SqliteTimeSeriesStore)store;
        _wal = typeof(SqliteTimeSeriesStore).GetField("_wal", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(sqlite)!;
        _handleField = _wal.GetType().GetField("_handle", BindingFlags.NonPublic | BindingFlags.Instance)!;
        _original = (SafeFileHandle)_handleField.GetValue(_wal)!;
        _full = File.OpenHandle("/dev/full", FileMode.Open, FileAccess.Write);
        _handleField.SetValue(_wal, _full);
    }

    public void Dispose()
    {
        _handleField.SetValue(_wal, _original);
        _full.Dispose();
    }
}

/// <summary>A fact that needs <c>/dev/full</c> (<see cref="FullDisk"/>); skipped, saying so, where there is none (not Linux).</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class FullDiskFactAttribute : FactAttribute
{
    public FullDiskFactAttribute([CallerMemberName] string test = "", [CallerFilePath] string file = "")
    {
        if (!FullDisk.Available) SkipReason.Apply(this, "/dev/full, Linux's always-full device, is not available here: the full-disk case cannot be simulated", test, file);
    }
}
