using System.Globalization;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging;

namespace Crm.Integration.Connectors.HubSpot;

internal sealed class HubSpotMarketingEmailsClient(IHttpClientFactory clients, ILogger<HubSpotMarketingEmailsClient> logger) : IHubSpotMarketingEmails
{    // Asked of the factory per call: the client is a singleton, and a captured HttpClient would keep one handler
    // (its DNS answers and connections) for ever.
    public const string HttpClientName = "hubspot-marketing-emails";


    public async Task<MarketingEmailLookup> FindAsync(long emailId, CancellationToken cancellationToken)
    {
        var path = "marketing/v3/emails/" + emailId.ToString(CultureInfo.InvariantCulture);
        try
        {
            using var response = await clients.CreateClient(HttpClientName).GetAsync(path, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                var email = await response.Content.ReadFromJsonAsync(HubSpotJsonContext.Default.MarketingEmailResponse, cancellationToken).ConfigureAwait(false);
                return new MarketingEmailLookup(MarketingEmailLookupKind.Found, email?.Name);
            }

            var status = (int)response.StatusCode;
            var error = await HubSpotResponses.ReadErrorAsync(response, cancellationToken).ConfigureAwait(false);
            if (status == 404)
            {
                return new MarketingEmailLookup(MarketingEmailLookupKind.NotFound, Error: error);
            }

            Log.MarketingEmailLookupFailed(logger, emailId, status, error.Category, error.CorrelationId);
            return new MarketingEmailLookup(MarketingEmailLookupKind.Unknown, Error: error);
        }
        catch (Exception ex) when (HubSpotResponses.IsUnanswered(ex, cancellationToken))
        {
            return new MarketingEmailLookup(MarketingEmailLookupKind.Unknown, Error: new HubSpotError(0, $"HubSpot did not answer: {ex.GetType().Name}."));
        }
    }
}
