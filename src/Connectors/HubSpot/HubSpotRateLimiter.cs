using System.Threading.RateLimiting;

namespace Crm.Integration.Connectors.HubSpot;

/// <summary>
/// The portal's budget, shared by every HubSpot call of this process: HubSpot's rolling ten-second window, counted
/// exactly (a segmented sliding window frees a permit up to a segment early and would draw 429s), and the daily cap.
/// A call counts from when its permit is granted until ten seconds after its lease is disposed — after the answer —
/// because HubSpot counts it on arrival, somewhere in between: counting from the grant alone let a slow early call
/// and a fast later one meet inside HubSpot's window. HubSpot's answers correct it: the <c>X-HubSpot-RateLimit-*</c>
/// headers and any 429.
/// Calls that can wait (reading a send's status) yield to the rest: see <see cref="AcquireYieldingAsync"/>.
/// </summary>
public sealed class HubSpotRateLimiter : RateLimiter, IHubSpotBudget
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan SharePausedWait = TimeSpan.FromMilliseconds(500);

    /// <summary>How long the calls that do not yield must have stopped before status reads may take more than half the window.</summary>
    public static readonly TimeSpan OthersIdleAfter = TimeSpan.FromSeconds(1);

    private readonly TimeProvider _time;
    private readonly LinkedList<Call> _recent = new();
    private readonly Lock _lock = new();
    private int _limit;
    private int _portalLimit;
    private int? _share;
    private DateTimeOffset _shareValidUntil = DateTimeOffset.MaxValue;
    private readonly int _dailyLimit;
    private DateOnly _day;
    private int _dailyUsed;
    private DateTimeOffset _pausedUntil;
    private DateTimeOffset? _lastAcquired;
    private int _othersWaiting; // calls that do not yield, waiting for room (a batch held back included)
    private DateTimeOffset? _lastOther; // the last permit of a call that does not yield

    public HubSpotRateLimiter(int requestsPerTenSeconds, int dailyLimit, TimeProvider time)
    {
        _limit = _portalLimit = requestsPerTenSeconds;
        _dailyLimit = dailyLimit;
        _time = time;
    }

    public override TimeSpan? IdleDuration => _lastAcquired is { } last ? _time.GetUtcNow() - last : null;

    /// <summary>True once the day's budget is spent (here, or on another replica); calls wait for the next UTC day rather than fail.</summary>
    public bool DailyBudgetSpent
    {
        get
        {
            lock (_lock)
            {
                RollDay(_time.GetUtcNow());
                return _dailyUsed >= _dailyLimit;
            }
        }
    }

    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_lock)
        {
            Purge(_time.GetUtcNow());
            return new RateLimiterStatistics { CurrentAvailablePermits = Math.Max(0, _limit - _recent.Count) };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount) =>
        TryTake(permitCount, yields: false, out var lease, out _) ? lease : Lease.Refused;

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        WaitForPermitAsync(permitCount, yields: false, cancellationToken);

    /// <summary>
    /// A permit for a call that can wait: it goes while more than half the window is free, or while such calls hold
    /// less than a tenth of it; and once the other calls have stopped (none waits, none went for
    /// <see cref="OthersIdleAfter"/>), into all of the free room but a tenth, kept for a write that comes. Contact
    /// writes draining a backlog at the ceiling thus leave status reads a tenth of the budget — enough to follow every
    /// send, never more than the writes can spare — and the reads left when the writes are done (a drain's last
    /// seconds) are not held to half of a budget nobody else wants.
    /// </summary>
    public ValueTask<RateLimitLease> AcquireYieldingAsync(CancellationToken cancellationToken) =>
        WaitForPermitAsync(1, yields: true, cancellationToken);

    private async ValueTask<RateLimitLease> WaitForPermitAsync(int permitCount, bool yields, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (TryTake(permitCount, yields, out var lease, out var wait))
            {
                return lease;
            }

            await (yields ? Task.Delay(wait, _time, cancellationToken) : WaitAsOthersWaitAsync(wait, cancellationToken)).ConfigureAwait(false);
        }
    }

    /// <summary>Waits as a call that yields to none: while it waits, calls that yield take no room beyond their tenth.</summary>
    private async Task WaitAsOthersWaitAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _othersWaiting);
        try
        {
            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _othersWaiting);
        }
    }

    public async ValueTask WaitForCapacityAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            TimeSpan wait;
            lock (_lock)
            {
                wait = WaitBeforeNextCall(_time.GetUtcNow(), permits: 1);
            }

            if (wait <= TimeSpan.Zero)
            {
                return;
            }

            await WaitAsOthersWaitAsync(wait, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The portal's limit per ten seconds, as configured or as HubSpot last reported it.</summary>
    public int PortalLimit
    {
        get
        {
            lock (_lock)
            {
                return _portalLimit;
            }
        }
    }

    /// <summary>Calls counted in the window now (in flight, or answered less than ten seconds ago).</summary>
    public int InUse
    {
        get
        {
            lock (_lock)
            {
                Purge(_time.GetUtcNow());
                return _recent.Count;
            }
        }
    }

    /// <summary>The calls per ten seconds this process may spend now: its share, or the portal's limit when alone.</summary>
    public int Limit
    {
        get
        {
            lock (_lock)
            {
                return _limit;
            }
        }
    }

    /// <summary>When this replica's share runs out unless renewed (see <see cref="SetShare"/>).</summary>
    public DateTimeOffset ShareValidUntil
    {
        get
        {
            lock (_lock)
            {
                return _shareValidUntil;
            }
        }
    }

    /// <summary>
    /// This replica's share of the portal's limit (see <see cref="BudgetShare"/>), good until <paramref name="validUntil"/>:
    /// past it, without a newer share, calls pause, because by then the other replicas may count this one gone and take
    /// its share. Calls already in the window still count, so a smaller share takes effect as they leave it. 0 pauses calls.
    /// </summary>
    public void SetShare(int permits, DateTimeOffset validUntil)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(permits);
        lock (_lock)
        {
            _share = permits;
            _shareValidUntil = validUntil;
            _limit = Math.Min(permits, _portalLimit);
        }
    }

    /// <summary>
    /// Takes what HubSpot reported: its limit, and fewer remaining calls than this process's share has free (another
    /// client of the same app, or another replica past its share). HubSpot's remaining count holds every replica's
    /// calls; only what eats into this share's own free part is counted here, so shares are not counted twice.
    /// </summary>
    public void Correct(int? max, int? remaining)
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            if (max is > 0 && max != _portalLimit)
            {
                _portalLimit = max.Value;
                _limit = _share is { } share ? Math.Min(share, _portalLimit) : _portalLimit;
            }

            Purge(now);
            if (remaining is { } left && left < _limit - _recent.Count)
            {
                for (var missing = _limit - _recent.Count - left; missing > 0; missing--)
                {
                    _recent.AddLast(new Call(now, Yields: false));
                }
            }
        }
    }

    /// <summary>HubSpot answered 429 for <paramref name="policy"/>: wait as it says, or until the window or the day turns.</summary>
    public void Throttled(string? policy, TimeSpan? retryAfter)
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            if (policy == "DAILY")
            {
                RollDay(now); // the day it was seen: without this, a fresh limiter's first look at the day undid the stop
                _dailyUsed = _dailyLimit;
                return;
            }

            var until = now + (retryAfter ?? (_recent.Count > 0 ? Oldest() + Window - now : TimeSpan.FromSeconds(1)));
            _pausedUntil = until > _pausedUntil ? until : _pausedUntil;
        }
    }

    private bool TryTake(int permits, bool yields, out RateLimitLease lease, out TimeSpan wait)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permits, 1);
        lock (_lock)
        {
            lease = Lease.Refused;
            var now = _time.GetUtcNow();
            wait = WaitBeforeNextCall(now, permits);
            if (wait <= TimeSpan.Zero && yields && !YieldingMayGo(now))
            {
                // The window frees up as its oldest call leaves it, yielding or not.
                wait = Oldest() + Window - now;
            }

            if (wait > TimeSpan.Zero)
            {
                return false;
            }

            if (permits == 0)
            {
                lease = Lease.Acquired;
                return true;
            }

            _dailyUsed++;
            _lastAcquired = now;
            if (!yields)
            {
                _lastOther = now;
            }

            lease = new Lease(this, _recent.AddLast(new Call(now, yields)));
            return true;
        }
    }

    /// <summary>Called under the lock, after <see cref="Purge"/>.</summary>
    private bool YieldingMayGo(DateTimeOffset now)
    {
        var (free, tenth) = (_limit - _recent.Count, Math.Max(1, _limit / 10));
        var othersStopped = Volatile.Read(ref _othersWaiting) == 0 && (_lastOther is not { } last || now - last >= OthersIdleAfter);
        return free > _limit / 2 || _recent.Count(call => call.Yields) < tenth || (othersStopped && free > tenth);
    }

    /// <summary>Called under the lock, with calls in the window.</summary>
    private DateTimeOffset Oldest() => _recent.Min(call => call.At);

    /// <summary>How long until <paramref name="permits"/> more calls may go: zero when now. Called under the lock.</summary>
    private TimeSpan WaitBeforeNextCall(DateTimeOffset now, int permits)
    {
        RollDay(now);
        Purge(now);
        if (_dailyUsed + permits > _dailyLimit)
        {
            return DateOnly.FromDateTime(now.UtcDateTime).AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) - now.UtcDateTime;
        }

        if (now < _pausedUntil)
        {
            return _pausedUntil - now;
        }

        if (_limit == 0 || now >= _shareValidUntil)
        {
            return SharePausedWait; // no share yet (arriving beside other replicas, or cut off from them): look again soon
        }

        return _recent.Count + permits > _limit ? Oldest() + Window - now : TimeSpan.Zero;
    }

    /// <summary>The call is answered: it counts until ten seconds from now.</summary>
    private void Complete(LinkedListNode<Call> call)
    {
        lock (_lock)
        {
            if (call.List is not null)
            {
                call.Value = call.Value with { At = _time.GetUtcNow() };
            }
        }
    }

    private void Purge(DateTimeOffset now)
    {
        for (var call = _recent.First; call is not null;)
        {
            var next = call.Next;
            if (now - call.Value.At >= Window)
            {
                _recent.Remove(call);
            }

            call = next;
        }
    }

    private void RollDay(DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        if (today != _day)
        {
            (_day, _dailyUsed) = (today, 0);
        }
    }

    /// <summary>A call in the window: counted from <paramref name="At"/>; <paramref name="Yields"/> when it could wait for the others.</summary>
    private readonly record struct Call(DateTimeOffset At, bool Yields);

    private sealed class Lease : RateLimitLease
    {
        public static readonly Lease Acquired = new(null, null);
        public static readonly Lease Refused = new(null, null) { _refused = true };

        private readonly HubSpotRateLimiter? _limiter;
        private readonly LinkedListNode<Call>? _call;
        private bool _refused;

        public Lease(HubSpotRateLimiter? limiter, LinkedListNode<Call>? call)
        {
            _limiter = limiter;
            _call = call;
        }

        public override bool IsAcquired => !_refused;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && _call is not null)
            {
                _limiter!.Complete(_call);
            }

            base.Dispose(disposing);
        }
    }
}
