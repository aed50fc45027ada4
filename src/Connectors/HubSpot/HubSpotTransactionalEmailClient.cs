using System.Diagnostics;
using System.Net.Http.Json;
using Crm.Integration.Connectors.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Crm.Integration.Connectors.HubSpot;

/// <summary>
/// Single-send goes through a client that takes no permit from the portal's budget (HubSpot counts transactional
/// sends apart); reading a send's status is an ordinary marketing API call, so it goes through the budget.
/// </summary>
internal sealed class HubSpotTransactionalEmailClient(IHttpClientFactory clients, HubMetrics metrics, ILogger<HubSpotTransactionalEmailClient> logger)
    : ITransactionalEmail
{
    public const string SendClient = "hubspot-single-send";
    public const string StatusClient = "hubspot-send-status";

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
        // The template's email id and the send id (derived from the event id) say which send this is; the recipient is not recorded.
        using var activity = HubTelemetry.HubSpot.StartActivity("hubspot email send", ActivityKind.Internal);
        activity?.SetTag("hubspot.email_id", email.EmailId);
        activity?.SetTag("hubspot.send_id", email.SendId);
        try
        {
            using var response = await clients.CreateClient(SendClient).PostAsJsonAsync(SendPath, request, HubSpotJsonContext.Default.SingleSendRequest, cancellationToken).ConfigureAwait(false);
            return Traced(activity, await ReadAsync(response, statusId: null, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (HubSpotResponses.IsUnanswered(ex, cancellationToken))
        {
            return Traced(activity, Unanswered(ex));
        }
    }

    public async Task<SendOutcome> GetStatusAsync(string statusId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(statusId);
        using var activity = HubTelemetry.HubSpot.StartActivity("hubspot email send-status", ActivityKind.Internal);
        activity?.SetTag("hubspot.status_id", statusId);
        try
        {
            using var response = await clients.CreateClient(StatusClient).GetAsync(StatusPath + Uri.EscapeDataString(statusId), cancellationToken).ConfigureAwait(false);
            return Traced(activity, await ReadAsync(response, statusId, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (HubSpotResponses.IsUnanswered(ex, cancellationToken))
        {
            return Traced(activity, Unanswered(ex));
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

    /// <summary>The answer on the span, and a final <c>sendResult</c> counted: each send reaches one, at its send or at the poll that ends its watch.</summary>
    private SendOutcome Traced(Activity? activity, SendOutcome outcome)
    {
        if (outcome.Status is { IsFinal: true } final)
        {
            metrics.EmailSendResult(final.SendResult);
        }

        if (activity is not null)
        {
            activity.SetTag("crm.outcome", outcome.Kind.ToString());
            activity.SetTag("hubspot.status", outcome.Status?.Status);
            activity.SetTag("hubspot.send_result", outcome.Status?.SendResult);
            activity.SetTag("http.response.status_code", outcome.Error?.Status);
            if (outcome.Kind != SendOutcomeKind.Answered)
            {
                activity.SetStatus(ActivityStatusCode.Error, outcome.Kind.ToString());
            }
        }

        return outcome;
    }

    private static SendOutcome Unanswered(Exception ex) =>
        new(SendOutcomeKind.Transient, Error: new HubSpotError(0, $"HubSpot did not answer: {ex.GetType().Name}."));
}
