using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Crm.Integration.EndToEnd.Tests;

/// <summary>Requests to the admin API as the admin page makes them.</summary>
internal static class AdminRequests
{
    public static async Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path, string? token, JsonObject? body = null, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        return await client.SendAsync(request);
    }

    public static async Task<JsonNode> JsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? throw new InvalidOperationException("empty body");
}
