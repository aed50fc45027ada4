using Amqp;
using Amqp.Framing;
using Amqp.Listener;
using Amqp.Types;

namespace Crm.Integration.Testing.ServiceBusDouble;

/// <summary>
/// An entity's <c>$management</c> node (its dead-letter queue has one too): <c>com.microsoft:peek-message</c>, <c>com.microsoft:renew-lock</c> (body <c>{"lock-tokens": uuid[]}</c>, answer
/// <c>{"expirations": timestamp[]}</c>). Any other operation is recorded and answered 501, so that a test sees what
/// else the client asked for.
/// </summary>
internal sealed class ManagementNode(DoubleQueue queue, DoubleTraffic traffic) : IRequestProcessor
{
    public int Credit => 100;

    public void Process(RequestContext requestContext)
    {
        var request = requestContext.Message;
        var operation = request.ApplicationProperties?["operation"] as string;
        traffic.Record($"{queue.Name}/$management {operation}");
        requestContext.Complete(operation switch
        {
            "com.microsoft:renew-lock" => RenewLocks(request),
            "com.microsoft:update-disposition" => UpdateDisposition(request),
            "com.microsoft:peek-message" => Peek(request),
            _ => Status(501, $"'{operation}' is not implemented by the double."),
        });
    }

    /// <summary>
    /// Settlement by lock token, which the client uses when the link that delivered the message is gone:
    /// <c>{"lock-tokens": uuid[], "disposition-status": "completed" | "abandoned" | "suspended", "deadletter-reason"?, "deadletter-description"?}</c>.
    /// </summary>
    private Message UpdateDisposition(Message request)
    {
        if (request.Body is not Map body || body["lock-tokens"] is not Guid[] tokens || body["disposition-status"] is not string status)
        {
            return Status(400, "The body carries no lock-tokens and disposition-status.");
        }

        var outcome = status switch
        {
            "completed" => "accepted",
            "suspended" => "rejected",
            "abandoned" => "modified",
            _ => null,
        };
        if (outcome is null)
        {
            return Status(501, $"Disposition status '{status}' is not implemented by the double.");
        }

        var settled = tokens.Select(token => queue.Settle(token, outcome, body["deadletter-reason"] as string, body["deadletter-description"] as string, "$management")).ToList();
        return settled.All(s => s) ? Status(200, "OK") : LockLost();
    }

    /// <summary>
    /// Browse without a lock: <c>{"from-sequence-number": long, "message-count": int}</c> → 200 with
    /// <c>{"messages": [{"message": binary (the encoded message)}]}</c>, or 204 when there is none from there on.
    /// </summary>
    private Message Peek(Message request)
    {
        if (request.Body is not Map body || body["from-sequence-number"] is not long from || body["message-count"] is not int count)
        {
            return Status(400, "The body carries no from-sequence-number and message-count.");
        }

        var messages = queue.Peek(from, count);
        if (messages.Count == 0)
        {
            return Status(204, "No messages.");
        }

        var list = new List();
        foreach (var message in messages)
        {
            var encoded = message.Encode();
            list.Add(new Map { ["message"] = encoded.Buffer.AsSpan(encoded.Offset, encoded.Length).ToArray() });
        }

        var ok = Status(200, "OK");
        ok.BodySection = new AmqpValue { Value = new Map { ["messages"] = list } };
        return ok;
    }

    private Message RenewLocks(Message request)
    {
        if (request.Body is not Map body || body["lock-tokens"] is not Guid[] tokens)
        {
            return Status(400, "The body carries no lock-tokens array.");
        }

        var expirations = tokens.Select(queue.RenewLock).ToList();
        if (expirations.Any(e => e is null))
        {
            return LockLost();
        }

        var ok = Status(200, "OK");
        ok.BodySection = new AmqpValue { Value = new Map { ["expirations"] = expirations.Select(e => e!.Value).ToArray() } };
        return ok;
    }

    private static Message LockLost()
    {
        var response = Status(410, "The lock supplied is invalid.");
        response.ApplicationProperties["errorCondition"] = new Symbol("com.microsoft:message-lock-lost");
        return response;
    }

    private static Message Status(int code, string description) => new()
    {
        ApplicationProperties = new ApplicationProperties { ["statusCode"] = code, ["statusDescription"] = description },
    };
}
