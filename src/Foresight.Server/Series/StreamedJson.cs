using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace Foresight.Server.Series;

/// <summary>What the series API's streamed JSON results share: the OpenAPI description of their body and the writer over the response.</summary>
internal static class StreamedJson
{
    /// <summary>Describes a 200 body of <typeparamref name="TSchema"/>'s shape for the OpenAPI document.</summary>
    public static void Describe<TSchema>(EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(TSchema), ["application/json"]));

    /// <summary>Sets the JSON content type and returns a writer over the response body (the caller disposes it).</summary>
    public static Utf8JsonWriter Open(HttpContext httpContext)
    {
        httpContext.Response.ContentType = "application/json; charset=utf-8";
        return new Utf8JsonWriter(httpContext.Response.BodyWriter.AsStream());
    }
}
