using System.Text.Json.Nodes;

namespace Crm.Integration.HubSpotSimulator;

/// <summary>
/// Single-send (<c>POST /marketing/v3/transactional/single-email/send</c>) and its status
/// (<c>GET /marketing/v3/email/send-statuses/{statusId}</c>). One email per <c>sendId</c>: a repeat is answered with a
/// status whose result is <c>IDEMPOTENT_IGNORE</c> and sends nothing. Results known when the request arrives come back
/// at once, <c>COMPLETE</c>: recipients at <c>bounced.example</c> and <c>blocked.example</c> give
/// <c>PREVIOUSLY_BOUNCED</c> and <c>BLOCKED_DOMAIN</c>, a malformed one <c>INVALID_TO_ADDRESS</c>, email id 13
/// <c>EMAIL_DISABLED</c>. Others are <c>PENDING</c> for 100 ms, then <c>COMPLETE</c>: <c>SENT</c>, or
/// <c>PREVIOUS_SPAM</c> for recipients at <c>spamtrap.example</c> (a failure only known after the send was accepted).
/// </summary>
public static class TransactionalEmailApi
{
    /// <summary>An email id whose email is switched off in the portal.</summary>
    public const long DisabledEmailId = 13;

    private static readonly TimeSpan ProcessingTime = TimeSpan.FromMilliseconds(100);

    public static void MapTransactionalEmailApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/marketing/v3/transactional/single-email/send", SendAsync);
        app.MapGet("/marketing/v3/email/send-statuses/{statusId}", (string statusId, Portal portal) =>
            portal.Statuses.TryGetValue(statusId, out var status)
                ? Results.Json(Describe(status, portal.Time.GetUtcNow()))
                : HubSpotErrors.Error(404, "OBJECT_NOT_FOUND", $"No send status {statusId}."));
    }

    private static async Task<IResult> SendAsync(HttpRequest request, Portal portal)
    {
        var body = await ContactsApi.ReadObjectAsync(request);
        if (body?["emailId"] is not JsonValue emailIdNode || !emailIdNode.TryGetValue<long>(out var emailId)
            || body["message"] is not JsonObject message || message["to"]?.GetValue<string>() is not { Length: > 0 } to)
        {
            return HubSpotErrors.Error(400, "VALIDATION_ERROR", "emailId (a number) and message.to are required.");
        }

        var now = portal.Time.GetUtcNow();
        var sendId = message["sendId"]?.GetValue<string>();
        var statusId = Guid.NewGuid().ToString();
        string result;
        if (sendId is not null && !portal.StatusIdBySendId.TryAdd(sendId, statusId))
        {
            result = "IDEMPOTENT_IGNORE";
        }
        else
        {
            result = !ContactsApi.EmailPattern().IsMatch(to) ? "INVALID_TO_ADDRESS"
                : to.EndsWith("@bounced.example", StringComparison.OrdinalIgnoreCase) ? "PREVIOUSLY_BOUNCED"
                : to.EndsWith("@blocked.example", StringComparison.OrdinalIgnoreCase) ? "BLOCKED_DOMAIN"
                : emailId == DisabledEmailId ? "EMAIL_DISABLED"
                : to.EndsWith("@spamtrap.example", StringComparison.OrdinalIgnoreCase) ? "PREVIOUS_SPAM"
                : "SENT";
            if (result == "SENT")
            {
                portal.Emails.Enqueue(new SentEmail(statusId, emailId, to, sendId, body, now));
            }
        }

        // Only a send that was accepted (or one that goes out later) is processed; the rest is decided on arrival.
        var decidedNow = result is not ("SENT" or "PREVIOUS_SPAM");
        var status = new SendStatus(statusId, result, decidedNow ? now - ProcessingTime : now);
        portal.Statuses[statusId] = status;
        return Results.Json(Describe(status, now));
    }

    private static JsonObject Describe(SendStatus status, DateTimeOffset now)
    {
        var complete = now - status.RequestedAt >= ProcessingTime;
        var described = new JsonObject
        {
            ["statusId"] = status.StatusId,
            ["status"] = complete ? "COMPLETE" : "PENDING",
            ["requestedAt"] = status.RequestedAt,
        };
        if (complete)
        {
            described["sendResult"] = status.SendResult;
            described["completedAt"] = status.RequestedAt + ProcessingTime;
        }

        return described;
    }
}
