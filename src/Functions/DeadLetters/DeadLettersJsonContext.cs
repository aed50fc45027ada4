using System.Text.Json;
using System.Text.Json.Serialization;

namespace Crm.Integration.Functions.DeadLetters;

/// <summary>The dead-letter endpoints' JSON, in the camelCase the operations issue names (<c>messageId</c>, <c>dryRun</c>, <c>byQueue</c>).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(DeadLetterListDocument))]
[JsonSerializable(typeof(ReplayReport))]
[JsonSerializable(typeof(ReplayAuditDetails))]
internal sealed partial class DeadLettersJsonContext : JsonSerializerContext;

/// <summary>One page of dead letters; <see cref="Next"/> is the cursor of the next page (send it as <c>after</c>), null at the end.</summary>
internal sealed record DeadLetterListDocument(IReadOnlyList<DeadLetterItem> Items, string? Next);

internal sealed record DeadLetterItem(
    string Queue, string? MessageId, string? Reason, string? Description, DateTimeOffset? EnqueuedTime, int DeliveryCount, string? EventType);

/// <summary>What a replay did (or, in a dry run, would do): counts, the message ids, and the counts per queue.</summary>
internal sealed record ReplayReport(bool DryRun, int Matched, int Replayed, IReadOnlyList<string?> Ids, IReadOnlyDictionary<string, QueueReplayCounts> ByQueue)
{
    /// <summary>Why it stopped early (the broker went away), for the problem answer; not part of the report's JSON.</summary>
    [JsonIgnore]
    public string? Failure { get; init; }
}

internal sealed record QueueReplayCounts(int Matched, int Replayed);

/// <summary>The filter as the audit keeps it.</summary>
internal sealed record ReplayFilter(string? Queue, IReadOnlyList<string>? Reasons, IReadOnlyList<string>? Ids, DateTimeOffset? Before, bool DryRun)
{
    public static ReplayFilter Of(ReplayRequest request) => new(request.Queue, request.Reasons, request.Ids, request.Before, request.DryRun);
}

/// <summary>An audit entry's details: the filter and the report.</summary>
internal sealed record ReplayAuditDetails(ReplayFilter Filter, ReplayReport Report);
