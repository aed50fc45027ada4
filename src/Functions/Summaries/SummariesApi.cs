using System.Globalization;
using Crm.Integration.Connectors.HubSpot;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.Operations;
using Crm.Integration.Functions.TemplatesAdmin;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Functions.Summaries;

/// <summary>
/// The daily summaries and HubSpot usage under <c>/api/admin</c>: readers look, operators compute a day now. Storage
/// trouble is a 503 problem; a bad date or window a 400 naming it.
/// </summary>
internal static class SummariesApi
{
    /// <summary>The longest usage window one request reads: two days of minutes.</summary>
    public static readonly TimeSpan MaxUsageWindow = TimeSpan.FromDays(2);

    public static readonly TimeSpan DefaultUsageWindow = TimeSpan.FromHours(1);

    public static IEndpointRouteBuilder MapSummariesApi(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup("/api/admin").RequireAuthorization(AdminPolicies.Read).AddEndpointFilter(StorageProblems.FilterAsync);
        read.MapGet("/summaries/{date}", GetSummaryAsync);
        read.MapGet("/hubspot/usage", UsageAsync);
        var operate = app.MapGroup("/api/admin").RequireAuthorization(AdminPolicies.Operate).AddEndpointFilter(StorageProblems.FilterAsync);
        operate.MapPost("/summaries/{date}/run", RunSummaryAsync);
        return app;
    }

    private static async Task<IResult> GetSummaryAsync(string date, IDailySummaries summaries, CancellationToken cancellationToken)
    {
        if (ParseDay(date) is not { } day)
        {
            return BadDate(date);
        }

        var stored = await summaries.GetAsync(day, cancellationToken).ConfigureAwait(false);
        return stored is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No summary",
                detail: $"No summary was computed for {day:yyyy-MM-dd}; an operator can compute it with POST /api/admin/summaries/{day:yyyy-MM-dd}/run.")
            : TypedResults.Text(stored.Json, "application/json");
    }

    /// <summary>Computes the day now (today too, marked incomplete) and answers it. The run belongs to the host, not to the request.</summary>
    private static async Task<IResult> RunSummaryAsync(string date, DailySummaryJob job, TimeProvider time, IHostApplicationLifetime lifetime)
    {
        if (ParseDay(date) is not { } day)
        {
            return BadDate(date);
        }

        if (day > DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Not begun",
                detail: $"{day:yyyy-MM-dd} (UTC) has not begun: there is nothing to summarise yet.");
        }

        var stored = await job.RunAsync(day, lifetime.ApplicationStopping).ConfigureAwait(false);
        return TypedResults.Text(stored.Json, "application/json");
    }

    private static async Task<IResult> UsageAsync(
        [FromQuery] string? since, [FromQuery] string? until, IHubSpotUsage usage, IOptions<HubSpotOptions> hubSpot, TimeProvider time, CancellationToken cancellationToken)
    {
        DateTimeOffset? from = null;
        DateTimeOffset? to = null;
        if ((since is not null && (from = ParseTime(since)) is null) || (until is not null && (to = ParseTime(until)) is null))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Not a time",
                detail: "since and until are ISO 8601 times with an offset or Z, e.g. 2026-12-02T05:00:00Z.");
        }

        var end = to ?? time.GetUtcNow();
        var start = from ?? end - DefaultUsageWindow;
        if (end <= start || end - start > MaxUsageWindow)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Not a window",
                detail: $"until must be after since, and the window at most {MaxUsageWindow.TotalDays:0} days.");
        }

        // Whole minutes: the one a window starts in counts, the one it ends in only if it has begun.
        var first = HubSpotUsageCounter.MinuteOf(start);
        var minutes = await usage.ReadAsync(first, end, cancellationToken).ConfigureAwait(false);
        var limits = hubSpot.Value;
        var document = new HubSpotUsageDocument(
            first.UtcDateTime, end.UtcDateTime, limits.RequestsPerTenSeconds, limits.RequestsPerTenSeconds * 6, limits.DailyLimit,
            [.. minutes.Select(m => new HubSpotUsageMinuteDocument(m.Minute.UtcDateTime, m.Calls, m.Throttled))]);
        return TypedResults.Json(document, SummariesJsonContext.Default.HubSpotUsageDocument);
    }

    private static DateOnly? ParseDay(string date) =>
        DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;

    private static IResult BadDate(string date) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Not a date",
            detail: $"'{Truncated(date)}' is not a UTC day written yyyy-MM-dd, e.g. 2026-12-01.");

    /// <summary>An ISO 8601 time with its offset (or Z): a time without one would mean the server's zone.</summary>
    private static DateTimeOffset? ParseTime(string text) =>
        HasOffset(text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var at) ? at : null;

    private static bool HasOffset(string text) =>
        text.Length > 10 && text.Contains('T', StringComparison.Ordinal)
        && (text[^1] is 'Z' or 'z' || (text.Length > 6 && text[^6] is '+' or '-' && text[^3] == ':'));

    private static string Truncated(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
