using System.Text.Json.Serialization;

namespace Crm.Integration.Functions.Auth0Events;

/// <summary>
/// One Auth0 log event as the stream sends it: <c>{"log_id": ..., "data": {...}}</c>, only the fields the hub reads. The
/// date stays text: some producers rewrite it into other formats, and an odd date must not make a whole event unreadable.
/// </summary>
public sealed record Auth0LogEvent(
    [property: JsonPropertyName("log_id")] string? LogId,
    [property: JsonPropertyName("data")] Auth0LogData? Data);

public sealed record Auth0LogData(
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("date")] string? Date,
    [property: JsonPropertyName("user_id")] string? UserId,
    [property: JsonPropertyName("user_name")] string? UserName,
    [property: JsonPropertyName("log_id")] string? LogId,
    [property: JsonPropertyName("details")] Auth0LogDetails? Details = null);

/// <summary>For a signup, <c>details.body</c> is what the user submitted.</summary>
public sealed record Auth0LogDetails([property: JsonPropertyName("body")] Auth0SignupBody? Body);

public sealed record Auth0SignupBody(
    [property: JsonPropertyName("email")] string? Email,
    [property: JsonPropertyName("given_name")] string? GivenName,
    [property: JsonPropertyName("family_name")] string? FamilyName);
