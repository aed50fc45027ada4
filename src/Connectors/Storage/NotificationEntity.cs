using Azure;
using Azure.Data.Tables;

namespace Crm.Integration.Connectors.Storage;

/// <summary>
/// The ledger row as Table Storage holds it: PartitionKey = source id, RowKey = channel and source id. The source id
/// repeats in the RowKey for the local store, not for Azure: Azurite (LokiJS) serves a point read from the index of the
/// RowKey alone, and a RowKey shared by every row of a channel made each read a scan of the whole table.
/// </summary>
internal sealed class NotificationEntity : ITableEntity
{
    private const char Separator = '|';

    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

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

    public static NotificationEntity From(NotificationReceipt receipt, NotificationStatus status) => new()
    {
        PartitionKey = PartitionKeyOf(receipt.SourceId),
        RowKey = RowKeyOf(receipt.SourceId, receipt.Channel),
        Type = receipt.Type,
        Status = status.ToString(),
        ReceivedAt = receipt.ReceivedAt,
        UpdatedAt = receipt.ReceivedAt,
        Attempts = 1,
    };

    public static string PartitionKeyOf(string sourceId) => TableKey.Encode(sourceId);

    public static string RowKeyOf(string sourceId, string channel) => TableKey.Encode(channel) + Separator + PartitionKeyOf(sourceId);

    public NotificationRecord ToRecord() => new(
        TableKey.Decode(PartitionKey),
        TableKey.Decode(RowKey[..^(PartitionKey.Length + 1)]),
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
