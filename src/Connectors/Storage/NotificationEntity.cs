using Azure;
using Azure.Data.Tables;

namespace Crm.Integration.Connectors.Storage;

/// <summary>
/// The ledger row as Table Storage holds it. Keys (see <see cref="LedgerKeys"/>):
/// PartitionKey = <c>{channel}|{yyyyMMdd}|{shard}</c> — the channel, the UTC day the event was received, and one of
/// <see cref="LedgerKeys.Shards"/> shards by a hash of the row key; RowKey = <c>{channel}|{key of the source id}</c>
/// (see <see cref="TableKey"/>: any id becomes a bounded key; the id itself is kept in <see cref="SourceId"/>).
/// Rows admitted together share a partition, so that they are written as one entity-group transaction, and a
/// channel's rows older than a day are one partition range (<see cref="LedgerKeys.ExpiringBy"/>), not a scan.
/// Text columns are bounded (<see cref="Bounded"/>) so that no value from outside can make a row storage refuses.
/// </summary>
internal sealed class NotificationEntity : ITableEntity
{
    // A string property may hold 64 KiB (32 K characters); these bounds keep a whole row far below 1 MiB.
    private const int MaxIdLength = 1024;
    private const int MaxShortText = 256;
    private const int MaxErrorLength = 4096;

    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    /// <summary>The id as the source gave it (cut at 1,024 characters): the keys may hold only a hash of it.</summary>
    public string? SourceId { get; set; }

    public string Type { get; set; } = "";

    public string Status { get; set; } = nameof(NotificationStatus.Received);

    public DateTimeOffset ReceivedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public int Attempts { get; set; }

    public int DuplicatesSeen { get; set; }

    public string? LastError { get; set; }

    public string? HubSpotId { get; set; }

    public string? Template { get; set; }

    public string? Recipient { get; set; }

    public string? Result { get; set; }

    /// <summary>Keyed fingerprint of the person's email (<see cref="PersonFingerprints"/>), for erasure; never the address.</summary>
    public string? PersonEmail { get; set; }

    /// <summary>Keyed fingerprint of the person's Auth0 user id, for erasure.</summary>
    public string? PersonUser { get; set; }

    public static NotificationEntity From(NotificationReceipt receipt, NotificationStatus status, PersonFingerprint? person) => new()
    {
        PersonEmail = person?.Email,
        PersonUser = person?.Auth0UserId,
        PartitionKey = LedgerKeys.PartitionKeyOf(receipt),
        RowKey = LedgerKeys.RowKeyOf(receipt.SourceId, receipt.Channel),
        SourceId = Bounded(Displayable(receipt.SourceId), MaxIdLength),
        Type = Bounded(receipt.Type, MaxShortText),
        Status = status.ToString(),
        ReceivedAt = receipt.ReceivedAt,
        UpdatedAt = receipt.ReceivedAt,
        Attempts = 1,
    };

    /// <summary>An error or reason as the row may hold it.</summary>
    public static string BoundedError(string error) => Bounded(error, MaxErrorLength);

    /// <summary>A short value (template, recipient, result, HubSpot id) as the row may hold it.</summary>
    public static string BoundedText(string text) => Bounded(text, MaxShortText);

    /// <summary>The id with any lone surrogate written out as <c>\uXXXX</c>: storage would turn it into U+FFFD.</summary>
    private static string Displayable(string id)
    {
        var builder = new System.Text.StringBuilder(id.Length);
        for (var i = 0; i < id.Length; i++)
        {
            if (char.IsHighSurrogate(id[i]) && i + 1 < id.Length && char.IsLowSurrogate(id[i + 1]))
            {
                builder.Append(id[i]).Append(id[++i]);
            }
            else if (char.IsSurrogate(id[i]))
            {
                builder.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\u{(int)id[i]:x4}");
            }
            else
            {
                builder.Append(id[i]);
            }
        }

        return builder.ToString();
    }

    private static string Bounded(string text, int maxLength) => text.Length <= maxLength ? text : text[..(maxLength - 1)] + "…";

    public NotificationRecord ToRecord() => new(
        SourceId ?? TableKey.Decode(LedgerKeys.SourceKeyOf(RowKey)),
        TableKey.Decode(LedgerKeys.ChannelKeyOf(RowKey)),
        Type,
        Enum.TryParse<NotificationStatus>(Status, out var status) ? status : NotificationStatus.Failed,
        ReceivedAt,
        UpdatedAt,
        Attempts,
        DuplicatesSeen,
        string.IsNullOrEmpty(LastError) ? null : LastError, // a cleared error is stored empty (a merge cannot remove a column)
        HubSpotId,
        Template,
        Recipient,
        Result);
}
