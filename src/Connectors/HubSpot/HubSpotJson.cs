using System.Text.Json;
using System.Text.Json.Serialization;

namespace Crm.Integration.Connectors.HubSpot;

internal sealed record BatchUpsertRequest(IReadOnlyList<BatchUpsertInput> Inputs);

internal sealed record BatchUpsertInput(string IdProperty, string Id, IReadOnlyDictionary<string, string> Properties);

internal sealed record BatchResponse(string? Status, IReadOnlyList<BatchResult>? Results, IReadOnlyList<BatchError>? Errors, int? NumErrors);

internal sealed record BatchResult(string Id, IReadOnlyDictionary<string, string?>? Properties, [property: JsonPropertyName("new")] bool? IsNew);

internal sealed record BatchError(string? Status, string? Category, string? Message, JsonElement? Context);

internal sealed record ErrorBody(string? Status, string? Message, string? CorrelationId, string? Category, string? PolicyName);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(BatchUpsertRequest))]
[JsonSerializable(typeof(BatchResponse))]
[JsonSerializable(typeof(ErrorBody))]
internal sealed partial class HubSpotJsonContext : JsonSerializerContext;
