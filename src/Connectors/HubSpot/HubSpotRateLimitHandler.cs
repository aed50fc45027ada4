using System.Globalization;
using System.Net;

namespace Crm.Integration.Connectors.HubSpot;

/// <summary>
/// Every attempt, retries included, waits for a permit from the portal's budget; every answer corrects the budget from
/// HubSpot's headers, and a 429 tells it which policy was hit. A client whose calls can wait <paramref name="yields"/>
/// to the others (<see cref="HubSpotRateLimiter.AcquireYieldingAsync"/>).
/// </summary>
internal sealed class HubSpotRateLimitHandler(HubSpotRateLimiter limiter, bool yields) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (limiter.DailyBudgetSpent)
        {
            // Waiting for tomorrow inside a call would hold a message for hours: answer as HubSpot would, at once.
            return HubSpotResponses.DailyLimitReached(request);
        }

        // Held until the answer is in: the call counts against the window from then (see HubSpotRateLimiter).
        using var lease = yields
            ? await limiter.AcquireYieldingAsync(cancellationToken).ConfigureAwait(false)
            : await limiter.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        if (!lease.IsAcquired)
        {
            throw new InvalidOperationException("The HubSpot rate limiter refused a permit.");
        }

        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        limiter.Correct(IntHeader(response, "X-HubSpot-RateLimit-Max"), IntHeader(response, "X-HubSpot-RateLimit-Remaining"));
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            limiter.Throttled(await HubSpotResponses.PolicyNameAsync(response, cancellationToken).ConfigureAwait(false), response.Headers.RetryAfter?.Delta);
        }

        return response;
    }

    private static int? IntHeader(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) && int.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;
}
