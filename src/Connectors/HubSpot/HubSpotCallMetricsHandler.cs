using Crm.Integration.Connectors.Diagnostics;

namespace Crm.Integration.Connectors.HubSpot;

/// <summary>
/// Counts every attempt that reaches the network (<c>crm.hubspot.calls</c> by endpoint and status, 0 for no answer) and
/// every 429 by the policy its body names (<c>crm.hubspot.throttled</c>). Innermost of the HubSpot handlers, so that a
/// call the budget answered itself (the daily cap spent) is not counted as one HubSpot received. The same counts go, per
/// minute, into <see cref="HubSpotUsageCounter"/> (memory only: the call never waits on storage).
/// </summary>
internal sealed class HubSpotCallMetricsHandler(HubMetrics metrics, HubSpotUsageCounter usage) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var endpoint = HubSpotEndpoints.Of(request.RequestUri);
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            metrics.HubSpotCall(endpoint, 0);
            usage.Count(0);
            throw;
        }

        var status = (int)response.StatusCode;
        metrics.HubSpotCall(endpoint, status);
        usage.Count(status);
        if (status == 429)
        {
            metrics.Throttled(await HubSpotResponses.PolicyNameAsync(response, cancellationToken).ConfigureAwait(false));
        }

        return response;
    }
}

/// <summary>A HubSpot request's endpoint as a fixed name: paths carry ids (and, when looking a contact up, an email).</summary>
internal static class HubSpotEndpoints
{
    public static string Of(Uri? uri)
    {
        var path = uri is null ? "" : (uri.IsAbsoluteUri ? uri.AbsolutePath : uri.OriginalString.Split('?')[0]).TrimStart('/');
        return path switch
        {
            "crm/v3/objects/contacts/batch/upsert" => "contacts.batch_upsert",
            _ when path.StartsWith("crm/v3/objects/contacts/", StringComparison.Ordinal) => "contacts.read",
            "events/v3/send" => "events.send",
            "marketing/v3/transactional/single-email/send" => "emails.single_send",
            _ when path.StartsWith("marketing/v3/email/send-statuses/", StringComparison.Ordinal) => "emails.send_status",
            _ when path.StartsWith("marketing/v3/emails/", StringComparison.Ordinal) => "emails.read",
            _ when path.StartsWith("oauth/", StringComparison.Ordinal) => "oauth.token",
            _ => "other",
        };
    }
}
