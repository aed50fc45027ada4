namespace Crm.Integration.Connectors.Storage;

/// <summary>A day's summary as stored: its JSON, and when it was computed.</summary>
public sealed record StoredDailySummary(DateOnly Day, DateTimeOffset ComputedAt, string Json);

/// <summary>
/// The daily summaries, one row per UTC day in the <c>Operations</c> table, overwritten when a day is computed again.
/// Throws <see cref="StorageUnavailableException"/> when storage cannot be reached.
/// </summary>
public interface IDailySummaries
{
    Task PutAsync(StoredDailySummary summary, CancellationToken cancellationToken);

    /// <summary>Null when the day was never computed.</summary>
    Task<StoredDailySummary?> GetAsync(DateOnly day, CancellationToken cancellationToken);
}
