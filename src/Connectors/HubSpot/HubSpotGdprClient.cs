using System.Net.Http.Json;
using Microsoft.Extensions.Logging;

namespace Crm.Integration.Connectors.HubSpot;

internal sealed class HubSpotGdprClient(HttpClient http, ILogger<HubSpotGdprClient> logger) : IHubSpotGdpr
{
    private const string GdprDeletePath = "crm/v3/objects/contacts/gdpr-delete";

    public async Task<GdprDeleteOutcome> DeleteContactAsync(string email, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.PostAsJsonAsync(GdprDeletePath, new GdprDeleteRequest(email, "email"), HubSpotJsonContext.Default.GdprDeleteRequest, cancellationToken)
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
