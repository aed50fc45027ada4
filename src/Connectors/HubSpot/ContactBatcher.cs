using System.Diagnostics;
using System.Threading.Channels;
using Crm.Integration.Connectors.Diagnostics;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Connectors.HubSpot;

/// <summary>A contact change written with others in HubSpot batch upserts; the caller gets its own contact's outcome.</summary>
public interface IHubSpotContactWriter
{
    Task<ContactUpsertOutcome> UpsertAsync(ContactChange change, CancellationToken cancellationToken);
}

/// <summary>
/// Gathers contact changes from concurrent handlers into HubSpot batch upserts: a batch leaves when it holds
/// <see cref="HubSpotOptions.MaxBatchSize"/> distinct contacts, or when its window has passed and HubSpot's
/// budget could take it — while the budget is spent, the batch keeps filling instead of waiting half empty. Changes
/// for the same contact coalesce, and every caller gets the outcome of its own contact.
/// </summary>
internal sealed class ContactBatcher : IHubSpotContactWriter, IAsyncDisposable
{
    private readonly Channel<Pending> _pending = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IHubSpotContacts _contacts;
    private readonly IHubSpotBudget _budget;
    private readonly ContactBatchingOptions _options;
    private readonly int _maxBatchSize;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _inFlight;
    private readonly Task _loop;
    private int _waiting;

    public ContactBatcher(IHubSpotContacts contacts, IHubSpotBudget budget, IOptions<ContactBatchingOptions> options, IOptions<HubSpotOptions> hubSpot, TimeProvider time)
    {
        _maxBatchSize = hubSpot.Value.MaxBatchSize;
        _contacts = contacts;
        _budget = budget;
        _options = options.Value;
        _time = time;
        _inFlight = new SemaphoreSlim(_options.MaxConcurrentBatches);
        // Not under the first caller's span: the loop outlives it, and a batch's span takes its parent from its messages.
        using (ExecutionContext.SuppressFlow())
        {
            _loop = Task.Run(GatherAsync);
        }
    }

    /// <summary>Changes queued and not yet in a batch that has left (the <c>crm.hubspot.contacts.waiting</c> gauge).</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Queues a change and waits for its contact's outcome in the batch that carries it.</summary>
    public async Task<ContactUpsertOutcome> UpsertAsync(ContactChange change, CancellationToken cancellationToken)
    {
        var pending = new Pending(change, new TaskCompletionSource<ContactUpsertOutcome>(TaskCreationOptions.RunContinuationsAsynchronously), Activity.Current?.Context ?? default);
        Interlocked.Increment(ref _waiting); // before the loop can take it into a batch and count it out
        if (!_pending.Writer.TryWrite(pending))
        {
            Interlocked.Decrement(ref _waiting);
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
                        if (!Fits(batch, next))
                        {
                            carried = next;
                            break;
                        }

                        Add(batch, next);
                        continue;
                    }

                    // Nothing waiting: a full batch leaves now, any other waits for company until its window closes.
                    if (batch.Count >= _maxBatchSize || !await reader.WaitToReadAsync(window.Token).ConfigureAwait(false))
                    {
                        break;
                    }
                }
            }
            catch (OperationCanceledException) when (window.IsCancellationRequested)
            {
                // The window closed: send what there is, once HubSpot can take it.
            }

            if (carried is null && batch.Count is > 0 && batch.Count < _maxBatchSize)
            {
                carried = await FillUntilHubSpotCanTakeAsync(reader, batch).ConfigureAwait(false);
            }

            if (batch.Count == 0)
            {
                _inFlight.Release();
                continue;
            }

            Interlocked.Add(ref _waiting, -batch.Values.Sum(same => same.Count));
            _ = SendAsync(batch);
        }
    }

    /// <summary>A change for a contact already in the batch coalesces with it (unless coalescing is off); a new contact needs room.</summary>
    private bool Fits(Dictionary<string, List<Pending>> batch, Pending next) =>
        batch.ContainsKey(next.Change.Email) ? _options.Coalesce : batch.Count < _maxBatchSize;

    /// <summary>Keeps adding changes while the budget is spent; returns a change that did not fit, if any.</summary>
    private async Task<Pending?> FillUntilHubSpotCanTakeAsync(ChannelReader<Pending> reader, Dictionary<string, List<Pending>> batch)
    {
        using var stop = new CancellationTokenSource();
        var capacity = _budget.WaitForCapacityAsync(stop.Token).AsTask();
        try
        {
            while (!capacity.IsCompleted && batch.Count < _maxBatchSize)
            {
                var more = reader.WaitToReadAsync(stop.Token).AsTask();
                if (await Task.WhenAny(capacity, more).ConfigureAwait(false) == capacity || !await more.ConfigureAwait(false))
                {
                    return null;
                }

                while (reader.TryRead(out var next))
                {
                    if (!Fits(batch, next))
                    {
                        return next;
                    }

                    Add(batch, next);
                }
            }

            return null;
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await capacity.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopped waiting: the batch filled up, or the channel closed.
            }
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
        using var activity = StartBatchActivity(batch);
        try
        {
            var changes = batch.Values.Select(same => same.Select(p => p.Change).Aggregate((earlier, later) => earlier.Merge(later))).ToList();
            var outcomes = await _contacts.UpsertByEmailAsync(changes, CancellationToken.None)
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

    /// <summary>
    /// The batch call's span: linked to every message it carries, and the child of the first, so that a message's trace
    /// reaches HubSpot (the others reach it through their link).
    /// </summary>
    private static Activity? StartBatchActivity(Dictionary<string, List<Pending>> batch)
    {
        var carried = batch.Values.SelectMany(p => p).Select(p => p.Origin).Where(c => c != default).Distinct().ToList();
        var activity = HubTelemetry.HubSpot.StartActivity(
            "hubspot contacts batch upsert", ActivityKind.Internal, carried.FirstOrDefault(), links: carried.Select(c => new ActivityLink(c)));
        activity?.SetTag("crm.batch.contacts", batch.Count);
        activity?.SetTag("crm.batch.changes", batch.Values.Sum(p => p.Count));
        return activity;
    }

    /// <param name="Origin">The span of the handling that queued the change (its message's trace), linked from the batch call.</param>
    private sealed record Pending(ContactChange Change, TaskCompletionSource<ContactUpsertOutcome> Outcome, ActivityContext Origin);
}
