using System.Threading.RateLimiting;

namespace Crm.Integration.Connectors.HubSpot;

/// <summary>
/// The portal's budget, shared by every HubSpot call of this process: HubSpot's rolling ten-second window, counted
/// exactly (a segmented sliding window frees a permit up to a segment early and would draw 429s), and the daily cap.
/// HubSpot's own answers correct it: the <c>X-HubSpot-RateLimit-*</c> headers and any 429.
/// </summary>
public sealed class HubSpotRateLimiter : RateLimiter
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    private readonly TimeProvider _time;
    private readonly Queue<DateTimeOffset> _recent = new();
    private readonly Lock _lock = new();
    private int _limit;
    private readonly int _dailyLimit;
    private DateOnly _day;
    private int _dailyUsed;
    private DateTimeOffset _pausedUntil;
    private DateTimeOffset? _lastAcquired;

    public HubSpotRateLimiter(int requestsPerTenSeconds, int dailyLimit, TimeProvider time)
    {
        _limit = requestsPerTenSeconds;
        _dailyLimit = dailyLimit;
        _time = time;
    }

    public override TimeSpan? IdleDuration => _lastAcquired is { } last ? _time.GetUtcNow() - last : null;

    /// <summary>True once the day's budget is spent; calls wait for the next UTC day rather than fail.</summary>
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
        TryTake(permitCount, out _) ? Lease.Acquired : Lease.Refused;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (TryTake(permitCount, out var wait))
            {
                return Lease.Acquired;
            }

            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Takes what HubSpot reported: its limit, and fewer remaining calls than counted here (another client of the same app).</summary>
    public void Correct(int? max, int? remaining)
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            if (max is > 0 && max != _limit)
            {
                _limit = max.Value;
            }

            Purge(now);
            if (remaining is { } left && left < _limit - _recent.Count)
            {
                for (var missing = _limit - _recent.Count - left; missing > 0; missing--)
                {
                    _recent.Enqueue(now);
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
                _dailyUsed = _dailyLimit;
                return;
            }

            var until = now + (retryAfter ?? (_recent.Count > 0 ? _recent.Peek() + Window - now : TimeSpan.FromSeconds(1)));
            _pausedUntil = until > _pausedUntil ? until : _pausedUntil;
        }
    }

    private bool TryTake(int permits, out TimeSpan wait)
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            RollDay(now);
            Purge(now);
            if (_dailyUsed + permits > _dailyLimit)
            {
                wait = DateOnly.FromDateTime(now.UtcDateTime).AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) - now.UtcDateTime;
                return false;
            }

            if (now < _pausedUntil)
            {
                wait = _pausedUntil - now;
                return false;
            }

            if (_recent.Count + permits > _limit)
            {
                wait = _recent.Peek() + Window - now;
                return false;
            }

            for (var i = 0; i < permits; i++)
            {
                _recent.Enqueue(now);
            }

            _dailyUsed += permits;
            _lastAcquired = now;
            wait = TimeSpan.Zero;
            return true;
        }
    }

    private void Purge(DateTimeOffset now)
    {
        while (_recent.Count > 0 && now - _recent.Peek() >= Window)
        {
            _recent.Dequeue();
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

    private sealed class Lease(bool acquired) : RateLimitLease
    {
        public static readonly Lease Acquired = new(true);
        public static readonly Lease Refused = new(false);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
