using Foresight.Series;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Foresight.Server.Http;

/// <summary>RFC 9457 problem responses that say what was wrong and where.</summary>
internal static class Problems
{
    public static ProblemHttpResult BadRequest(string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: title, extensions: extensions);

    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    /// <summary>
    /// An append with refused points: the first refusals, each naming its series and point, and what was
    /// stored all the same (<c>accepted</c>, <c>dropped</c>, <c>rejected</c> counts).
    /// </summary>
    public static ProblemHttpResult Rejected(AppendResult result)
    {
        var first = result.Rejections[0];
        var detail = first.SeriesIndex >= 0
            ? $"series[{first.SeriesIndex}] {first.Series}" + (first.PointIndex >= 0 ? $" point[{first.PointIndex}]" : "") + $": {first.Reason}"
            : first.Reason;
        var errors = result.Rejections.Select(r => new Dictionary<string, object?>
        {
            ["series"] = r.SeriesIndex,
            ["name"] = r.Series,
            ["point"] = r.PointIndex,
            ["reason"] = r.Reason,
        }).ToList();
        var title = result.PointsAccepted > 0
            ? $"{result.PointsRejected} of {result.PointsRejected + result.PointsAccepted} points rejected; the other {result.PointsAccepted} were stored"
            : "Batch rejected; nothing was stored";
        return BadRequest(title, detail, new Dictionary<string, object?>
        {
            ["accepted"] = result.PointsAccepted,
            ["dropped"] = result.PointsDropped,
            ["rejected"] = result.PointsRejected,
            ["errors"] = errors,
        });
    }

    public static Task Write(HttpContext context, int status, string title, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: title).ExecuteAsync(context);
}
