using Crm.Integration.Connectors.Diagnostics;
using Crm.Integration.Connectors.ServiceBus;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.Auth0Events;
using Crm.Integration.Functions.Common;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Functions.Auth0LogStream;

/// <summary>How a delivery was disposed of; the counts add up to the entries received.</summary>
public sealed record LogStreamReceipt(int Received, int Forwarded, int Ignored, int Rejected);

/// <summary>
/// Puts the forwarded types of a delivery on the <c>auth0-log-events</c> queue and records rejected entries in the
/// ledger. Returns only once both are durable; throws <see cref="QueueUnavailableException"/> or
/// <see cref="StorageUnavailableException"/> otherwise, so that Auth0 is told to send the delivery again.
/// </summary>
internal sealed class Auth0LogStreamHandler(
    IQueueSender queue,
    INotificationLedger ledger,
    IOptionsMonitor<Auth0LogStreamOptions> options,
    Auth0LogStreamMetrics metrics,
    TimeProvider timeProvider,
    ILogger<Auth0LogStreamHandler> logger)
{
    public async Task<LogStreamReceipt> HandleAsync(Auth0LogBatch batch, CancellationToken cancellationToken)
    {
        var plan = LogStreamPlan.For(batch, options.CurrentValue.ForwardedTypes);
        using var activity = HubTelemetry.Auth0LogStream.StartActivity("auth0 log-stream forward");
        activity?.SetTag("crm.entries.received", batch.Count);
        activity?.SetTag("crm.entries.forwarded", plan.Forward.Count);

        var messages = plan.Forward.Select(entry => new OutboundMessage(entry.LogId, entry.Type, entry.Json)).ToList();
        await queue.SendAsync(QueueNames.Auth0LogEvents, messages, cancellationToken).ConfigureAwait(false);

        var now = timeProvider.GetUtcNow();
        await Parallel.ForEachAsync(batch.Rejected, cancellationToken, (rejected, ct) => new ValueTask(RecordRejectedAsync(rejected, now, ct)))
            .ConfigureAwait(false);

        metrics.Record(batch, plan);
        return new LogStreamReceipt(batch.Count, plan.Forward.Count, plan.Ignored, batch.Rejected.Count);
    }

    private async Task RecordRejectedAsync(RejectedLogEntry rejected, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            await ledger.RecordRejectedAsync(
                new NotificationReceipt(rejected.SourceId, Auth0Channel.Name, rejected.Type ?? "unknown", now), rejected.Reason, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (StorageRefusedException ex)
        {
            // The entry is rejected either way; storage refusing its row for good must not make Auth0 resend the
            // delivery (with its valid entries) forever. An outage still throws, and the delivery is answered 503.
            Log.LogStreamRejectNotRecorded(logger, rejected.SourceId, ex.Message);
        }
    }
}

/// <summary>Which entries go on the queue: forwarded types only, each <c>log_id</c> once per delivery.</summary>
internal sealed record LogStreamPlan(IReadOnlyList<Auth0LogEntry> Forward, int Ignored)
{
    public static LogStreamPlan For(Auth0LogBatch batch, IReadOnlyCollection<string> forwardedTypes)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var forward = new List<Auth0LogEntry>(batch.Entries.Count);
        var ignored = 0;
        foreach (var entry in batch.Entries)
        {
            if (!forwardedTypes.Contains(entry.Type))
            {
                ignored++;
            }
            else if (seen.Add(entry.LogId))
            {
                forward.Add(entry);
            }
            else
            {
                // Auth0 repeated an event inside one delivery: the copy is acknowledged like the original.
                ignored++;
            }
        }

        return new LogStreamPlan(forward, ignored);
    }
}
