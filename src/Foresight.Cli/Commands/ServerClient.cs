using System.CommandLine;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Foresight.Cli.Commands;

/// <summary>
/// A running <c>foresight serve</c> as the commands that talk to it see it: the <c>--url</c> and
/// <c>--api-key</c> options (the key defaults to <c>$FORESIGHT_API_KEY</c>), and requests whose failures
/// come back as one line that says what went wrong (unreachable server, a ProblemDetails' detail).
/// </summary>
internal sealed class ServerClient : IDisposable
{
    private readonly HttpClient _http;

    private ServerClient(Uri url, string? apiKey)
    {
        _http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromMinutes(2) };
        if (!string.IsNullOrEmpty(apiKey)) _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
    }

    /// <summary>The server's address.</summary>
    public Uri BaseAddress => _http.BaseAddress!;

    /// <summary>The <c>--url</c> option, defaulting to the address <c>foresight serve</c> listens on.</summary>
    public static Option<string> UrlOption(string what = "Server to send to") =>
        new("--url") { Description = what, DefaultValueFactory = _ => "http://127.0.0.1:5080" };

    /// <summary>The <c>--api-key</c> option.</summary>
    public static Option<string?> ApiKeyOption() => new("--api-key") { Description = "API key (default: $FORESIGHT_API_KEY)" };

    /// <summary>
    /// A client for the parsed <paramref name="url"/> and <paramref name="apiKey"/>; false with a message when the URL is not absolute http(s)
    /// or carries a query or fragment. A path in the URL is kept as a base (<c>http://host/foresight</c> sends
    /// <c>/foresight/api/v1/...</c>), so the CLI works behind a reverse proxy that serves Foresight under a prefix.
    /// </summary>
    public static bool TryCreate(ParseResult parse, Option<string> url, Option<string?> apiKey, out ServerClient client, out string error)
    {
        var address = parse.GetValue(url)!;
        client = null!;
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            error = $"--url: '{address}' is not an http:// or https:// address";
            return false;
        }
        if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            error = $"--url: '{address}' has a query or fragment; give the server's base address (scheme, host, port and an optional path prefix)";
            return false;
        }
        // A base address must end in '/' for relative request paths to land beneath its path rather than replace its last segment.
        if (!uri.AbsolutePath.EndsWith('/')) uri = new UriBuilder(uri) { Path = uri.AbsolutePath + "/" }.Uri;
        client = new ServerClient(uri, parse.GetValue(apiKey) ?? Environment.GetEnvironmentVariable("FORESIGHT_API_KEY"));
        error = "";
        return true;
    }

    /// <summary>
    /// Sends <paramref name="request"/>, whose relative URI (<c>/api/v1/...</c>) is taken beneath the base address's path;
    /// the body on success, else null and a one-line reason.
    /// </summary>
    public async Task<(string? Body, string? Error)> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var (body, error, _) = await SendForProblemAsync(request, ct);
        return (body, error);
    }

    /// <summary>As <see cref="SendAsync"/>, and on an error answer also the server's ProblemDetails (default when the body is not JSON).</summary>
    public async Task<(string? Body, string? Error, JsonElement Problem)> SendForProblemAsync(HttpRequestMessage request, CancellationToken ct)
    {
        if (request.RequestUri is { IsAbsoluteUri: false } relative)
            request.RequestUri = new Uri(_http.BaseAddress!, relative.OriginalString.TrimStart('/'));
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, ct);
        }
        catch (HttpRequestException ex)
        {
            return (null, $"cannot reach {_http.BaseAddress}: {ex.Message} (is `foresight serve` running?)", default);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, $"{_http.BaseAddress} did not answer within {_http.Timeout.TotalSeconds:0} s", default);
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            if (response.IsSuccessStatusCode) return (text, null, default);
            var problem = Problem(text);
            return (null, $"the server answered {(int)response.StatusCode}: {Detail(problem, text)}", problem);
        }
    }

    /// <summary>GETs <paramref name="path"/> and parses the JSON answer.</summary>
    public async Task<(JsonElement Body, string? Error)> GetJsonAsync(string path, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        var (text, error) = await SendAsync(request, ct);
        if (text is null) return (default, error);
        try
        {
            using var doc = JsonDocument.Parse(text);
            return (doc.RootElement.Clone(), null);
        }
        catch (JsonException ex)
        {
            return (default, $"the server's answer to {path} is not JSON: {ex.Message}");
        }
    }

    /// <summary>The error answer as JSON (a ProblemDetails), or default when it is not JSON.</summary>
    private static JsonElement Problem(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return default;
        }
    }

    /// <summary>A ProblemDetails' <c>detail</c> (or <c>title</c>), else the text itself.</summary>
    private static string Detail(JsonElement problem, string text)
    {
        if (problem.ValueKind == JsonValueKind.Object)
        {
            if (problem.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String) return detail.GetString()!;
            if (problem.TryGetProperty("title", out var title) && title.ValueKind == JsonValueKind.String) return title.GetString()!;
        }
        return string.IsNullOrWhiteSpace(text) ? "(no body)" : text;
    }

    public void Dispose() => _http.Dispose();
}
