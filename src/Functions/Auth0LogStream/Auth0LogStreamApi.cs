using System.Buffers;
using System.Net.Http.Headers;
using Crm.Integration.Connectors.ServiceBus;
using Crm.Integration.Connectors.Storage;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Functions.Auth0LogStream;

/// <summary>
/// The HTTP trigger Auth0's custom-webhook log stream posts to. It answers 200 only when every forwarded event is on
/// the queue, and 503 otherwise, so that Auth0 sends the delivery again: nothing is acknowledged that is not durable.
/// </summary>
internal static class Auth0LogStreamApi
{
    public const string Route = "/api/auth0/log-stream";

    private static readonly string[] AcceptedMediaTypes = ["application/json", "application/x-ndjson", "text/plain"];

    public static IEndpointRouteBuilder MapAuth0LogStreamApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(Route, ReceiveAsync).WithName("Auth0LogStream");
        return app;
    }

    private static async Task<IResult> ReceiveAsync(
        HttpContext http,
        LogStreamTokens tokens,
        Auth0LogStreamHandler handler,
        IOptionsMonitor<Auth0LogStreamOptions> options,
        ILogger<Auth0LogStreamHandler> logger,
        CancellationToken cancellationToken)
    {
        // Authenticate before reading the body, so an unauthenticated caller cannot make the host buffer megabytes.
        var authentication = await tokens.AuthenticateAsync(http.Request.Headers.Authorization.ToString(), cancellationToken).ConfigureAwait(false);
        if (authentication != LogStreamAuthentication.Valid)
        {
            Log.LogStreamUnauthenticated(logger, authentication);
            return Results.Unauthorized();
        }

        if (!IsAccepted(http.Request.ContentType))
        {
            return Results.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported content type",
                detail: $"Send application/json (a JSON array or object) or application/x-ndjson (JSON lines); got '{http.Request.ContentType}'.");
        }

        var maxBytes = options.CurrentValue.MaxBodyBytes;
        var body = await ReadBodyAsync(http, maxBytes, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            Log.LogStreamTooLarge(logger, http.Request.ContentLength, maxBytes);
            return Results.Problem(
                statusCode: StatusCodes.Status413PayloadTooLarge,
                title: "Body too large",
                detail: $"The body exceeds {maxBytes} bytes (setting {Auth0LogStreamOptions.SectionName}:MaxBodyBytes).");
        }

        if (!Auth0LogBatchParser.TryParse(body.Value, out var batch, out var syntaxError))
        {
            Log.LogStreamMalformed(logger, syntaxError.Line, syntaxError.BytePositionInLine);
            return Results.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "Malformed log-stream body",
                detail: $"{syntaxError.Message} At line {syntaxError.Line}, byte {syntaxError.BytePositionInLine}.",
                extensions: new Dictionary<string, object?> { ["line"] = syntaxError.Line, ["bytePositionInLine"] = syntaxError.BytePositionInLine });
        }

        try
        {
            var receipt = await handler.HandleAsync(batch, cancellationToken).ConfigureAwait(false);
            Log.LogStreamAccepted(logger, receipt.Received, receipt.Forwarded, receipt.Ignored, receipt.Rejected);
            return Results.Ok(receipt);
        }
        catch (Exception ex) when (ex is QueueUnavailableException or StorageUnavailableException)
        {
            Log.LogStreamUnavailable(logger, batch.Count, ex.Message);
            http.Response.Headers.RetryAfter = "10";
            return Results.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Events not stored",
                detail: "The hub could not store the events durably; nothing of this delivery was acknowledged. Send it again.");
        }
    }

    private static bool IsAccepted(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
        && AcceptedMediaTypes.Contains(mediaType.MediaType, StringComparer.OrdinalIgnoreCase);

    /// <summary>The whole body, or null when it is larger than <paramref name="maxBytes"/>.</summary>
    private static async Task<ReadOnlyMemory<byte>?> ReadBodyAsync(HttpContext http, long maxBytes, CancellationToken cancellationToken)
    {
        if (http.Request.ContentLength > maxBytes)
        {
            return null;
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            // Kestrel then stops a chunked body at the limit instead of reading it all.
            limit.MaxRequestBodySize = maxBytes + 1;
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
