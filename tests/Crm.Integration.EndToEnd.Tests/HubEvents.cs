using System.Text;
using System.Text.Json.Nodes;

namespace Crm.Integration.EndToEnd.Tests;

/// <summary>Events as the hub's sources send them: Auth0 log-stream entries and CloudEvents for the platform queue.</summary>
internal static class HubEvents
{
    /// <summary>An Auth0 log of <paramref name="type"/> (<c>s</c>, <c>ss</c>) for a user whose profile carries <paramref name="email"/>.</summary>
    public static JsonObject Auth0Log(string logId, string type, string userId, string email, string date) => new()
    {
        ["log_id"] = logId,
        ["data"] = new JsonObject
        {
            ["date"] = date,
            ["type"] = type,
            ["user_id"] = userId,
            ["user_name"] = email,
            ["details"] = new JsonObject { ["body"] = new JsonObject { ["email"] = email } },
        },
    };

    /// <summary>A structured-mode CloudEvent of <paramref name="type"/> as one durable AMQP message, its id also the message id.</summary>
    public static Amqp.Message CloudEvent(string id, JsonObject data, string type = "transactional_email") => new()
    {
        Header = new Amqp.Framing.Header { Durable = true },
        Properties = new Amqp.Framing.Properties { MessageId = id, ContentType = "application/json" },
        BodySection = new Amqp.Framing.Data
        {
            Binary = Encoding.UTF8.GetBytes(new JsonObject
            {
                ["specversion"] = "1.0", ["type"] = type, ["source"] = "/e2e", ["id"] = id, ["time"] = "2026-11-24T10:00:00Z", ["data"] = data,
            }.ToJsonString()),
        },
    };
}
