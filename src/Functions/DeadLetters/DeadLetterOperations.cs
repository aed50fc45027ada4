using System.Text.Json;
using Crm.Integration.Connectors.ServiceBus;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.TemplatesAdmin;

namespace Crm.Integration.Functions.DeadLetters;

/// <summary>
/// Listing and replay of the hub's dead letters across its queues: each letter's reason resolved
/// (<see cref="DeadLetterReasons"/>), the operator's filter applied, every replay — dry runs too — audited as
/// <see cref="OperationActions.DeadLetterReplay"/> with who, when, the filter, the counts and the ids.
/// </summary>
internal sealed class DeadLetterOperations(
    IDeadLetters deadLetters, DeadLetterReasons reasons, IOperationsAudit audit, TimeProvider time, ILogger<DeadLetterOperations> logger)
{
    /// <summary>
    /// Up to <paramref name="max"/> dead letters of <paramref name="queues"/> (walked in order) after
    /// <paramref name="cursor"/>, only those of <paramref name="reason"/> when given; the cursor of the next page, or null.
    /// </summary>
    public async Task<(IReadOnlyList<DeadLetter> Items, DeadLetterCursor? Next)> ListAsync(
        IReadOnlyList<string> queues, string? reason, int max, DeadLetterCursor? cursor, CancellationToken cancellationToken)
    {
        var items = new List<DeadLetter>();
        var start = cursor is { } from ? Math.Max(0, IndexOf(queues, from.Queue)) : 0;
        foreach (var queue in queues.Skip(start))
        {
            var after = cursor is { } c && c.Queue == queue ? c.After : (long?)null;
            foreach (var letter in await deadLetters.PeekAsync(queue, after, IDeadLetters.MaxScanned, cancellationToken).ConfigureAwait(false))
            {
                var resolved = await reasons.ResolveAsync(letter, cancellationToken).ConfigureAwait(false);
                if (reason is not null && resolved.Reason != reason)
                {
                    continue;
                }

                if (items.Count == max)
                {
                    // One more exists: the next page starts after the last one answered.
                    return (items, new DeadLetterCursor(items[^1].Entity, items[^1].Position));
                }

                items.Add(resolved);
            }
        }

        return (items, null);
    }

    /// <summary>Replays (or, in a dry run, only finds) what <paramref name="request"/> matches, queue by queue, and audits it.</summary>
    public async Task<ReplayReport> ReplayAsync(ReplayRequest request, AdminIdentity admin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(admin);
        var at = time.GetUtcNow();
        var byQueue = new Dictionary<string, QueueReplayCounts>(StringComparer.Ordinal);
        var ids = new List<string?>();
        string? failure = null;
        foreach (var queue in request.Queues)
        {
            var replay = await deadLetters.ReplayAsync(
                queue, async (letter, ct) => request.Matches(await reasons.ResolveAsync(letter, ct).ConfigureAwait(false)), request.DryRun, at, cancellationToken)
                .ConfigureAwait(false);
            byQueue[queue] = new QueueReplayCounts(replay.Matched.Count, replay.Replayed.Count);
            ids.AddRange(request.DryRun ? replay.Matched.Select(m => m.MessageId) : replay.Replayed);
            if (replay.Failure is not null)
            {
                failure = $"{queue}: {replay.Failure}";
                break;
            }
        }

        var report = new ReplayReport(
            request.DryRun, byQueue.Values.Sum(q => q.Matched), byQueue.Values.Sum(q => q.Replayed), ids, byQueue) { Failure = failure };
        var details = JsonSerializer.Serialize(new ReplayAuditDetails(ReplayFilter.Of(request), report), DeadLettersJsonContext.Default.ReplayAuditDetails);
        await audit.RecordAsync(new OperationAudit(OperationActions.DeadLetterReplay, admin.AuditName, at, request.DryRun ? "dry run" : "replay", details), cancellationToken)
            .ConfigureAwait(false);
        Log.DeadLettersReplayed(logger, admin.Subject, request.DryRun, report.Matched, report.Replayed, failure);
        return report;
    }

    private static int IndexOf(IReadOnlyList<string> queues, string queue)
    {
        for (var i = 0; i < queues.Count; i++)
        {
            if (queues[i] == queue)
            {
                return i;
            }
        }

        return -1;
    }
}
