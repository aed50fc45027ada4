using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Crm.Integration.Connectors.HubSpot;

/// <summary>Reading HubSpot's answers: which are worth another attempt, and what a 429 says.</summary>
internal static class HubSpotResponses
{
    /// <summary>423 locked, 477 migrating, 429 within the ten-second policy, 408 and 5xx; not a 429 for the daily policy.</summary>
    public static async ValueTask<bool> IsWorthRetryingAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        (int)response.StatusCode switch
        {
            429 => await PolicyNameAsync(response, cancellationToken).ConfigureAwait(false) != "DAILY",
            408 or 423 or 477 => true,
            >= 500 => true,
            _ => false,
        };

    /// <summary>HubSpot asks for at least two seconds after 423, and says how long in <c>Retry-After</c> otherwise.</summary>
    public static TimeSpan? RequestedDelay(HttpResponseMessage response)
    {
        // HubSpot sends Retry-After in seconds; a date form is not used by it and is ignored here.
        var retryAfter = response.Headers.RetryAfter?.Delta;
        if ((int)response.StatusCode == 423)
        {
            return retryAfter is { } asked && asked > TimeSpan.FromSeconds(2) ? asked : TimeSpan.FromSeconds(2);
        }

        return retryAfter is { } delay && delay > TimeSpan.Zero ? delay : null;
    }

    public static async Task<string?> PolicyNameAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
            using var body = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
            return body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("policyName", out var policy)
                ? policy.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Statuses that say "not now" rather than "never": authentication being renewed, throttling, HubSpot busy or down.</summary>
    public static bool IsTransient(int status) => status is 401 or 408 or 423 or 429 or 477 or >= 500;

    /// <summary>No answer at all: the network failed or the attempt timed out (not the caller giving up).</summary>
    public static bool IsUnanswered(Exception exception, CancellationToken cancellationToken) =>
        exception is HttpRequestException or TimeoutException || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested);

    /// <summary>HubSpot's error body as far as the ledger may keep it: status, message (emails redacted), category, correlation id.</summary>
    public static async Task<HubSpotError> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var body = await response.Content.ReadFromJsonAsync(HubSpotJsonContext.Default.ErrorBody, cancellationToken).ConfigureAwait(false);
            return new HubSpotError((int)response.StatusCode, body?.Message ?? response.ReasonPhrase ?? "No message.", body?.Category ?? body?.PolicyName ?? (body?.Status is "error" ? null : body?.Status), body?.CorrelationId);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException)
        {
            return new HubSpotError((int)response.StatusCode, response.ReasonPhrase ?? "Unreadable error body.");
        }
    }

    public static HttpResponseMessage DailyLimitReached(HttpRequestMessage request) => new(HttpStatusCode.TooManyRequests)
    {
        RequestMessage = request,
        Content = new StringContent(
            """{"status":"error","message":"The daily HubSpot budget of this hub is spent; not sent.","errorType":"RATE_LIMIT","policyName":"DAILY"}""",
            Encoding.UTF8,
            "application/json"),
    };
}
