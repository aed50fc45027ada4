using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Crm.Integration.Connectors.Diagnostics;
using Crm.Integration.Testing;

namespace Crm.Integration.EndToEnd.Tests.Telemetry;

/// <summary>
/// One trace across the queue on the production transport, where the Azure SDK adds spans of its own (send, and the
/// processor's span whose parent it reads from <c>Diagnostic-Id</c>) between the hub's.
/// </summary>
[Collection(SdkTelemetryHubCollection.Name)]
public sealed class TelemetryOnServiceBusSdkEndToEndTests(SdkTelemetryHubFixture hub)
{
    [Fact]
    public async Task Post_OneLogin_OneTraceFromTheWebhookThroughTheSdksSpansToTheHubSpotCall()
    {
        var run = LogStreamRequests.RunId();
        var logId = $"{run}-login";
        var login = new JsonObject
        {
            ["log_id"] = logId,
            ["data"] = new JsonObject
            {
                ["date"] = TimeProvider.System.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                ["type"] = "s",
                ["user_id"] = $"auth0|{logId}",
                ["user_name"] = $"zebulon-{run}@example.com",
            },
        };

        using var response = await hub.Client.SendAsync(LogStreamRequests.Post(Encoding.UTF8.GetBytes(new JsonArray(login).ToJsonString())));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var process = await Eventually.GetAsync(
            () => Task.FromResult(hub.Telemetry.Spans.FirstOrDefault(s => s.DisplayName == "process auth0-log-events" && s.GetTagItem("messaging.message.id") as string == logId)),
            TimeSpan.FromSeconds(20), "the message's consumer span");
        // The SDK's processor span, the consumer span's parent, ends after it (once the handler has returned).
        await Eventually.TrueAsync(() => Task.FromResult(hub.Telemetry.Spans.Any(s => s.SpanId == process.ParentSpanId)), TimeSpan.FromSeconds(10), "the parent span");
        var trace = hub.Telemetry.Spans.Where(s => s.TraceId == process.TraceId).ToList();
        var byId = trace.ToDictionary(s => s.SpanId);
        var ancestors = new List<Activity>();
        for (var current = process; byId.TryGetValue(current.ParentSpanId, out var parent); current = parent)
        {
            ancestors.Add(parent);
        }

        var chain = string.Join(" <- ", ancestors.Select(s => $"{s.Source.Name}:{s.DisplayName}"));
        var all = string.Join(", ", trace.Select(s => $"{s.Source.Name}:{s.DisplayName}"));
        Assert.True(ancestors.Any(s => s.DisplayName == "send auth0-log-events" && s.Source.Name == HubTelemetry.ServiceBus.Name), $"ancestors: {chain}; trace: {all}");
        // The SDK's processor span, which took its parent from Diagnostic-Id.
        Assert.True(ancestors.Any(s => s.Source.Name.StartsWith("Azure.Messaging.ServiceBus", StringComparison.Ordinal)), $"ancestors: {chain}");
        Assert.Equal(ActivityKind.Server, ancestors[^1].Kind); // the root: the webhook's request
        Assert.Contains(trace, s => s.DisplayName == "hubspot contacts batch upsert");
        Assert.Contains(trace, s => s.Kind == ActivityKind.Client && (s.GetTagItem("url.full") as string)?.Contains("contacts/batch/upsert", StringComparison.Ordinal) == true);
    }
}
