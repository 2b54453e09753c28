using System.Reflection;
using System.Text.Json;
using Foresight.Series;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace Foresight.Server.Series;

/// <summary>
/// Streams <c>{"series":[{"id":..,"metric":..,"labels":{..}},...]}</c> straight from the store's series, in the
/// shape of <see cref="SeriesApi.SeriesListResponse"/>, without building a DTO and a label dictionary per series
/// (a listing of 100,000 series allocated 200,000 objects before its first byte was written).
/// </summary>
internal sealed class SeriesListResult(IReadOnlyList<SeriesInfo> series) : IResult, IEndpointMetadataProvider
{
    /// <summary>Describes the body for the OpenAPI document as <see cref="SeriesApi.SeriesListResponse"/>.</summary>
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        StreamedJson.Describe<SeriesApi.SeriesListResponse>(builder);

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        await using var writer = StreamedJson.Open(httpContext);
        writer.WriteStartObject();
        writer.WritePropertyName("series");
        writer.WriteStartArray();
        for (var i = 0; i < series.Count; i++)
        {
            WriteSeries(writer, series[i]);
            if (writer.BytesPending > 32 * 1024) await writer.FlushAsync(httpContext.RequestAborted);
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(httpContext.RequestAborted);
    }

    /// <summary>Writes one series as <see cref="SeriesApi.SeriesDto"/> serializes: id, metric, labels in their order.</summary>
    internal static void WriteSeries(Utf8JsonWriter writer, SeriesInfo series)
    {
        writer.WriteStartObject();
        writer.WriteNumber("id", series.Id);
        writer.WriteString("metric", series.Metric);
        writer.WritePropertyName("labels");
        writer.WriteStartObject();
        var labels = series.Labels;
        for (var i = 0; i < labels.Count; i++) writer.WriteString(labels[i].Key, labels[i].Value);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
