using System.Globalization;

namespace Crm.Integration.Connectors.Storage;

/// <summary>
/// Usage rows in the <c>Operations</c> table: PartitionKey <c>hubspot-usage|{yyyyMMdd}</c>, RowKey
/// <c>{HHmm}|{replica key}</c>. A day is one partition, a window of minutes a RowKey range within it, and every day
/// before D the partition range <see cref="OlderThan"/> — for the retention cleanup.
/// </summary>
public static class HubSpotUsageKeys
{
    private const string Prefix = "hubspot-usage|";

    public static string PartitionKeyOf(DateTimeOffset minute) =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}{minute.UtcDateTime:yyyyMMdd}");

    public static string RowKeyOf(DateTimeOffset minute, string replica) =>
        string.Create(CultureInfo.InvariantCulture, $"{minute.UtcDateTime:HHmm}|{TableKey.Encode(replica)}");

    /// <summary>The rows of the UTC days <paramref name="first"/> to <paramref name="last"/>, both included.</summary>
    public static string OnDays(DateOnly first, DateOnly last) =>
        string.Create(CultureInfo.InvariantCulture, $"PartitionKey ge '{Prefix}{first:yyyyMMdd}' and PartitionKey lt '{Prefix}{last.AddDays(1):yyyyMMdd}'");

    /// <summary>Every usage row of a UTC day before <paramref name="day"/>: a range of whole partitions.</summary>
    public static string OlderThan(DateOnly day) =>
        string.Create(CultureInfo.InvariantCulture, $"PartitionKey ge '{Prefix}' and PartitionKey lt '{Prefix}{day:yyyyMMdd}'");
}
