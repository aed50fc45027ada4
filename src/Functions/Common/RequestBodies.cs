using System.Buffers;
using Microsoft.AspNetCore.Http.Features;

namespace Crm.Integration.Functions.Common;

internal static class RequestBodies
{
    /// <summary>
    /// The whole body, or null when it is larger than <paramref name="maxBytes"/> (read no further than that), with or
    /// without Content-Length. A body that stops coming (Kestrel's minimum data rate) throws <see cref="BadHttpRequestException"/> 408.
    /// </summary>
    public static async Task<ReadOnlyMemory<byte>?> ReadAsync(HttpContext http, long maxBytes, CancellationToken cancellationToken)
    {
        if (http.Request.ContentLength > maxBytes)
        {
            return null;
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            // The loop below counts the body's own bytes and stops just past the limit. Kestrel's limit must not apply as
            // well: for a chunked body it counts the chunk framing too, so 4 MiB sent in 16-byte chunks exceeded 5 MiB.
            limit.MaxRequestBodySize = null;
        }

        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(http.Request.ContentLength ?? 64 * 1024, maxBytes) + 1);
        try
        {
            int read;
            while ((read = await http.Request.Body.ReadAsync(buffer.GetMemory(16 * 1024), cancellationToken).ConfigureAwait(false)) > 0)
            {
                buffer.Advance(read);
                if (buffer.WrittenCount > maxBytes)
                {
                    return null;
                }
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }

        return buffer.WrittenMemory;
    }
}
