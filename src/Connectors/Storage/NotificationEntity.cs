using Azure;
using Azure.Data.Tables;

namespace Crm.Integration.Connectors.Storage;

/// <summary>The ledger row as Table Storage holds it: PartitionKey = source id, RowKey = channel.</summary>
internal sealed class NotificationEntity : ITableEntity
{
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
        PartitionKey = TableKey.Encode(receipt.SourceId),
        RowKey = TableKey.Encode(receipt.Channel),
        Type = receipt.Type,
        Status = status.ToString(),
        ReceivedAt = receipt.ReceivedAt,
        UpdatedAt = receipt.ReceivedAt,
        Attempts = 1,
    };

    public NotificationRecord ToRecord() => new(
        TableKey.Decode(PartitionKey),
        TableKey.Decode(RowKey),
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
