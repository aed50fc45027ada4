using System.Net.Http.Headers;
using System.Text.Json;
using Crm.Integration.Connectors.ServiceBus;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.Common;
using Crm.Integration.Functions.TemplatesAdmin;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Functions.DeadLetters;

/// <summary>
/// <c>/api/admin/dead-letters</c>: the dead letters of the hub's queues, for readers (a peek: nothing is removed or
/// counted), and their replay, for operators. A broker or storage that cannot be reached is a 503 problem.
/// </summary>
internal static class DeadLettersApi
{
    public const string Route = "/api/admin/dead-letters";
    public const int DefaultMax = 50;
    public const int MaxPage = 200;
    private const int MaxBodyBytes = 256 * 1024;

    public static IEndpointRouteBuilder MapDeadLettersApi(this IEndpointRouteBuilder app)
    {
        var deadLetters = app.MapGroup(Route).RequireAuthorization(AdminPolicies.Read).AddEndpointFilter(UnavailableAsync);
        deadLetters.MapGet("", ListAsync);
        deadLetters.MapPost("/replay", ReplayAsync).RequireAuthorization(AdminPolicies.Operate);
        return app;
    }

    private static async Task<IResult> ListAsync(
        DeadLetterOperations operations, [FromQuery] string? queue, [FromQuery] string? reason, [FromQuery] string? max, [FromQuery] string? after, CancellationToken cancellationToken)
    {
        if (queue is not null && !DeadLetterQueues.IsKnown(queue))
        {
            return BadRequest("Unknown queue", $"'queue' must be one of {string.Join(", ", DeadLetterQueues.All)} (or absent for every queue).");
        }

        var size = DefaultMax;
        if (max is not null && (!int.TryParse(max, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out size) || size is < 1 or > MaxPage))
        {
            return BadRequest("Invalid page size", $"'max' must be a whole number from 1 to {MaxPage}.");
        }

        DeadLetterCursor? cursor = null;
        if (after is not null)
        {
            if (!DeadLetterCursor.TryParse(after, out var parsed) || (queue is not null && parsed.Queue != queue))
            {
                return BadRequest("Invalid cursor", "'after' must be a 'next' value this listing answered, for the same queue.");
            }

            cursor = parsed;
        }

        var queues = queue is null ? DeadLetterQueues.All : [queue];
        var (items, next) = await operations.ListAsync(queues, string.IsNullOrEmpty(reason) ? null : reason, size, cursor, cancellationToken).ConfigureAwait(false);
        var document = new DeadLetterListDocument(
            items.Select(l => new DeadLetterItem(l.Entity, l.MessageId, l.Reason, l.Description, l.EnqueuedTime, l.DeliveryCount, l.Subject)).ToList(),
            next?.ToString());
        return TypedResults.Json(document, DeadLettersJsonContext.Default.DeadLetterListDocument);
    }

    /// <summary>
    /// Replays what the body's filter matches. The run belongs to the host, not to the request: a client that goes away
    /// does not stop it between a send and its removal from the dead-letter queue.
    /// </summary>
    private static async Task<IResult> ReplayAsync(
        HttpContext http, DeadLetterOperations operations, IOptions<AdminApiOptions> options, IHostApplicationLifetime lifetime, CancellationToken cancellationToken)
    {
        var (body, refused) = await ReadJsonAsync(http, cancellationToken).ConfigureAwait(false);
        if (refused is not null)
        {
            return refused;
        }

        if (ReplayRequest.Read(body, out var problem) is not { } request)
        {
            return BadRequest("Invalid replay filter", problem!);
        }

        var admin = AdminIdentity.From(http.User, options.Value.PermissionClaims);
        var report = await operations.ReplayAsync(request, admin, lifetime.ApplicationStopping).ConfigureAwait(false);
        return report.Failure is null
            ? TypedResults.Json(report, DeadLettersJsonContext.Default.ReplayReport)
            : Unavailable($"The broker stopped the replay after {report.Replayed} of {report.Matched} messages ({report.Failure}). What was replayed stays replayed, the rest stays dead-lettered; asking again is safe.");
    }

    private static async Task<(JsonElement Body, IResult? Refused)> ReadJsonAsync(HttpContext http, CancellationToken cancellationToken)
    {
        if (http.Request.ContentLength is 0 || (http.Request.ContentType is null && http.Request.ContentLength is null))
        {
            // No body: every field takes its default, a dry run of every queue.
            return (JsonDocument.Parse("{}").RootElement.Clone(), null);
        }

        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var type) || !string.Equals(type.MediaType, "application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (default, TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported content type",
                detail: $"Send the filter as application/json; got '{http.Request.ContentType}'."));
        }

        if (await RequestBodies.ReadAsync(http, MaxBodyBytes, cancellationToken).ConfigureAwait(false) is not { } bytes)
        {
            return (default, TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Body too large", detail: $"A replay filter is at most {MaxBodyBytes} bytes."));
        }

        try
        {
            using var document = JsonDocument.Parse(bytes);
            return (document.RootElement.Clone(), null);
        }
        catch (JsonException ex)
        {
            return (default, BadRequest("Malformed JSON", $"{ex.Message} (line {ex.LineNumber}, byte {ex.BytePositionInLine})."));
        }
    }

    private static async ValueTask<object?> UnavailableAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (QueueUnavailableException ex)
        {
            return Unavailable($"The broker cannot be reached ({ex.Message}). Nothing more was changed; try again shortly.");
        }
        catch (StorageUnavailableException ex)
        {
            return Unavailable($"Storage cannot be reached ({ex.Message}); try again shortly.");
        }
    }

    private static IResult BadRequest(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: title, detail: detail);

    private static IResult Unavailable(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not available now", detail: detail);
}
