using System.ComponentModel.DataAnnotations;

namespace Crm.Integration.Functions.PlatformEvents;

/// <summary>How platform events are handled. Bound from the <c>PlatformEvents</c> configuration section.</summary>
public sealed class PlatformEventsOptions
{
    public const string SectionName = "PlatformEvents";

    /// <summary>
    /// How long a template mapping is used before it is read again: an admin's edit is live on every replica within
    /// this time (at once on the replica that saved it). At most a minute, the promise made to admins.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan TemplateCacheFor { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an Auth0 user's email is kept after it was read.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RecipientCacheFor { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// A task signup whose contact is not in HubSpot yet (its signup is still on the way) is held this long, then given
    /// back to the queue for another try. Keep it well under the queue's lock duration (1 min in infra/bicep; the infra tests hold the default to half of it).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:04:00")]
    public TimeSpan ContactWaitDelay { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Deliveries of a task signup whose contact is still missing before it is dead-lettered with that reason. At most
    /// the queue's max delivery count, so that the hub, not the broker, names the reason.
    /// </summary>
    [Range(1, 100)]
    public int ContactWaitAttempts { get; set; } = 5;

    /// <summary>First look at a send's status after HubSpot accepted it; the wait doubles after each look.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan SendStatusFirstPoll { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between two looks at a send's status.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan SendStatusMaxInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>After this long without a final result, the ledger says so and the send is no longer watched.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan SendStatusGiveUpAfter { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Sends watched at once; beyond it, the ledger keeps the status HubSpot first answered.</summary>
    [Range(1, 1_000_000)]
    public int SendStatusMaxWatched { get; set; } = 10_000;
}
