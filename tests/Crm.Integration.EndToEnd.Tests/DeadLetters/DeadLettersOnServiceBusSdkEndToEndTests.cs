using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Amqp;
using Amqp.Framing;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.TransactionalEmails;
using Crm.Integration.Testing;

namespace Crm.Integration.EndToEnd.Tests.DeadLetters;

/// <summary>The replay on the Azure transport: the hub's own dead-lettering, the reason from Service Bus's properties, the message back on its queue.</summary>
[Collection(ServiceBusSdkHubCollection.Name)]
public sealed class DeadLettersOnServiceBusSdkEndToEndTests(ServiceBusSdkHubFixture hub)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task UnknownTemplate_TemplateCreated_ReplayedByReason_TheEmailIsSentOnce()
    {
        var run = LogStreamRequests.RunId();
        var (template, to, id) = ($"sdk-replay-{run}", $"sdk-replay-{run}@example.com", $"{run}-sdk-email");
        var operatorToken = hub.Issuer.Mint("auth0|olga", [TestIssuer.OperatePermission], name: "Olga Operator");
        hub.Entity("platform-events").Enqueue(CloudEvent(id, template, to));
        await Eventually.TrueAsync(() => Task.FromResult(hub.Entity("platform-events").DeadLetters!.Present.Any(m => m.MessageId == id)), Patience, "the email dead-lettered");

        using var list = await AdminRequests.SendAsync(hub.Client, "GET", "/api/admin/dead-letters?queue=platform-events&reason=UnknownTemplate", operatorToken);
        var item = (await AdminRequests.JsonAsync(list))["items"]!.AsArray().Single(i => (string?)i!["messageId"] == id)!;
        Assert.Equal(("UnknownTemplate", 0), ((string?)item["reason"], (int)item["deliveryCount"]!));

        await hub.Templates.PutAsync(new EmailTemplate(template, 4242, "Platform <hello@platform.example>", [], [], [], [], []));
        await Task.Delay(TimeSpan.FromMilliseconds(400)); // the template cache (0.3 s here)
        using var replay = await AdminRequests.SendAsync(hub.Client, "POST", "/api/admin/dead-letters/replay", operatorToken,
            new JsonObject { ["queue"] = "platform-events", ["reasons"] = new JsonArray("UnknownTemplate"), ["ids"] = new JsonArray(id), ["dryRun"] = false });
        var report = await AdminRequests.JsonAsync(replay);

        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal(1, (int)report["replayed"]!);
        await Eventually.TrueAsync(async () => (await hub.Ledger.FindAsync(id, TransactionalEmailHandler.Channel, CancellationToken.None))?.Status == NotificationStatus.Delivered, Patience, "the replayed email delivered");
        Assert.Single(hub.HubSpot.Portal.Emails, e => e.To == to);
        Assert.DoesNotContain(hub.Entity("platform-events").DeadLetters!.Present, m => m.MessageId == id);
    }

    private static Message CloudEvent(string id, string template, string to) => new()
    {
        Header = new Header { Durable = true },
        Properties = new Properties { MessageId = id, ContentType = "application/json" },
        BodySection = new Data
        {
            Binary = Encoding.UTF8.GetBytes(new JsonObject
            {
                ["specversion"] = "1.0",
                ["type"] = "transactional_email",
                ["source"] = "/e2e",
                ["id"] = id,
                ["data"] = new JsonObject { ["template_name"] = template, ["to_recipient_email"] = to },
            }.ToJsonString()),
        },
    };
}
