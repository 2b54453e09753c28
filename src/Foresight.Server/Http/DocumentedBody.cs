using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.OpenApi;

namespace Foresight.Server.Http;

/// <summary>Endpoint metadata for the OpenAPI document that changes neither routing nor parsing.</summary>
public static class DocumentedBodies
{
    /// <summary>Documents the body an endpoint reads itself: metadata for the document only, routing and parsing are unchanged.</summary>
    internal static RouteHandlerBuilder WithDocumentedBody(this RouteHandlerBuilder builder, string description, bool binary, params string[] contentTypes) =>
        builder.WithMetadata(new DocumentedBody(description, binary, contentTypes));
}

/// <summary>The body an endpoint reads itself, for the OpenAPI document (the document in Hosting turns it into a request body).</summary>
/// <param name="Description">What the body is.</param>
/// <param name="Binary">Protocol buffers rather than a JSON object.</param>
/// <param name="ContentTypes">The media types the endpoint reads.</param>
internal sealed record DocumentedBody(string Description, bool Binary, IReadOnlyList<string> ContentTypes)
{
    public OpenApiRequestBody ToRequestBody() => new()
    {
        Required = true,
        Description = Description,
        Content = ContentTypes.ToDictionary(t => t, t => new OpenApiMediaType
        {
            Schema = Binary && t != "application/json"
                ? new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" }
                : new OpenApiSchema { Type = JsonSchemaType.Object },
        }),
    };
}
