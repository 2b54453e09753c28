namespace Foresight.Series;

/// <summary>
/// A batch the store could not write (a full disk, an I/O error), with nothing of it stored: the
/// caller may send it again once the cause is gone. The message says what failed.
/// </summary>
public sealed class StoreWriteException(string message, Exception inner) : IOException(message, inner);
