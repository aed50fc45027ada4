using System.Collections.Concurrent;

namespace Crm.Integration.Connectors.HubSpot;

/// <summary>Calls and 429s of one UTC minute, as counted by one replica.</summary>
public sealed record HubSpotUsageMinute(DateTimeOffset Minute, long Calls, long Throttled);

/// <summary>
/// This replica's HubSpot usage per UTC minute, in memory: every attempt that reached the network and every 429. Counting
/// is two interlocked increments, never I/O, so a HubSpot call never waits on storage; the flusher writes the totals
/// (<see cref="HubSpotUsageFlusher"/>) and they stay here until written, so a storage outage loses nothing this
/// process keeps running for — up to <see cref="MaxMinutesKept"/> minutes with calls, the oldest dropped beyond.
/// </summary>
public sealed class HubSpotUsageCounter(TimeProvider time)
{
    /// <summary>Two days of minutes: a storage outage longer than that loses its oldest counts, not the process's memory.</summary>
    public const int MaxMinutesKept = 2 * 24 * 60;

    /// <summary>
    /// How long a written minute stays after it ended: a call that read the clock just before the minute turned still
    /// finds its entry, so a minute is never re-created with part of its totals (which would replace the row with less).
    /// </summary>
    private static readonly TimeSpan KeptAfterEnd = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<DateTimeOffset, Minute> _minutes = new();

    /// <summary>This process as a writer of usage rows: one row per (minute, replica), so replicas never write each other's.</summary>
    public string ReplicaId { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Minutes dropped because storage took longer than <see cref="MaxMinutesKept"/> to come back.</summary>
    public long MinutesDropped => Interlocked.Read(ref _dropped);

    private long _dropped;

    /// <summary>One attempt that reached the network (status 0: no answer); a 429 is also counted as throttled.</summary>
    public void Count(int status)
    {
        var minute = _minutes.GetOrAdd(MinuteOf(time.GetUtcNow()), static _ => new Minute());
        Interlocked.Increment(ref minute.Calls);
        if (status == 429)
        {
            Interlocked.Increment(ref minute.Throttled);
        }
    }

    /// <summary>The minutes whose totals changed since they were last written, oldest first, with their running totals.</summary>
    public IReadOnlyList<HubSpotUsageMinute> Unwritten() =>
        [.. _minutes.Where(m => m.Value.Changed).Select(m => m.Value.Snapshot(m.Key)).OrderBy(m => m.Minute)];

    /// <summary>Records what was written; minutes written in full and over for a while are forgotten.</summary>
    public void Written(IEnumerable<HubSpotUsageMinute> written)
    {
        ArgumentNullException.ThrowIfNull(written);
        foreach (var minute in written)
        {
            if (_minutes.TryGetValue(minute.Minute, out var counts))
            {
                counts.MarkWritten(minute.Calls, minute.Throttled);
            }
        }

        var forgetBefore = MinuteOf(time.GetUtcNow()) - KeptAfterEnd;
        foreach (var (key, counts) in _minutes)
        {
            if (key < forgetBefore && !counts.Changed)
            {
                _minutes.TryRemove(key, out _);
            }
        }
    }

    /// <summary>Drops the oldest minutes beyond <see cref="MaxMinutesKept"/>; answers how many went.</summary>
    public int Trim()
    {
        var excess = _minutes.Count - MaxMinutesKept;
        if (excess <= 0)
        {
            return 0;
        }

        var dropped = 0;
        foreach (var key in _minutes.Keys.Order().Take(excess))
        {
            if (_minutes.TryRemove(key, out _))
            {
                dropped++;
            }
        }

        Interlocked.Add(ref _dropped, dropped);
        return dropped;
    }

    public static DateTimeOffset MinuteOf(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
    }

    private sealed class Minute
    {
        public long Calls;
        public long Throttled;
        private long _writtenCalls;
        private long _writtenThrottled;

        public bool Changed => Interlocked.Read(ref Calls) != Interlocked.Read(ref _writtenCalls) || Interlocked.Read(ref Throttled) != Interlocked.Read(ref _writtenThrottled);

        // Throttled first: a 429 counted between the two reads then shows as a call without its 429 until the next flush, never the reverse.
        public HubSpotUsageMinute Snapshot(DateTimeOffset minute)
        {
            var throttled = Interlocked.Read(ref Throttled);
            return new HubSpotUsageMinute(minute, Interlocked.Read(ref Calls), throttled);
        }

        public void MarkWritten(long calls, long throttled)
        {
            Interlocked.Exchange(ref _writtenCalls, calls);
            Interlocked.Exchange(ref _writtenThrottled, throttled);
        }
    }
}
