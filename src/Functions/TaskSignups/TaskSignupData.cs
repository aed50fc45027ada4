using System.Text.Json.Serialization;
using Crm.Integration.Functions.Common;

namespace Crm.Integration.Functions.TaskSignups;

/// <summary>The data of a <c>task_signup</c> event: a user signed up for a task.</summary>
/// <param name="Id">The user-task id: one signup, whatever envelope or event id carries it.</param>
public sealed record TaskSignupData(
    [property: JsonPropertyName("id"), JsonConverter(typeof(StringOrNumberConverter))] string? Id,
    [property: JsonPropertyName("user_id"), JsonConverter(typeof(StringOrNumberConverter))] string? UserId,
    [property: JsonPropertyName("created")] string? Created,
    [property: JsonPropertyName("extra_data")] TaskSignupDetails? ExtraData,
    [property: JsonPropertyName("email")] string? Email);

public sealed record TaskSignupDetails(
    [property: JsonPropertyName("project_id"), JsonConverter(typeof(StringOrNumberConverter))] string? ProjectId,
    [property: JsonPropertyName("project_name")] string? ProjectName,
    [property: JsonPropertyName("task_id"), JsonConverter(typeof(StringOrNumberConverter))] string? TaskId,
    [property: JsonPropertyName("task_name")] string? TaskName,
    [property: JsonPropertyName("task_type_id"), JsonConverter(typeof(StringOrNumberConverter))] string? TaskTypeId,
    [property: JsonPropertyName("task_type_name")] string? TaskTypeName,
    [property: JsonPropertyName("crm_id"), JsonConverter(typeof(StringOrNumberConverter))] string? CrmId);
