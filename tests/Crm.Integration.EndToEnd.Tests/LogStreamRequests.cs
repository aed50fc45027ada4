using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Crm.Integration.Testing;

namespace Crm.Integration.EndToEnd.Tests;

/// <summary>Auth0 deliveries built from the shared fixtures, with log ids made unique to the test that sends them.</summary>
internal static class LogStreamRequests
{
    public const string Route = "/api/auth0/log-stream";

    public static List<JsonObject> Envelopes(string runId, params string[] fixtureNames) =>
        fixtureNames.Select(name =>
        {
            var envelope = Auth0Fixtures.Envelope(name);
            var logId = $"{runId}-{Auth0Fixtures.LogIdOf(envelope)}";
            envelope["log_id"] = logId;
            if (envelope["data"] is JsonObject { } data && data.ContainsKey("log_id"))
            {
                data["log_id"] = logId;
            }

            return envelope;
        }).ToList();

    public static HttpRequestMessage Post(byte[] body, string? token = HubFactory.Token, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Route) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", token);
        }

        return request;
    }

    public static string RunId() => $"e2e{Guid.NewGuid():N}"[..15];
}
