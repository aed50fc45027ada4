using System.Text.Json;
using System.Text.Json.Serialization;

namespace Crm.Integration.Connectors.HubSpot;

internal sealed record BatchUpsertRequest(IReadOnlyList<BatchUpsertInput> Inputs);

internal sealed record BatchUpsertInput(string IdProperty, string Id, IReadOnlyDictionary<string, string> Properties);

internal sealed record BatchResponse(string? Status, IReadOnlyList<BatchResult>? Results, IReadOnlyList<BatchError>? Errors, int? NumErrors);

internal sealed record BatchResult(string Id, IReadOnlyDictionary<string, string?>? Properties, [property: JsonPropertyName("new")] bool? IsNew);

internal sealed record BatchError(string? Status, string? Category, string? Message, JsonElement? Context);

internal sealed record ErrorBody(string? Status, string? Message, string? CorrelationId, string? Category, string? PolicyName);

internal sealed record SingleSendRequest(
    long EmailId,
    SingleSendMessage Message,
    IReadOnlyDictionary<string, JsonElement> ContactProperties,
    IReadOnlyDictionary<string, JsonElement> CustomProperties);

internal sealed record SingleSendMessage(
    string To,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? From,
    IReadOnlyList<string> ReplyTo,
    IReadOnlyList<string> Cc,
    IReadOnlyList<string> Bcc,
    string SendId);

internal sealed record SendStatusBody(string? StatusId, string? Status, string? SendResult, DateTimeOffset? CompletedAt);

internal sealed record CustomEventRequest(
    string EventName,
    string ObjectId,
    DateTimeOffset OccurredAt,
    Guid Uuid,
    IReadOnlyDictionary<string, string> Properties);

internal sealed record MarketingEmailResponse(string? Id, string? Name, string? State);

internal sealed record GdprDeleteRequest(string ObjectId, string IdProperty);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(BatchUpsertRequest))]
[JsonSerializable(typeof(BatchResponse))]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(SingleSendRequest))]
[JsonSerializable(typeof(SendStatusBody))]
[JsonSerializable(typeof(CustomEventRequest))]
[JsonSerializable(typeof(MarketingEmailResponse))]
[JsonSerializable(typeof(GdprDeleteRequest))]
internal sealed partial class HubSpotJsonContext : JsonSerializerContext;
