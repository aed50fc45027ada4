using Azure;
using Azure.Data.Tables;

namespace Crm.Integration.Connectors.Storage;

/// <summary>
/// The ledger row as Table Storage holds it: PartitionKey = key of the source id, RowKey = channel and that key (see
/// <see cref="TableKey"/>: any id becomes a bounded key; the id itself is kept in <see cref="SourceId"/>). The key
/// repeats in the RowKey for the local store, not for Azure: Azurite (LokiJS) serves a point read from the index of the
/// RowKey alone, and a RowKey shared by every row of a channel made each read a scan of the whole table.
/// Text columns are bounded (<see cref="Bounded"/>) so that no value from outside can make a row storage refuses.
/// </summary>
internal sealed class NotificationEntity : ITableEntity
{
    private const char Separator = '|';

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
        PartitionKey = PartitionKeyOf(receipt.SourceId),
        RowKey = RowKeyOf(receipt.SourceId, receipt.Channel),
        SourceId = Bounded(Displayable(receipt.SourceId), MaxIdLength),
        Type = Bounded(receipt.Type, MaxShortText),
        Status = status.ToString(),
        ReceivedAt = receipt.ReceivedAt,
        UpdatedAt = receipt.ReceivedAt,
        Attempts = 1,
    };

    public static string PartitionKeyOf(string sourceId) => TableKey.Encode(sourceId);

    public static string RowKeyOf(string sourceId, string channel) => TableKey.Encode(channel) + Separator + PartitionKeyOf(sourceId);

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
        SourceId ?? TableKey.Decode(PartitionKey),
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
