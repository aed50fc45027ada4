using System.Net.Http.Headers;
using Crm.Integration.Connectors.ServiceBus;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.Common;
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
        ReadOnlyMemory<byte>? body;
        try
        {
            body = await RequestBodies.ReadAsync(http, maxBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex)
        {
            // A client that sends too slowly or breaks off (408, 400): its fault, not the hub's; nothing was kept.
            Log.LogStreamBodyUnread(logger, ex.StatusCode, ex.Message);
            return Results.Problem(statusCode: ex.StatusCode, title: "Body not read", detail: ex.Message);
        }

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
}
