using System.ComponentModel.DataAnnotations;

namespace Crm.Integration.Connectors.HubSpot;

/// <summary>
/// How replicas share one portal's HubSpot budget through heartbeats in Table Storage. Bound from <c>SharedBudget</c>.
/// A dead replica's share is freed within <see cref="ReplicaTtl"/> + <see cref="HeartbeatInterval"/> (30 s by default);
/// a new replica gets its share within <see cref="HeartbeatInterval"/> × 2 + HubSpot's 10 s window.
/// </summary>
public sealed class SharedBudgetOptions
{
    public const string SectionName = "SharedBudget";

    /// <summary>Off: this process spends the whole budget, as if it were the only replica.</summary>
    public bool Enabled { get; set; } = true;

    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A replica whose last heartbeat is older than this is gone; at least HubSpot's window plus two heartbeats
    /// (<see cref="MinimumTtl"/>): a replica stops spending a window and a heartbeat before the others count it gone
    /// (see <see cref="ShareValidFor"/>), so its last calls have left HubSpot's window when they take its share.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.300", "00:05:00")]
    public TimeSpan ReplicaTtl { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>How long a replica arriving beside others waits before spending: one heartbeat for them to shrink, plus the window.</summary>
    public TimeSpan Settle => HeartbeatInterval + HubSpotRateLimiter.Window;

    /// <summary>
    /// How long a share is good after the heartbeat that set it, without a newer one: the others count this replica
    /// live until its heartbeat is <see cref="ReplicaTtl"/> old, and its calls count in HubSpot's window for ten seconds
    /// after they go (one heartbeat more of margin for a write that landed late).
    /// </summary>
    public TimeSpan ShareValidFor => ReplicaTtl - HubSpotRateLimiter.Window - HeartbeatInterval;

    public TimeSpan MinimumTtl => HubSpotRateLimiter.Window + (HeartbeatInterval * 2);
}
