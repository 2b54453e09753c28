using System.Buffers;
using System.IO.Compression;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Foresight.Server.Http;

/// <summary>The largest request body the server accepts after decompression, in bytes.</summary>
public sealed record RequestLimits(long MaxBodyBytes);

/// <summary>
/// Reads a whole request body (decompressing <c>Content-Encoding: gzip</c>) under a size limit.
/// Too large a body yields 413 before anything is parsed. An <c>opaqueEncoding</c> (snappy for
/// remote-write) is accepted and left to the protocol decoder.
/// </summary>
internal static class RequestBody
{
    public sealed record Body(byte[] Buffer, int Length) : IDisposable
    {
        public ReadOnlySpan<byte> Span => Buffer.AsSpan(0, Length);

        public void Dispose() => ArrayPool<byte>.Shared.Return(Buffer);
    }

    public static async Task<(Body? Body, ProblemHttpResult? Error)> ReadAsync(HttpRequest request, long limit, CancellationToken ct, string? opaqueEncoding = null)
    {
        if (request.ContentLength > limit) return (null, TooLarge(limit));
        Stream stream = request.Body;
        var encoding = request.Headers.ContentEncoding.ToString();
        if (encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase)) stream = new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true);
        else if (encoding.Length > 0 && !encoding.Equals("identity", StringComparison.OrdinalIgnoreCase)
            && !encoding.Equals(opaqueEncoding, StringComparison.OrdinalIgnoreCase))
        {
            // 415 for a content coding the server does not take (RFC 9110 §15.5.16); remote-write checks its own first.
            return (null, TypedResults.Problem($"Content-Encoding '{encoding}' is not supported by this endpoint; it takes gzip or no encoding.",
                statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported Content-Encoding"));
        }
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(request.ContentLength ?? 64 * 1024, 1024, limit));
        var length = 0;
        try
        {
            while (true)
            {
                if (length >= limit)
                {
                    // The body is at the limit: one more byte would exceed it.
                    var probe = new byte[1];
                    if (await stream.ReadAsync(probe, ct) == 0) break;
                    ArrayPool<byte>.Shared.Return(buffer);
                    return (null, TooLarge(limit));
                }
                if (length == buffer.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min(limit, (long)buffer.Length * 2));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                var read = await stream.ReadAsync(buffer.AsMemory(length, (int)Math.Min(buffer.Length, limit) - length), ct);
                if (read == 0) break;
                length += read;
            }
        }
        catch (InvalidDataException ex)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return (null, Problems.BadRequest("Bad gzip body", ex.Message));
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return (null, TooLarge(limit));
        }
        finally
        {
            if (!ReferenceEquals(stream, request.Body)) await stream.DisposeAsync();
        }
        return (new Body(buffer, length), null);
    }

    private static ProblemHttpResult TooLarge(long limit) =>
        TypedResults.Problem($"The request body exceeds the limit of {limit} bytes; send smaller batches.",
            statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large");
}
