using System.Net.Http.Json;
using Microsoft.Extensions.Logging;

namespace Crm.Integration.Connectors.HubSpot;

internal sealed class HubSpotGdprClient(IHttpClientFactory clients, ILogger<HubSpotGdprClient> logger) : IHubSpotGdpr
{    // Asked of the factory per call: the client is a singleton, and a captured HttpClient would keep one handler
    // (its DNS answers and connections) for ever.
    public const string HttpClientName = "hubspot-gdpr";


    private const string GdprDeletePath = "crm/v3/objects/contacts/gdpr-delete";

    public async Task<GdprDeleteOutcome> DeleteContactAsync(string email, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await clients.CreateClient(HttpClientName).PostAsJsonAsync(GdprDeletePath, new GdprDeleteRequest(email, "email"), HubSpotJsonContext.Default.GdprDeleteRequest, cancellationToken)
                .ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return new GdprDeleteOutcome(GdprDeleteOutcomeKind.Deleted);
            }

            var status = (int)response.StatusCode;
            var error = await HubSpotResponses.ReadErrorAsync(response, cancellationToken).ConfigureAwait(false);
            Log.GdprDeleteFailed(logger, status, error.Category, error.CorrelationId);
            return new GdprDeleteOutcome(HubSpotResponses.IsTransient(status) ? GdprDeleteOutcomeKind.Transient : GdprDeleteOutcomeKind.Permanent, error);
        }
        catch (Exception ex) when (HubSpotResponses.IsUnanswered(ex, cancellationToken))
        {
            return new GdprDeleteOutcome(GdprDeleteOutcomeKind.Transient, new HubSpotError(0, $"HubSpot did not answer: {ex.GetType().Name}."));
        }
    }
}
