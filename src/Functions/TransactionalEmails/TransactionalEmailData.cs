using System.Text.Json;
using System.Text.Json.Serialization;

namespace Crm.Integration.Functions.TransactionalEmails;

/// <summary>The data of a <c>transactional_email</c> event: which template, to whom, with which properties.</summary>
public sealed record TransactionalEmailData(
    [property: JsonPropertyName("template_name")] string? TemplateName,
    [property: JsonPropertyName("to_recipient_email")] string? ToRecipientEmail,
    [property: JsonPropertyName("to_recipient_id")] string? ToRecipientId,
    [property: JsonPropertyName("custom_properties")] Dictionary<string, JsonElement>? CustomProperties,
    [property: JsonPropertyName("contact_properties")] Dictionary<string, JsonElement>? ContactProperties);
