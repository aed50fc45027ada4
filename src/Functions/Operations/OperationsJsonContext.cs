using System.Text.Json;
using System.Text.Json.Serialization;
using Crm.Integration.Functions.Erasure;
using Crm.Integration.Functions.Retention;

namespace Crm.Integration.Functions.Operations;

/// <summary>The operations endpoints' JSON: snake_case, like the rest of the admin API.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DictionaryKeyPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(RetentionReport))]
[JsonSerializable(typeof(ErasureResult))]
[JsonSerializable(typeof(OperationAuditDocument))]
internal sealed partial class OperationsJsonContext : JsonSerializerContext;

/// <summary>One page of the operations audit, newest first.</summary>
internal sealed record OperationAuditDocument(string Action, IReadOnlyList<OperationAuditEntry> Items);

internal sealed record OperationAuditEntry(string By, DateTimeOffset At, string Subject, JsonElement Details);
