using System.Text.Json;
using System.Text.Json.Serialization;

namespace Crm.Integration.Functions.TemplatesAdmin;

/// <summary>The admin API's JSON: snake_case, like the platform events' contracts.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(TemplateDocument))]
[JsonSerializable(typeof(TemplateListDocument))]
[JsonSerializable(typeof(TemplateHistoryDocument))]
[JsonSerializable(typeof(AdminMeDocument))]
internal sealed partial class AdminJsonContext : JsonSerializerContext;

/// <summary>Who the token says the caller is and what it allows (the page shows it after sign-in).</summary>
internal sealed record AdminMeDocument(string Subject, string? Name, bool CanRead, bool CanWrite, DateTimeOffset? ExpiresAt, bool CanOperate);
