using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.Erasure;
using Crm.Integration.Functions.Operations;
using Crm.Integration.Functions.TemplatesAdmin;
using Microsoft.AspNetCore.Mvc;

namespace Crm.Integration.Functions.Deliveries;

/// <summary>
/// The delivery view under <c>/api/admin</c>, for anyone who may read: what became of one event, the events of a
/// window or a person, failures by reason, and events per minute by outcome. Everything is read from the ledger.
/// </summary>
internal static class DeliveryApi
{
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 500;
    private static readonly TimeSpan DefaultWindow = TimeSpan.FromHours(24);

    public static IEndpointRouteBuilder MapDeliveryApi(this IEndpointRouteBuilder app)
    {
        var view = app.MapGroup("/api/admin").RequireAuthorization(AdminPolicies.Read).AddEndpointFilter(StorageProblems.FilterAsync);
        view.MapGet("/events", ListAsync);
        view.MapGet("/events/failures", FailuresAsync);
        view.MapGet("/events/timeline", TimelineAsync);
        view.MapGet("/events/{source}/{id}", FindAsync);
        view.MapGet("/people/{id}/events", PersonAsync);
        return app;
    }

    /// <summary>The newest row of the event among the source's channels; 404 when the hub never saw it.</summary>
    private static async Task<IResult> FindAsync(string source, string id, INotificationLedger ledger, CancellationToken cancellationToken)
    {
        if (EventSources.ChannelsOf(source) is not { } channels)
        {
            return Problem(StatusCodes.Status404NotFound, "No such source", $"Sources: {EventSources.Known}.");
        }

        NotificationRecord? newest = null;
        foreach (var channel in channels)
        {
            if (await ledger.FindAsync(id, channel, cancellationToken).ConfigureAwait(false) is { } row && (newest is null || row.ReceivedAt > newest.ReceivedAt))
            {
                newest = row;
            }
        }

        return newest is null
            ? Problem(StatusCodes.Status404NotFound, "Unknown event", $"No {source} event with this id is in the ledger (never received, or removed by retention).")
            : TypedResults.Json(EventDocument.Of(newest), DeliveryJsonContext.Default.EventDocument);
    }

    private static Task<IResult> ListAsync(
        [FromQuery] string? status, [FromQuery] string? type, [FromQuery] string? source, [FromQuery] string? person,
        [FromQuery] string? since, [FromQuery] string? until, [FromQuery] int? max, [FromQuery] string? after,
        ILedgerReader reader, TimeProvider time, CancellationToken cancellationToken)
    {
        PersonIds? who = null;
        if (person is not null && (who = PersonReference.Parse(person).Person) is null)
        {
            return Task.FromResult(NotAPerson());
        }

        return PageAsync(status, type, source, who, since, until, who is null ? DefaultWindow : DeliveryWindow.Longest, max, after, reader, time, cancellationToken);
    }

    /// <summary>A person's events (by email, matched through the stored fingerprint, or by Auth0 user id), by default over the whole retention.</summary>
    private static Task<IResult> PersonAsync(
        string id, [FromQuery] string? since, [FromQuery] string? until, [FromQuery] int? max, [FromQuery] string? after,
        ILedgerReader reader, TimeProvider time, CancellationToken cancellationToken) =>
        PersonReference.Parse(id).Person is { } who
            ? PageAsync(null, null, null, who, since, until, DeliveryWindow.Longest, max, after, reader, time, cancellationToken)
            : Task.FromResult(NotAPerson());

    private static async Task<IResult> PageAsync(
        string? status, string? type, string? source, PersonIds? person, string? since, string? until, TimeSpan span, int? max, string? after,
        ILedgerReader reader, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!DeliveryWindow.TryParse(since, until, span, time.GetUtcNow(), out var from, out var to, out var windowProblem))
        {
            return Problem(StatusCodes.Status400BadRequest, "Not a window", windowProblem!);
        }

        if (EventSources.ChannelsOf(source) is not { } channels)
        {
            return Problem(StatusCodes.Status400BadRequest, "No such source", $"Sources: {EventSources.Known}.");
        }

