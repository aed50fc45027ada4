using System.Collections.Concurrent;

namespace Crm.Integration.Functions.Common;

/// <summary>
/// Values kept for a fixed time after they were read (by <see cref="TimeProvider"/>, so tests can move the clock).
/// Bounded: past <c>capacity</c> entries the expired ones go, and if that is not enough, all of them.
/// </summary>
internal sealed class TimedCache<TKey, TValue>(TimeSpan keepFor, TimeProvider time, int capacity = 10_000)
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, (TValue Value, DateTimeOffset ReadAt)> _entries = new();

    /// <summary>The value if it was read less than <c>keepFor</c> ago.</summary>
    public bool TryGet(TKey key, out TValue value)
    {
        if (_entries.TryGetValue(key, out var entry) && time.GetUtcNow() - entry.ReadAt < keepFor)
        {
            value = entry.Value;
            return true;
        }

        value = default!;
        return false;
    }

    /// <summary>The value last read, however old: for when a fresh read failed.</summary>
    public bool TryGetStale(TKey key, out TValue value)
    {
        var found = _entries.TryGetValue(key, out var entry);
        value = found ? entry.Value : default!;
        return found;
    }

    public void Remove(TKey key) => _entries.TryRemove(key, out _);

    /// <summary>Removes every entry that matches, however old; returns how many went.</summary>
    public int RemoveWhere(Func<TKey, TValue, bool> match)
    {
        var removed = 0;
        foreach (var (key, entry) in _entries)
        {
            if (match(key, entry.Value) && _entries.TryRemove(key, out _))
            {
                removed++;
            }
        }

        return removed;
    }

    public void Set(TKey key, TValue value)
    {
        var now = time.GetUtcNow();
        if (_entries.Count >= capacity)
        {
            foreach (var (expired, _) in _entries.Where(e => now - e.Value.ReadAt >= keepFor))
            {
                _entries.TryRemove(expired, out _);
            }

            if (_entries.Count >= capacity)
            {
                _entries.Clear();
            }
        }

        _entries[key] = (value, now);
    }
}
