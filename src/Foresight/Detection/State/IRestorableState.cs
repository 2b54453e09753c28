namespace Foresight.Detection.State;

/// <summary>
/// Streaming state that can be written out and read back into a fresh instance built with the
/// same options, so a restarted process continues exactly where the old one stopped: after
/// <see cref="ReadState"/>, every later update returns bit for bit what the original would have
/// returned. Every detector the live pipeline uses implements it (a plug-in point: a custom
/// detector that does not simply starts cold after a restart). <see cref="DetectorSnapshot"/>
/// frames the bytes with a magic, a format version and a checksum.
/// </summary>
public interface IRestorableState
{
    /// <summary>Writes the state (not the options: the reader is built with them).</summary>
    void WriteState(BinaryWriter writer);

    /// <summary>
    /// Replaces the state of this fresh instance with the one <see cref="WriteState"/> wrote. Throws
    /// <see cref="InvalidDataException"/> when the state does not fit this instance (another kind of
    /// detector, other window sizes); the instance is then in no usable state and must be discarded.
    /// </summary>
    void ReadState(BinaryReader reader);
}
