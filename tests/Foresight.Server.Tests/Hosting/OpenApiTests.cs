using System.Net;
using System.Text.Json;
using Foresight.Server.Hosting;
using Foresight.Tests.Support;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Foresight.Server.Tests.Hosting;

public sealed class OpenApiTests
{
    /// <summary>The routes the server mapped before it was split by capability: method and pattern, as the request metrics label them.</summary>
    private static readonly string[] Routes =
    [
        "GET /", "GET /metrics", "GET /healthz", "GET /readyz",
        "POST /api/v1/ingest", "POST /api/v1/write", "POST /v1/metrics", "GET /api/v1/targets",
        "GET /api/v1/series", "GET /api/v1/series/{id:long}/points", "GET /api/v1/series/{id:long}/forecast",
        "GET /api/v1/anomalies", "GET /api/v1/incidents",
        "GET /api/v1/workloads", "GET /api/v1/workloads/{name}", "PUT /api/v1/workloads/{name}", "DELETE /api/v1/workloads/{name}",
        "GET /api/v1/scaling", "GET /api/v1/scaling/{name}", "GET /api/v1/scaling/{name}/history",
        "GET /api/v1/recommendations", "GET /api/v1/capacity/{name}",
    ];

    [Fact]
    public async Task The_openapi_document_lists_every_route_the_server_maps_and_no_other()
    {
        await using var server = await TestServer.StartAsync();
        var (key, _) = await Foresight.Security.ApiKeys.CreateAsync(server.Server.ApiKeys, "team-a", "test", TimeProvider.System);

        using var response = await server.Client(key).GetAsync(OpenApiDocument.Path);   // once keys exist, the document needs one too
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var documented = document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => $"{op.Name.ToUpperInvariant()} {path.Name}"))
            .ToHashSet();

        var mapped = Endpoints(server).Where(e => e.Pattern != "/openapi/{documentName}.json")
            .SelectMany(e => e.Methods.Select(m => $"{m} {Normalized(e.Endpoint.RoutePattern)}"))
            .ToHashSet();
        mapped.Should().HaveCount(Routes.Length);
        documented.Should().BeEquivalentTo(mapped);
        document.RootElement.GetProperty("info").GetProperty("title").GetString().Should().Be("Foresight");
    }

    [Fact]
    public async Task The_server_maps_the_same_routes_as_before_its_split_into_capabilities()
    {
        await using var server = await TestServer.StartAsync();
        Endpoints(server).Where(e => e.Pattern != "/openapi/{documentName}.json")
            .SelectMany(e => e.Methods.Select(m => $"{m} {e.Pattern}"))
            .Should().BeEquivalentTo(Routes, "the route patterns label the request metrics");
    }

    [Fact]
    public async Task Typed_results_give_the_document_a_schema_per_response()
    {
        await using var server = await TestServer.StartAsync();
        using var document = JsonDocument.Parse(await server.Client().GetStringAsync(OpenApiDocument.Path));
        var decision = document.RootElement.GetProperty("paths").GetProperty("/api/v1/scaling/{name}").GetProperty("get").GetProperty("responses");
        decision.GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString()
            .Should().EndWith("/DecisionDto");
        decision.TryGetProperty("503", out _).Should().BeTrue("no current decision is a documented 503");
        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");
        schemas.GetProperty("DecisionDto").GetProperty("properties").TryGetProperty("desiredReplicas", out _).Should().BeTrue("the schema uses the API's camelCase names");
    }

    [Fact]
    public async Task The_document_declares_the_api_key_schemes_the_bodies_read_and_numbers_as_numbers()
    {
        await using var server = await TestServer.StartAsync();
        using var document = JsonDocument.Parse(await server.Client().GetStringAsync(OpenApiDocument.Path));
        var root = document.RootElement;
        var paths = root.GetProperty("paths");

        var schemes = root.GetProperty("components").GetProperty("securitySchemes");
        schemes.GetProperty("Bearer").GetProperty("scheme").GetString().Should().Be("bearer");
        schemes.GetProperty("ApiKey").GetProperty("in").GetString().Should().Be("header");
        schemes.GetProperty("ApiKey").GetProperty("name").GetString().Should().Be("X-API-Key");
        schemes.GetProperty("Basic").GetProperty("scheme").GetString().Should().Be("basic");
        paths.GetProperty("/api/v1/series").GetProperty("get").GetProperty("security").EnumerateArray()
            .SelectMany(r => r.EnumerateObject().Select(p => p.Name)).Should().BeEquivalentTo(["Bearer", "ApiKey", "Basic"]);
        paths.GetProperty("/v1/metrics").GetProperty("post").TryGetProperty("security", out _).Should().BeTrue();
        foreach (var gated in new[] { "/metrics", "/" })
        {
            paths.GetProperty(gated).GetProperty("get").TryGetProperty("security", out _).Should().BeTrue($"{gated} needs a key once the server has keys");
        }
        foreach (var open in new[] { "/healthz", "/readyz" })
        {
            paths.GetProperty(open).GetProperty("get").TryGetProperty("security", out _).Should().BeFalse($"{open} needs no key");
        }

        var ingest = paths.GetProperty("/api/v1/ingest").GetProperty("post");
        ingest.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _).Should().BeTrue();
        ingest.GetProperty("responses").TryGetProperty("400", out _).Should().BeTrue();
        paths.GetProperty("/api/v1/write").GetProperty("post").GetProperty("requestBody").GetProperty("content")
            .GetProperty("application/x-protobuf").GetProperty("schema").GetProperty("format").GetString().Should().Be("binary");
        var otlp = paths.GetProperty("/v1/metrics").GetProperty("post");
        otlp.GetProperty("requestBody").GetProperty("content").EnumerateObject().Select(c => c.Name).Should().BeEquivalentTo(["application/x-protobuf", "application/json"]);
        otlp.GetProperty("responses").TryGetProperty("413", out _).Should().BeTrue();
        paths.GetProperty("/api/v1/workloads/{name}").GetProperty("put").TryGetProperty("requestBody", out _).Should().BeTrue();

        var replicas = root.GetProperty("components").GetProperty("schemas").GetProperty("DecisionDto").GetProperty("properties").GetProperty("desiredReplicas");
        replicas.GetProperty("type").ValueKind.Should().Be(JsonValueKind.String, "one type, not [\"integer\",\"string\"]");
        replicas.GetProperty("type").GetString().Should().Be("integer");
        replicas.TryGetProperty("pattern", out _).Should().BeFalse();
        Patterns(root, "").Should().BeEmpty("no number is documented as a string with a pattern");
    }

    /// <summary>Where <paramref name="element"/> holds a <c>pattern</c>, as JSON paths.</summary>
    private static IEnumerable<string> Patterns(JsonElement element, string at) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => p.Name == "pattern" ? [$"{at}/pattern"] : Patterns(p.Value, $"{at}/{p.Name}")),
        JsonValueKind.Array => element.EnumerateArray().SelectMany((e, i) => Patterns(e, $"{at}/{i}")),
        _ => [],
    };

    private static List<(RouteEndpoint Endpoint, string Pattern, IReadOnlyList<string> Methods)> Endpoints(TestServer server) =>
        server.Server.Services<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (e, e.RoutePattern.RawText ?? "", e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? (IReadOnlyList<string>)[]))
            .ToList();

    /// <summary>A route pattern as OpenAPI writes its path: parameters by name, without constraints.</summary>
    private static string Normalized(RoutePattern pattern) =>
        "/" + string.Join("/", pattern.PathSegments.Select(s => string.Concat(s.Parts.Select(p => p switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart parameter => "{" + parameter.Name + "}",
            RoutePatternSeparatorPart separator => separator.Content,
            _ => "",
        }))));
}
