using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Amqp;
using Amqp.Framing;
using Amqp.Listener;

namespace Crm.Integration.Testing.ServiceBusDouble;

/// <summary>
/// The <c>$cbs</c> node: claims-based security <c>put-token</c>. A shared access signature must be signed with the
/// namespace's key; a JWT (the token-credential path) is accepted when it is shaped like one, and kept for tests to read.
/// A connection may attach to entities only after one token was accepted on it.
/// </summary>
internal sealed class CbsNode(string keyName, string key, TimeProvider time, DoubleTraffic traffic) : IRequestProcessor
{
    private readonly ConcurrentDictionary<Connection, bool> _authorized = new();

    public int Credit => 100;

    public ConcurrentQueue<string> JwtsAccepted { get; } = new();

    public bool IsAuthorized(Connection connection) => _authorized.ContainsKey(connection);

    public void Process(RequestContext requestContext)
    {
        var request = requestContext.Message;
        var operation = request.ApplicationProperties?["operation"] as string;
        var type = request.ApplicationProperties?["type"] as string;
        traffic.Record($"$cbs {operation} {type}");

        var token = request.Body as string;
        var problem = operation != "put-token" ? $"operation '{operation}' is not supported"
            : token is null ? "the body is not a string"
            : type switch
            {
                "servicebus.windows.net:sastoken" => SasTokens.Problem(token, keyName, key, time.GetUtcNow()),
                "jwt" => JwtProblem(token),
                _ => $"token type '{type}' is not supported",
            };

        if (problem is null)
        {
            _authorized[requestContext.Link.Session.Connection] = true;
            if (type == "jwt")
            {
                JwtsAccepted.Enqueue(token!);
            }
        }

        requestContext.Complete(new Message
        {
            ApplicationProperties = new ApplicationProperties
            {
                ["status-code"] = problem is null ? 202 : 401,
                ["status-description"] = problem ?? "Accepted",
            },
        });
    }

    private static string? JwtProblem(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return "not a JWT (three dot-separated parts)";
        }

        try
        {
            var header = Convert.FromBase64String(Base64UrlPadded(parts[0]));
            using var json = JsonDocument.Parse(Encoding.UTF8.GetString(header));
            return json.RootElement.TryGetProperty("alg", out _) ? null : "the JWT header names no algorithm";
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return $"the JWT header is not base64url JSON: {ex.Message}";
        }
    }

    private static string Base64UrlPadded(string part)
    {
        var base64 = part.Replace('-', '+').Replace('_', '/');
        return base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
    }
}
