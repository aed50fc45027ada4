using System.Text.Json;
using Crm.Integration.Connectors.Diagnostics;
using Crm.Integration.Connectors.ServiceBus;
using Crm.Integration.Functions.Common;
using Crm.Integration.Functions.Execution;
using Crm.Integration.Functions.Hosting;

namespace Crm.Integration.Functions.Auth0Events;

/// <summary>The queue trigger of <c>auth0-log-events</c>: message in, typed event to the handler, verdict back to the broker.</summary>
internal sealed class Auth0EventsTrigger(
    IQueueListener listener, Auth0LogEventHandler handler, HubMetrics metrics, TimeProvider time, ILogger<Auth0EventsTrigger> logger)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        listener.RunAsync(QueueNames.Auth0LogEvents, HandleMessageAsync, stoppingToken);

    internal Task<Settlement> HandleMessageAsync(InboundMessage message, CancellationToken cancellationToken) =>
        FailurePolicy.SettleAsync(() => HandleAsync(message, cancellationToken), time, cancellationToken);

    private async Task<Settlement> HandleAsync(InboundMessage message, CancellationToken cancellationToken)
    {
        Auth0LogEvent? logEvent;
        try
        {
            logEvent = JsonSerializer.Deserialize(JsonText.Repair(message.Body).Span, FunctionsJsonContext.Default.Auth0LogEvent);
        }
        catch (JsonException ex)
        {
            Log.Auth0EventMalformed(logger, message.MessageId, ex.LineNumber, ex.BytePositionInLine);
            return Settlement.DeadLetter(Reasons.MalformedEvent.Code, $"The body is not an Auth0 log event: {Quote.Short(ex.Message)}");
        }

        if (logEvent is null)
        {
            return Settlement.DeadLetter(Reasons.MalformedEvent.Code, "The body is JSON null, not an Auth0 log event.");
        }

        using var activity = TriggerTelemetry.StartHandling(HubTelemetry.Auth0Events, Auth0Channel.Name, logEvent.Data?.Type, logEvent.LogId ?? logEvent.Data?.LogId);
        var outcome = await handler.HandleAsync(logEvent, message.ReplayedAt is not null, cancellationToken).ConfigureAwait(false);
        metrics.Handled(activity, Auth0Channel.Name, logEvent.Data?.Type, outcome,
            Auth0Dates.TryParse(logEvent.Data?.Date, out var occurred) ? occurred : null, time.GetUtcNow());
        return await FailurePolicy.ToSettlementAsync(outcome, time, cancellationToken).ConfigureAwait(false);
    }
}
