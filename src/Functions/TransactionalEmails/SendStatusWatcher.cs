using System.Collections.Concurrent;
using Crm.Integration.Connectors.HubSpot;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.PlatformEvents;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Functions.TransactionalEmails;

/// <summary>
/// Follows accepted sends to their final <c>sendResult</c> off the message path — the message was completed when
/// HubSpot accepted the send — and writes it to the email's ledger row. Looks after
/// <see cref="PlatformEventsOptions.SendStatusFirstPoll"/>, doubling up to <see cref="PlatformEventsOptions.SendStatusMaxInterval"/>,
/// until <see cref="PlatformEventsOptions.SendStatusGiveUpAfter"/>. Watches live in memory: after a restart, the rows of
/// sends still pending keep the status HubSpot first answered.
/// </summary>
internal sealed class SendStatusWatcher(
    ITransactionalEmail email,
    INotificationLedger ledger,
    IOptions<PlatformEventsOptions> options,
    TimeProvider time,
    ILogger<SendStatusWatcher> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private bool _disposed;
    private readonly ConcurrentDictionary<string, Task> _watching = new(StringComparer.Ordinal);

    public int Watching => _watching.Count;

    /// <summary>Starts following a send; false when the watcher is stopping or already follows as many as it may.</summary>
    public bool Watch(NotificationReceipt receipt, string statusId)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        var eventId = receipt.SourceId;
        if (_stopping.IsCancellationRequested || _watching.Count >= options.Value.SendStatusMaxWatched)
        {
            Log.SendStatusNotWatched(logger, eventId, statusId, _watching.Count);
            return false;
        }

        var registered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _watching[statusId] = FollowAsync(receipt, statusId, registered.Task, _stopping.Token);
        registered.SetResult();
        return true;
    }

    private async Task FollowAsync(NotificationReceipt receipt, string statusId, Task registered, CancellationToken stopping)
    {
        var eventId = receipt.SourceId;
        await registered.ConfigureAwait(false);
        var settings = options.Value;
        var started = time.GetUtcNow();
        var wait = settings.SendStatusFirstPoll;
        try
        {
            while (true)
            {
                await Task.Delay(wait, time, stopping).ConfigureAwait(false);
                var answer = await email.GetStatusAsync(statusId, stopping).ConfigureAwait(false);
                if (answer is { Kind: SendOutcomeKind.Answered, Status: { IsFinal: true } status })
                {
                    await RecordAsync(receipt, SendVerdicts.Of(status).Outcome, stopping).ConfigureAwait(false);
                    Log.SendStatusFinal(logger, eventId, statusId, status.SendResult ?? status.Status);
                    return;
                }

                if (answer.Kind == SendOutcomeKind.Permanent || time.GetUtcNow() - started >= settings.SendStatusGiveUpAfter)
                {
                    var why = answer.Kind == SendOutcomeKind.Permanent
                        ? $"The send status cannot be read: {answer.Error}."
                        : $"No final result within {settings.SendStatusGiveUpAfter}; HubSpot last said {answer.Status?.Status ?? answer.Error?.ToString()}.";
                    await RecordAsync(receipt, new NotificationOutcome(NotificationStatus.Delivered, why, statusId), stopping).ConfigureAwait(false);
                    Log.SendStatusGaveUp(logger, eventId, statusId, why);
                    return;
                }

                wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, settings.SendStatusMaxInterval.Ticks));
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping: the row keeps the status HubSpot first answered.
        }
        catch (StorageUnavailableException ex)
        {
            Log.SendStatusNotRecorded(logger, eventId, statusId, ex.Message);
        }
        finally
        {
            _watching.TryRemove(statusId, out _);
        }
    }

    private Task RecordAsync(NotificationReceipt receipt, NotificationOutcome outcome, CancellationToken cancellationToken) =>
        ledger.RecordOutcomeAsync(receipt, outcome, cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // The container may dispose the watcher before the host stops it (seen when a test host with Kestrel is
        // disposed): then there is nothing left to stop.
        if (Volatile.Read(ref _disposed))
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_watching.Values).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        Volatile.Write(ref _disposed, true);
        _stopping.Dispose();
    }
}
