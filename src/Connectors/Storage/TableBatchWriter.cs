using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;

namespace Crm.Integration.Connectors.Storage;

/// <summary>
/// Writes rows of one table as entity-group transactions: concurrent writes to one partition that meet while the
/// partition's previous transaction is on its way leave together, up to 100 in one request. At low load each write
/// goes alone and at once; under load the requests per row fall towards 1/100. Each caller gets its own row's answer:
/// when storage names the one action that failed a transaction (409 exists, 412 moved, 404 gone), only that caller gets
/// the failure and the others go again in the next transaction.
/// </summary>
internal sealed class TableBatchWriter(LazyTable table)
{
    /// <summary>Azure Tables takes at most 100 actions in one transaction.</summary>
    private const int MaxActions = 100;

    private readonly ConcurrentDictionary<string, Lane> _lanes = new(StringComparer.Ordinal);

    /// <summary>
    /// Runs the action in the next transaction of its partition. Throws what a single request would: a
    /// <see cref="RequestFailedException"/> (a <see cref="TableTransactionFailedException"/>) or the SDK's
    /// <see cref="AggregateException"/> when storage did not answer.
    /// </summary>
    public Task<Response> SubmitAsync(TableTransactionAction action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        var pending = new Pending(action, new TaskCompletionSource<Response>(TaskCreationOptions.RunContinuationsAsynchronously));
        while (true)
        {
            var lane = _lanes.GetOrAdd(action.Entity.PartitionKey, _ => new Lane());
            lock (lane)
            {
                if (lane.Retired)
                {
                    continue; // emptied and removed a moment ago: take the partition's new lane
                }

                lane.Queue.Add(pending);
                if (!lane.Running)
                {
                    lane.Running = true;
                    _ = Task.Run(() => DrainAsync(action.Entity.PartitionKey, lane), CancellationToken.None);
                }
            }

            // The write goes on if the caller stops waiting: it may already be on its way to storage.
            return pending.Answer.Task.WaitAsync(cancellationToken);
        }
    }

    private async Task DrainAsync(string partitionKey, Lane lane)
    {
        while (true)
        {
            List<Pending> batch;
            lock (lane)
            {
                if (lane.Queue.Count == 0)
                {
                    lane.Running = false;
                    lane.Retired = true;
                    _lanes.TryRemove(new KeyValuePair<string, Lane>(partitionKey, lane));
                    return;
                }

                batch = TakeBatch(lane.Queue);
            }

            var retry = await SubmitBatchAsync(batch).ConfigureAwait(false);
            if (retry.Count > 0)
            {
                lock (lane)
                {
                    lane.Queue.InsertRange(0, retry);
                }
            }
        }
    }

    /// <summary>Up to 100 actions, one per row (a row may appear once in a transaction); the rest wait for the next.</summary>
    private static List<Pending> TakeBatch(List<Pending> queue)
    {
        var rows = new HashSet<string>(StringComparer.Ordinal);
        var batch = new List<Pending>(Math.Min(queue.Count, MaxActions));
        for (var i = 0; i < queue.Count && batch.Count < MaxActions; i++)
        {
            if (rows.Add(queue[i].Action.Entity.RowKey))
            {
                batch.Add(queue[i]);
                queue.RemoveAt(i--);
            }
        }

        return batch;
    }

    /// <summary>Submits one transaction; returns the actions to send again (those that did not fail themselves).</summary>
    private async Task<List<Pending>> SubmitBatchAsync(List<Pending> batch)
    {
        try
        {
            var client = await table.GetAsync(CancellationToken.None).ConfigureAwait(false);
            var answers = await client.SubmitTransactionAsync(batch.Select(p => p.Action), CancellationToken.None).ConfigureAwait(false);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Answer.TrySetResult(answers.Value[i]);
            }

            return [];
        }
        catch (TableTransactionFailedException ex) when (batch.Count > 1)
        {
            if (ex.FailedTransactionActionIndex is int failed && failed >= 0 && failed < batch.Count)
            {
                batch[failed].Answer.TrySetException(ex);
                batch.RemoveAt(failed);
                return batch;
            }

            // Storage did not say which action failed: each goes alone, so that each caller learns its own answer.
            foreach (var single in batch)
            {
                await SubmitBatchAsync([single]).ConfigureAwait(false);
            }

            return [];
        }
        catch (Exception ex)
        {
            foreach (var pending in batch)
            {
                pending.Answer.TrySetException(ex);
            }

            return [];
        }
    }

    private sealed class Lane
    {
        public List<Pending> Queue { get; } = [];

        public bool Running { get; set; }

        public bool Retired { get; set; }
    }

    private sealed record Pending(TableTransactionAction Action, TaskCompletionSource<Response> Answer);
}
