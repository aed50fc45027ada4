namespace Crm.Integration.Connectors.HubSpot;

/// <summary>One replica's heartbeat as the shared register holds it.</summary>
/// <param name="FirstSeen">When the replica's first heartbeat was written.</param>
/// <param name="DailySpent">The UTC day on which the replica saw HubSpot's DAILY 429, if it did.</param>
public sealed record ReplicaBeat(string ReplicaId, DateTimeOffset FirstSeen, DateTimeOffset LastSeen, DateOnly? DailySpent);

/// <summary>
/// How much of the portal's ten-second budget one replica may spend, decided from the heartbeats alone so that every
/// replica reaches the same answer: the live replicas split the limit evenly, the remainder going to the first ids in
/// order, so the shares add up to the limit exactly.
/// </summary>
/// <remarks>
/// Safety when the set changes: a replica that disappears frees its share after <c>ttl</c> (it makes no calls, so the
/// others may grow); a replica that arrives is counted by the others at once but spends nothing until it has been seen
/// for <c>settle</c> — long enough for every other replica to have shrunk and for their calls under the old share to
/// have left HubSpot's window; of replicas that start together, each waits so. A replica alone takes the whole limit
/// at once, as a single hub always has.
/// </remarks>
public static class BudgetShare
{
    public static int For(string self, IReadOnlyCollection<ReplicaBeat> beats, int portalLimit, DateTimeOffset now, TimeSpan ttl, TimeSpan settle)
    {
        ArgumentNullException.ThrowIfNull(beats);
        var live = beats.Where(b => now - b.LastSeen < ttl).OrderBy(b => b.ReplicaId, StringComparer.Ordinal).ToList();
        var me = live.FindIndex(b => b.ReplicaId == self);
        if (me < 0)
        {
            return 0; // not registered (or our own heartbeat is stale): others may already have taken our share
        }

        if (live.Count == 1)
        {
            return portalLimit;
        }

        if (now - live[me].FirstSeen < settle)
        {
            // Arriving beside others: wait until they have shrunk. Whatever the order of the first sightings: each is the
            // replica's own clock before its first write, so of two that start together the one that read itself alone
            // (and took the whole limit) may be the later by that clock.
            return 0;
        }

        return (portalLimit / live.Count) + (me < portalLimit % live.Count ? 1 : 0);
    }

    /// <summary>
    /// Whether a replica must arrive again, as a newcomer: its last heartbeat that got through (<paramref name="lastBeat"/>)
    /// is so old that the others may have counted it gone and spent its share — coming back at once with the same share
    /// would meet their calls in HubSpot's window. A heartbeat of margin, for the others' clocks and late writes.
    /// </summary>
    public static bool MustRejoin(DateTimeOffset? lastBeat, DateTimeOffset now, TimeSpan ttl, TimeSpan heartbeatInterval) =>
        lastBeat is { } last && now - last >= ttl - heartbeatInterval;

    /// <summary>Whether any replica saw HubSpot's DAILY limit on <paramref name="today"/>.</summary>
    public static bool DailySpent(IEnumerable<ReplicaBeat> beats, DateOnly today) => beats.Any(b => b.DailySpent == today);
}
