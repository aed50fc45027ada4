using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Crm.Integration.Connectors.Storage;

/// <summary>
/// The ledger's key layout. PartitionKey <c>{channel}|{yyyyMMdd}|{shard}</c>, RowKey <c>{channel}|{source key}</c>:
/// <list type="bullet">
/// <item>A redelivery on the same UTC day meets its row (the day comes from the receipt, the shard from the row key);
/// one that crosses midnight is admitted again as new, which the effects' own idempotency (latest-wins dates, the
/// email's send id, the custom event's uuid) makes harmless.</item>
/// <item>Events of one channel received on one day fall into <see cref="Shards"/> partitions: a batch of 100 is at
/// most four transactions, and no partition takes more than a quarter of the writes (Azure serves about 2,000
/// entities per second per partition).</item>
/// <item>Retention: <c>PartitionKey ge '{channel}|' and PartitionKey lt '{channel}|{yyyyMMdd}'</c> is every row of
/// the channel received before that day — a range of partitions (<see cref="ExpiringBy"/>).</item>
/// </list>
/// </summary>
public static class LedgerKeys
{
    public const int Shards = 4;

    private const char Separator = '|';

    /// <summary>The partition of a receipt: its channel, its UTC day, its shard.</summary>
    public static string PartitionKeyOf(NotificationReceipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        var rowKey = RowKeyOf(receipt.SourceId, receipt.Channel);
        var shard = SHA256.HashData(Encoding.UTF8.GetBytes(rowKey))[0] % Shards;
        return string.Create(CultureInfo.InvariantCulture, $"{TableKey.Encode(receipt.Channel)}{Separator}{receipt.ReceivedAt.UtcDateTime:yyyyMMdd}{Separator}{shard}");
    }

    public static string RowKeyOf(string sourceId, string channel) => TableKey.Encode(channel) + Separator + TableKey.Encode(sourceId);

    /// <summary>
    /// Every partition of <paramref name="channel"/> that can hold a row settled before <paramref name="cutoff"/>: the
    /// days of receipt up to the cutoff's own (a row is settled after it arrived), for the daily cleanup.
    /// </summary>
    public static string ExpiringBy(string channel, DateTimeOffset cutoff)
    {
        var prefix = TableKey.Encode(channel) + Separator;
        return string.Create(CultureInfo.InvariantCulture, $"PartitionKey ge '{prefix}' and PartitionKey lt '{prefix}{cutoff.UtcDateTime.AddDays(1):yyyyMMdd}'");
    }

    /// <summary>The partitions of <paramref name="channel"/> for the UTC days <paramref name="first"/> to <paramref name="last"/>, both included.</summary>
    public static string ReceivedOnDays(string channel, DateOnly first, DateOnly last)
    {
        var prefix = TableKey.Encode(channel) + Separator;
        return string.Create(CultureInfo.InvariantCulture, $"PartitionKey ge '{prefix}{first:yyyyMMdd}' and PartitionKey lt '{prefix}{last.AddDays(1):yyyyMMdd}'");
    }

    /// <summary>Every partition of <paramref name="channel"/>, any day.</summary>
    internal static string OfChannel(string channel)
    {
        var prefix = TableKey.Encode(channel) + Separator;
        return $"PartitionKey ge '{prefix}' and PartitionKey lt '{prefix}~'";
    }

    internal static string ChannelKeyOf(string rowKey) => rowKey[..rowKey.IndexOf(Separator, StringComparison.Ordinal)];

    internal static string SourceKeyOf(string rowKey) => rowKey[(rowKey.IndexOf(Separator, StringComparison.Ordinal) + 1)..];
}
