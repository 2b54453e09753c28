using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Foresight.Server.Http;

/// <summary>
/// Turns a selector's regular expression that ran out of time (<see cref="RegexMatchTimeoutException"/>, thrown by
/// <see cref="Foresight.Series.LabelMatcher"/> only for the backtracking constructs RE2 lacks) into a 422 problem that
/// names the pattern and the limit, instead of a bare 500: the request is well formed, the pattern is too costly.
/// </summary>
internal sealed class RegexTimeoutHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not RegexMatchTimeoutException timeout) return false;
        var detail = $"the regular expression \"{timeout.Pattern}\" took longer than {timeout.MatchTimeout.TotalMilliseconds:0} ms on one label value. " +
                     "It uses a construct RE2 lacks (lookaround, backreference or atomic group), so it runs on the backtracking engine; " +
                     "rewrite it in RE2 syntax, which matches in linear time and has no limit.";
        await TypedResults.Problem(detail, statusCode: StatusCodes.Status422UnprocessableEntity, title: "Regular expression too slow").ExecuteAsync(httpContext);
        return true;
    }
}
