namespace Foresight.Detection;

/// <summary>A detector that can say which of its parts fired on the last point (for incident reports).</summary>
public interface IExplainingDetector
{
    /// <summary>Names of the component detectors whose score crossed their own threshold on the last update.</summary>
    IReadOnlyList<string> Fired { get; }
}
