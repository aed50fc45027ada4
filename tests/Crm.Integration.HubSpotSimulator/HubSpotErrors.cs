using System.Text.Json.Nodes;

namespace Crm.Integration.HubSpotSimulator;

/// <summary>HubSpot's error body: <c>{status, message, correlationId, category, subCategory?, errors[], context}</c>.</summary>
public static class HubSpotErrors
{
    public static IResult Error(int statusCode, string category, string message, JsonArray? errors = null, JsonObject? context = null) =>
        Results.Json(
            new JsonObject
            {
                ["status"] = "error",
                ["message"] = message,
                ["correlationId"] = Guid.NewGuid().ToString(),
                ["category"] = category,
                ["errors"] = errors ?? [],
                ["context"] = context ?? [],
            },
            statusCode: statusCode);

    /// <summary>A 429 carries <c>policyName</c> and no <c>category</c>.</summary>
    public static JsonObject RateLimited(string policy) => new()
    {
        ["status"] = "error",
        ["message"] = $"You have reached your {policy.ToLowerInvariant()} limit.",
        ["errorType"] = "RATE_LIMIT",
        ["correlationId"] = Guid.NewGuid().ToString(),
        ["policyName"] = policy,
        ["groupName"] = "publicapi:private-app:simulator",
    };
}
