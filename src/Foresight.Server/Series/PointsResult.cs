using System.Reflection;
using System.Text.Json;
using Foresight.Series;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace Foresight.Server.Series;

/// <summary>Streams <c>{"series":{...},"points":[[ts,value],...]}</c>; NaN and infinities as strings, as Prometheus' API does.</summary>
internal sealed class PointsResult(SeriesInfo series, IReadOnlyList<Point> points) : IResult, IEndpointMetadataProvider
{
    /// <summary>Describes the body for the OpenAPI document as <see cref="SeriesApi.PointsResponse"/>.</summary>
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        StreamedJson.Describe<SeriesApi.PointsResponse>(builder);

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        await using var writer = StreamedJson.Open(httpContext);
        writer.WriteStartObject();
        writer.WritePropertyName("series");
        SeriesListResult.WriteSeries(writer, series);
        writer.WritePropertyName("points");
        writer.WriteStartArray();
        for (var i = 0; i < points.Count; i++)
        {
            var p = points[i];
            writer.WriteStartArray();
            writer.WriteNumberValue(p.Timestamp);
            if (double.IsFinite(p.Value)) writer.WriteNumberValue(p.Value);
            else writer.WriteStringValue(double.IsNaN(p.Value) ? "NaN" : p.Value > 0 ? "+Inf" : "-Inf");
            writer.WriteEndArray();
            if (writer.BytesPending > 32 * 1024) await writer.FlushAsync();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync();
    }
}
