using System.Text.Json.Nodes;

namespace Crm.Integration.Testing;

/// <summary>The data of platform events as product microservices publish them, for handler and end-to-end tests.</summary>
public static class PlatformEventData
{
    /// <summary>A <c>task_signup</c>: user-task <paramref name="id"/> for the task "Count the fish" in project "Clean Rivers".</summary>
    public static JsonObject TaskSignup(
        string id = "ut-1", string? crmId = "501", string? email = null, string userId = "auth0|ada", string created = "2026-11-20T08:30:00Z") =>
        new()
        {
            ["id"] = id,
            ["user_id"] = userId,
            ["created"] = created,
            ["email"] = email,
            ["extra_data"] = new JsonObject
            {
                ["project_id"] = 7,
                ["project_name"] = "Clean Rivers",
                ["task_id"] = 70,
                ["task_name"] = "Count the fish",
                ["task_type_id"] = 3,
                ["task_type_name"] = "Survey",
                ["crm_id"] = crmId,
            },
        };
}
