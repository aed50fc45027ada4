using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Crm.Integration.HubSpotSimulator;

public sealed record Contact(string Id, string Email, Dictionary<string, string> Properties, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record SentEmail(string StatusId, long EmailId, string To, string? SendId, JsonObject Request, DateTimeOffset RequestedAt);

public sealed record SendStatus(string StatusId, string SendResult, DateTimeOffset RequestedAt);

public sealed record CustomEvent(string EventName, string? Email, string? ObjectId, string? OccurredAt, JsonObject? Properties, DateTimeOffset ReceivedAt);

/// <summary>A GDPR delete asked for: by what, and the contact it removed (null: none, the address was blocklisted).</summary>
public sealed record GdprDelete(string ObjectId, string IdProperty, string? DeletedContactId, DateTimeOffset RequestedAt);

/// <summary>What the portal holds and what it saw. Contacts are keyed by lower-cased email, as HubSpot keys them.</summary>
public sealed class Portal(TimeProvider time)
{
    private long _nextContactId = 1000;

    public ConcurrentDictionary<string, Contact> Contacts { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<SentEmail> Emails { get; } = new();

    public ConcurrentDictionary<string, string> StatusIdBySendId { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, SendStatus> Statuses { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<CustomEvent> Events { get; } = new();

    public ConcurrentDictionary<string, byte> EventUuids { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<GdprDelete> GdprDeletes { get; } = new();

    /// <summary>OAuth access tokens issued, with when each expires.</summary>
    public ConcurrentDictionary<string, DateTimeOffset> IssuedTokens { get; } = new(StringComparer.Ordinal);

    public int TokenRequests;

    public TrafficStats Traffic { get; } = new(time);

    public TimeProvider Time => time;

    public string NewContactId() => Interlocked.Increment(ref _nextContactId).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public void Reset()
    {
        Contacts.Clear();
        Emails.Clear();
        StatusIdBySendId.Clear();
        Statuses.Clear();
        Events.Clear();
        EventUuids.Clear();
        GdprDeletes.Clear();
        IssuedTokens.Clear();
        TokenRequests = 0;
        Traffic.Reset();
    }
}

/// <summary>
/// Requests, 429s and faults, in total and per second since the first request (for charts of a drain); per second, the
/// calls exempt from the budget (<see cref="ApiGate.IsExempt"/>) apart, and the contact upserts with the rows they carried
/// (what a drain's tail is made of).
/// </summary>
public sealed class TrafficStats(TimeProvider time)
{
    private readonly ConcurrentDictionary<long, int[]> _perSecond = new();
    private readonly ConcurrentDictionary<string, int> _byPath = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<int> _upsertBatchSizes = new();
    private int _requests;
    private int _throttled;
    private int _faults;

    public void Record(string path, int status)
    {
        Interlocked.Increment(ref _requests);
        _byPath.AddOrUpdate(path, 1, (_, n) => n + 1);
        var bucket = Bucket();
        Interlocked.Increment(ref bucket[ApiGate.IsExempt(path) ? 2 : 0]);
        if (status == 429)
        {
            Interlocked.Increment(ref _throttled);
            Interlocked.Increment(ref bucket[1]);
        }
        else if (status >= 500)
        {
            Interlocked.Increment(ref _faults);
        }
    }

    /// <summary>Inputs of each contacts upsert that was written, in arrival order.</summary>
    public void RecordUpsertBatch(int inputs)
    {
        _upsertBatchSizes.Enqueue(inputs);
        var bucket = Bucket();
        Interlocked.Increment(ref bucket[3]);
        Interlocked.Add(ref bucket[4], inputs);
    }

    private int[] Bucket() => _perSecond.GetOrAdd(time.GetUtcNow().ToUnixTimeSeconds(), _ => new int[5]);

    public IReadOnlyList<int> UpsertBatchSizes => _upsertBatchSizes.ToList();

    public object Snapshot() => new
    {
        requests = _requests,
        throttled = _throttled,
        faults = _faults,
        byPath = _byPath.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Value),
        upsertBatchSizes = _upsertBatchSizes.ToArray(),
        // Taken now: a snapshot serialised later must not count the calls made meanwhile.
        perSecond = _perSecond.OrderBy(p => p.Key).Select(p => new { unixSecond = p.Key, budget = p.Value[0], throttled = p.Value[1], exempt = p.Value[2], upserts = p.Value[3], upsertRows = p.Value[4] }).ToArray(),
    };

    public void Reset()
    {
        _perSecond.Clear();
        _byPath.Clear();
        _upsertBatchSizes.Clear();
        _requests = _throttled = _faults = 0;
    }
}
