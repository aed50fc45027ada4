using System.Text.Json;
using System.Text.Json.Serialization;

namespace Crm.Integration.Functions.Deliveries;

/// <summary>
/// The delivery view's JSON. camelCase, as issue 20 names its fields (<c>sendResult</c>, <c>dryRun</c>) for all the
/// operations views it asks for; the templates API, older, is snake_case.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(EventDocument))]
[JsonSerializable(typeof(EventListDocument))]
[JsonSerializable(typeof(FailuresDocument))]
[JsonSerializable(typeof(TimelineDocument))]
internal sealed partial class DeliveryJsonContext : JsonSerializerContext;
