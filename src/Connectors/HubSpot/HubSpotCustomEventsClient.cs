using System.Net.Http.Json;
using Microsoft.Extensions.Logging;

namespace Crm.Integration.Connectors.HubSpot;

internal sealed class HubSpotCustomEventsClient(IHttpClientFactory clients, ILogger<HubSpotCustomEventsClient> logger) : IHubSpotCustomEvents
{    // Asked of the factory per call: the client is a singleton, and a captured HttpClient would keep one handler
    // (its DNS answers and connections) for ever.
    public const string HttpClientName = "hubspot-custom-events";


    private const string SendPath = "events/v3/send";

    public async Task<CustomEventOutcome> SendAsync(CustomEventOccurrence occurrence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(occurrence);
        var request = new CustomEventRequest(occurrence.EventName, occurrence.ContactId, occurrence.OccurredAt, occurrence.Uuid, occurrence.Properties);
        try
        {
            using var response = await clients.CreateClient(HttpClientName).PostAsJsonAsync(SendPath, request, HubSpotJsonContext.Default.CustomEventRequest, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return new CustomEventOutcome(CustomEventOutcomeKind.Recorded);
            }

            var error = await HubSpotResponses.ReadErrorAsync(response, cancellationToken).ConfigureAwait(false);
            Log.CustomEventFailed(logger, occurrence.EventName, status, error.Category, error.CorrelationId);
            return new CustomEventOutcome(
                status == 404 ? CustomEventOutcomeKind.ContactNotFound
                : HubSpotResponses.IsTransient(status) ? CustomEventOutcomeKind.Transient
                : CustomEventOutcomeKind.Permanent,
                error);
        }
        catch (Exception ex) when (HubSpotResponses.IsUnanswered(ex, cancellationToken))
        {
            return new CustomEventOutcome(CustomEventOutcomeKind.Transient, new HubSpotError(0, $"HubSpot did not answer: {ex.GetType().Name}."));
        }
    }
}
