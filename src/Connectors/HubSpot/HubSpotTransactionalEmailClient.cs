using System.Net.Http.Json;
using Microsoft.Extensions.Logging;

namespace Crm.Integration.Connectors.HubSpot;

internal sealed class HubSpotTransactionalEmailClient(HttpClient http, ILogger<HubSpotTransactionalEmailClient> logger) : ITransactionalEmail
{
    private const string SendPath = "marketing/v3/transactional/single-email/send";
    private const string StatusPath = "marketing/v3/email/send-statuses/";

    public async Task<SendOutcome> SendAsync(SingleSendEmail email, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(email);
        var request = new SingleSendRequest(
            email.EmailId,
            new SingleSendMessage(email.To, email.From, email.ReplyTo, email.Cc, email.Bcc, email.SendId),
            email.ContactProperties,
            email.CustomProperties);
        try
        {
            using var response = await http.PostAsJsonAsync(SendPath, request, HubSpotJsonContext.Default.SingleSendRequest, cancellationToken).ConfigureAwait(false);
            return await ReadAsync(response, statusId: null, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (HubSpotResponses.IsUnanswered(ex, cancellationToken))
        {
            return Unanswered(ex);
        }
    }

    public async Task<SendOutcome> GetStatusAsync(string statusId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(statusId);
        try
        {
            using var response = await http.GetAsync(StatusPath + Uri.EscapeDataString(statusId), cancellationToken).ConfigureAwait(false);
            return await ReadAsync(response, statusId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (HubSpotResponses.IsUnanswered(ex, cancellationToken))
        {
            return Unanswered(ex);
        }
    }

    private async Task<SendOutcome> ReadAsync(HttpResponseMessage response, string? statusId, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        if (response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadFromJsonAsync(HubSpotJsonContext.Default.SendStatusBody, cancellationToken).ConfigureAwait(false);
            if (body?.StatusId is { Length: > 0 } id && body.Status is { Length: > 0 } state)
            {
                return new SendOutcome(SendOutcomeKind.Answered, new SendStatus(id, state, body.SendResult, body.CompletedAt));
            }

            return new SendOutcome(SendOutcomeKind.Transient, Error: new HubSpotError(status, "The answer carries no statusId or status."));
        }

        var error = await HubSpotResponses.ReadErrorAsync(response, cancellationToken).ConfigureAwait(false);
        if (statusId is null)
        {
            Log.SendFailed(logger, status, error.Category, error.CorrelationId);
        }
        else
        {
            Log.SendStatusFailed(logger, statusId, status, error.Category, error.CorrelationId);
        }

        return new SendOutcome(HubSpotResponses.IsTransient(status) ? SendOutcomeKind.Transient : SendOutcomeKind.Permanent, Error: error);
    }

    private static SendOutcome Unanswered(Exception ex) =>
        new(SendOutcomeKind.Transient, Error: new HubSpotError(0, $"HubSpot did not answer: {ex.GetType().Name}."));
}
