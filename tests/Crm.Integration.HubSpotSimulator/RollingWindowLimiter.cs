namespace Crm.Integration.HubSpotSimulator;

/// <summary>HubSpot's two budgets: a rolling ten-second window and a daily count (reset at midnight UTC).</summary>
public sealed class RollingWindowLimiter(TimeProvider time)
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    private readonly Queue<DateTimeOffset> _recent = new();
    private readonly Lock _lock = new();
    private DateOnly _day;
    private int _daily;

    public readonly record struct Verdict(bool Allowed, string? Policy, int Remaining, int DailyRemaining);

    public Verdict TryAcquire(int tenSecondlyLimit, int dailyLimit)
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            while (_recent.Count > 0 && now - _recent.Peek() >= Window)
            {
                _recent.Dequeue();
            }

            var today = DateOnly.FromDateTime(now.UtcDateTime);
            if (today != _day)
            {
                (_day, _daily) = (today, 0);
            }

            if (_daily >= dailyLimit)
            {
                return new Verdict(false, "DAILY", Math.Max(0, tenSecondlyLimit - _recent.Count), 0);
            }

            if (_recent.Count >= tenSecondlyLimit)
            {
                return new Verdict(false, "TEN_SECONDLY_ROLLING", 0, dailyLimit - _daily);
            }

            _recent.Enqueue(now);
            _daily++;
            return new Verdict(true, null, tenSecondlyLimit - _recent.Count, dailyLimit - _daily);
        }
    }

    public void Reset()
    {
        lock (_lock)
        {
            _recent.Clear();
            _daily = 0;
        }
    }
}
