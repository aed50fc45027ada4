using System.Threading.Channels;
using Crm.Integration.Connectors.HubSpot;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Functions.Contacts;

/// <summary>
/// Gathers contact changes from concurrent handlers into HubSpot batch upserts: a batch leaves when it holds
/// <see cref="ContactBatchingOptions.MaxBatchSize"/> distinct contacts or its window has passed. Changes for the same
/// contact coalesce, and every caller gets the outcome of its own contact.
/// </summary>
internal sealed class ContactBatcher : IAsyncDisposable
{
    private readonly Channel<Pending> _pending = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IHubSpotContacts _contacts;
    private readonly ContactBatchingOptions _options;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _inFlight;
    private readonly Task _loop;

    public ContactBatcher(IHubSpotContacts contacts, IOptions<ContactBatchingOptions> options, TimeProvider time)
    {
        _contacts = contacts;
        _options = options.Value;
        _time = time;
        _inFlight = new SemaphoreSlim(_options.MaxConcurrentBatches);
        _loop = Task.Run(GatherAsync);
    }

    /// <summary>Queues a change and waits for its contact's outcome in the batch that carries it.</summary>
    public async Task<ContactUpsertOutcome> UpsertAsync(ContactChange change, CancellationToken cancellationToken)
    {
        var pending = new Pending(change, new TaskCompletionSource<ContactUpsertOutcome>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_pending.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(ContactBatcher));
        }

        return await pending.Outcome.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task GatherAsync()
    {
        var reader = _pending.Reader;
        Pending? carried = null; // the first change of the next batch, read when this one was already full
        while (carried is not null || await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            await _inFlight.WaitAsync().ConfigureAwait(false);
            var batch = new Dictionary<string, List<Pending>>(StringComparer.Ordinal);
            if (carried is not null)
            {
                Add(batch, carried);
                carried = null;
            }

            using var window = new CancellationTokenSource(_options.Window, _time);
            try
            {
                while (true)
                {
                    if (reader.TryRead(out var next))
                    {
                        if (batch.Count >= _options.MaxBatchSize && !batch.ContainsKey(next.Change.Email))
                        {
                            carried = next;
                            break;
                        }

                        Add(batch, next);
                        continue;
                    }

                    // Nothing waiting: a full batch leaves now, any other waits for company until its window closes.
                    if (batch.Count >= _options.MaxBatchSize || !await reader.WaitToReadAsync(window.Token).ConfigureAwait(false))
                    {
                        break;
                    }
                }
            }
            catch (OperationCanceledException) when (window.IsCancellationRequested)
            {
                // The window closed: send what there is.
            }

            if (batch.Count == 0)
            {
                _inFlight.Release();
                continue;
            }

            _ = SendAsync(batch);
        }
    }

    private static void Add(Dictionary<string, List<Pending>> batch, Pending pending)
    {
        if (!batch.TryGetValue(pending.Change.Email, out var same))
        {
            batch[pending.Change.Email] = same = [];
        }

        same.Add(pending);
    }

    private async Task SendAsync(Dictionary<string, List<Pending>> batch)
    {
        try
        {
            var changes = batch.Values.Select(same => same.Select(p => p.Change).Aggregate((earlier, later) => earlier.Merge(later))).ToList();
            var outcomes = await _contacts.UpsertByEmailAsync(changes.Select(c => new ContactUpsert(c.Email, c.Properties)).ToList(), CancellationToken.None)
                .ConfigureAwait(false);
            for (var i = 0; i < changes.Count; i++)
            {
                foreach (var pending in batch[changes[i].Email])
                {
                    pending.Outcome.TrySetResult(outcomes[i]);
                }
            }
        }
        catch (Exception ex)
        {
            var failure = ContactUpsertOutcome.Transient(new HubSpotError(0, $"The batch could not be sent: {ex.GetType().Name}."));
            foreach (var pending in batch.Values.SelectMany(p => p))
            {
                pending.Outcome.TrySetResult(failure);
            }
        }
        finally
        {
            _inFlight.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private sealed record Pending(ContactChange Change, TaskCompletionSource<ContactUpsertOutcome> Outcome);
}
