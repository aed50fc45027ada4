using System.Text;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.TransactionalEmails;
using Crm.Integration.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Integration.EndToEnd.Tests.AdminPage;

/// <summary>
/// Issue 20's promise in a real browser (<c>operations-page.browser.mjs</c>): from the page, an operator finds an
/// email that was dead-lettered for an undeclared property, sees why, fixes the template, replays the message (a dry
/// run first) and sees it delivered; reads yesterday's summary; a reader may look but not replay. The hub runs on a
/// real port with the broker (queues of its own: no other test hub takes its messages), Azurite and the HubSpot
/// simulator. Screenshots land in <c>artifacts/admin-page/</c>.
/// </summary>
public sealed class OperationsPageBrowserTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AnOperator_FindsAFailedEmail_FixesTheTemplate_ReplaysIt_AndReadsYesterdaysSummary_InARealBrowser()
    {
        await TestStack.Shared.UpAsync();
        using var issuer = new TestIssuer();
        await using var simulator = await RunningSimulator.StartAsync(o => o.AccessToken = HubFactory.HubSpotToken);
        var run = LogStreamRequests.RunId();
        var port = FreePorts.Next();
        var table = $"Ops{Guid.NewGuid():N}"[..24];
        var settings = HubFactory.SettingsFor(TestStack.Shared, TestStack.Shared, table, simulator.BaseAddress);
        settings["ServiceBus:Entities:auth0-log-events"] = RawAmqp.QueueAddress("page-auth0-log-events");
        settings["ServiceBus:Entities:platform-events"] = RawAmqp.QueueAddress("page-platform-events");
        settings["Secrets:PersonFingerprintKey"] = "page-person-fingerprint-key";
        settings["PlatformEvents:TemplateCacheFor"] = "00:00:00.300";
        settings["PlatformEvents:SendStatusFirstPoll"] = "00:00:00.100";
        settings["AzureWebJobs:NotificationsCleanup:Disabled"] = "true";
        settings["AzureWebJobs:DailySummary:Disabled"] = "true";
        foreach (var (key, value) in issuer.Settings)
        {
            settings[key] = value;
        }

        await using var hub = new HubFactory(settings);
        hub.UseKestrel(port);
        hub.StartServer();
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var ledger = hub.Services.GetRequiredService<INotificationLedger>();
        var email = $"page-{run}@example.com";
        var template = $"ops-{run}";
        var failedId = $"{run}-email";
        await hub.Services.GetRequiredService<IEmailTemplateAdmin>().PutAsync(new EmailTemplate(template, 4242, "Platform <hello@platform.example>", [], [], [], [], []));

        var logs = Encoding.UTF8.GetBytes(new JsonArray(
            HubEvents.Auth0Log($"{run}-signup", "ss", $"auth0|{run}", email, "2026-11-19T10:00:00Z"),
            HubEvents.Auth0Log($"{run}-login", "s", $"auth0|{run}", email, "2026-11-20T10:00:00Z")).ToJsonString());
        await Eventually.TrueAsync(async () => // 503 until the host has its broker connection: Auth0 would send again, so do we
        {
            using var posted = await client.SendAsync(LogStreamRequests.Post(logs));
            return posted.IsSuccessStatusCode;
        }, Patience, "the log stream accepting the logs");

        await using (var raw = await RawAmqp.ConnectAsync(TestStack.Shared))
        {
            await raw.SendAsync("page-platform-events", HubEvents.CloudEvent(failedId, new JsonObject
            {
                ["template_name"] = template,
                ["to_recipient_email"] = email,
                ["custom_properties"] = new JsonObject { ["coupon"] = "C-1" },
            }));
        }

        await Eventually.TrueAsync(async () => await ledger.FindAsync(failedId, "email", CancellationToken.None) is { Status: NotificationStatus.Rejected }, Patience, "the email dead-lettered");
        await Eventually.TrueAsync(async () => await ledger.FindAsync($"{run}-login", "auth0", CancellationToken.None) is { IsSettled: true }, Patience, "the login");
        var yesterday = await YesterdayAsync(hub.Services.GetRequiredService<TableServiceClient>().GetTableClient(table), run);
        var seen = 0;
        await foreach (var _ in hub.Services.GetRequiredService<ILedgerReader>().ReadAllAsync(new LedgerQuery(["auth0", "email"], yesterday, yesterday.AddDays(1)), CancellationToken.None))
        {
            seen++;
        }

        Assert.Equal(6, seen); // what the summary must count

        var (exitCode, output) = await BrowserScript.RunAsync("operations-page.browser.mjs", new Dictionary<string, string>
        {
            ["HUB_URL"] = $"http://127.0.0.1:{port}",
            ["OPERATOR_TOKEN"] = issuer.Mint("auth0|olga", [TestIssuer.WritePermission, TestIssuer.OperatePermission], name: "Olga Operator"),
            ["READER_TOKEN"] = issuer.Mint("auth0|rita", [TestIssuer.ReadPermission], name: "Rita Reader"),
            ["FAILED_ID"] = failedId,
            ["TEMPLATE_NAME"] = template,
            ["PERSON_EMAIL"] = email,
        });

        Assert.True(exitCode == 0, output);
        Assert.Contains("every step passed", output, StringComparison.Ordinal);
        var sent = Assert.Single(simulator.Portal.Emails, e => e.SendId == SendIds.For(failedId)); // replayed once, sent once
        Assert.Equal("C-1", (string?)sent.Request["customProperties"]!["coupon"]);
        Assert.Equal(NotificationStatus.Delivered, (await ledger.FindAsync(failedId, "email", CancellationToken.None))!.Status);
        foreach (var screenshot in new[] { "ops-deliveries.png", "ops-event-failed.png", "ops-dead-letters.png", "ops-event-delivered.png", "ops-summary.png" })
        {
            Assert.True(new FileInfo(Path.Combine(BrowserScript.ArtifactsDirectory, screenshot)).Length > 10_000, screenshot);
        }
    }

    /// <summary>Yesterday's events as the ledger keeps them (no test can wait a day): logins, a sent email, two rejections.</summary>
    private static async Task<DateTimeOffset> YesterdayAsync(TableClient notifications, string run)
    {
        var midnight = new DateTimeOffset(TimeProvider.System.GetUtcNow().UtcDateTime.Date.AddDays(-1), TimeSpan.Zero);
        var noon = midnight.AddHours(12);
        var rows = new (string Id, string Channel, string Type, string Status, int Ms, string? Error, string? Result)[]
        {
            ($"{run}-y-login-1", "auth0", "user-login", "Delivered", 420, null, null),
            ($"{run}-y-login-2", "auth0", "user-login", "Delivered", 610, null, null),
            ($"{run}-y-signup", "auth0", "user-registration", "Delivered", 900, null, null),
            ($"{run}-y-email", "email", "transactional-email", "Delivered", 1500, null, "SENT"),
            ($"{run}-y-unknown", "email", "transactional-email", "Rejected", 30, "UnknownTemplate: No template 'old-welcome' is mapped.", null),
            ($"{run}-y-no-email", "auth0", "user-login", "Rejected", 25, "NoEmail: The profile has no email address.", null),
        };
        foreach (var (row, i) in rows.Select((r, i) => (r, i)))
        {
            var received = noon.AddMinutes(i * 7);
            await notifications.UpsertEntityAsync(new TableEntity(
                LedgerKeys.PartitionKeyOf(new NotificationReceipt(row.Id, row.Channel, row.Type, received)), LedgerKeys.RowKeyOf(row.Id, row.Channel))
            {
                ["SourceId"] = row.Id,
                ["Type"] = row.Type,
                ["Status"] = row.Status,
                ["ReceivedAt"] = received,
                ["UpdatedAt"] = received.AddMilliseconds(row.Ms),
                ["Attempts"] = 1,
                ["DuplicatesSeen"] = 0,
                ["LastError"] = row.Error ?? "",
                ["Result"] = row.Result,
            });
        }

        return midnight;
    }
}