        NotificationStatus? wanted = null;
        if (!string.IsNullOrEmpty(status))
        {
            if (!Enum.TryParse<NotificationStatus>(status, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(status, out _))
            {
                return Problem(StatusCodes.Status400BadRequest, "No such status", $"Statuses: {string.Join(", ", Enum.GetNames<NotificationStatus>())}.");
            }

            wanted = parsed;
        }

        if (max is < 1 or > MaxPageSize)
        {
            return Problem(StatusCodes.Status400BadRequest, "Page size out of range", $"'max' is 1 to {MaxPageSize}.");
        }

        try
        {
            var query = new LedgerQuery(channels, from, to, wanted, string.IsNullOrEmpty(type) ? null : type, person);
            var page = await reader.ReadPageAsync(query, max ?? DefaultPageSize, after, cancellationToken).ConfigureAwait(false);
            var items = page.Records.OrderByDescending(r => r.ReceivedAt).Select(EventDocument.Of).ToList();
            return TypedResults.Json(new EventListDocument(from, to, items, page.Next), DeliveryJsonContext.Default.EventListDocument);
        }
        catch (FormatException ex)
        {
            return Problem(StatusCodes.Status400BadRequest, "Not a cursor", $"{ex.Message} Start again without 'after', or with a page's 'next'.");
        }
    }

    private static async Task<IResult> FailuresAsync([FromQuery] string? since, [FromQuery] string? until, ILedgerReader reader, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!DeliveryWindow.TryParse(since, until, DefaultWindow, time.GetUtcNow(), out var from, out var to, out var problem))
        {
            return Problem(StatusCodes.Status400BadRequest, "Not a window", problem!);
        }

        var failed = new List<NotificationRecord>();
        foreach (var status in (NotificationStatus[])[NotificationStatus.Rejected, NotificationStatus.Failed])
        {
            await foreach (var record in reader.ReadAllAsync(new LedgerQuery(Common.LedgerChannels.All, from, to, status), cancellationToken).ConfigureAwait(false))
            {
                failed.Add(record);
            }
        }

        return TypedResults.Json(FailureGroups.Of(failed, from, to), DeliveryJsonContext.Default.FailuresDocument);
    }

    private static async Task<IResult> TimelineAsync(
        [FromQuery] string? since, [FromQuery] string? until, [FromQuery] string? bucket, ILedgerReader reader, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!DeliveryWindow.TryParse(since, until, TimeSpan.FromHours(1), time.GetUtcNow(), out var from, out var to, out var problem))
        {
            return Problem(StatusCodes.Status400BadRequest, "Not a window", problem!);
        }

        var width = string.IsNullOrEmpty(bucket) ? EventTimeline.DefaultBucket(to - from) : bucket.ToLowerInvariant();
        if (width is not (EventTimeline.Minute or EventTimeline.Hour))
        {
            return Problem(StatusCodes.Status400BadRequest, "No such bucket", $"'bucket' is {EventTimeline.Minute} or {EventTimeline.Hour}.");
        }

        if ((to - from) / EventTimeline.Width(width) > EventTimeline.MaxBuckets)
        {
            return Problem(StatusCodes.Status400BadRequest, "Too many buckets", $"A chart has at most {EventTimeline.MaxBuckets} buckets: choose a shorter window or bucket=hour.");
        }

        var records = new List<NotificationRecord>();
        await foreach (var record in reader.ReadAllAsync(new LedgerQuery(Common.LedgerChannels.All, from, to), cancellationToken).ConfigureAwait(false))
        {
            records.Add(record);
        }

        return TypedResults.Json(EventTimeline.Of(records, from, to, width), DeliveryJsonContext.Default.TimelineDocument);
    }

    private static IResult NotAPerson() => Problem(StatusCodes.Status400BadRequest, "Not a person",
        "Name the person by email address or by Auth0 user id (provider|id, with the '|' written %7C in a URL).");

    private static IResult Problem(int status, string title, string detail) => TypedResults.Problem(statusCode: status, title: title, detail: detail);
}
