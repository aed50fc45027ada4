using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Amqp;
using Amqp.Framing;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.TaskSignups;
using Crm.Integration.Functions.TransactionalEmails;
using Crm.Integration.Testing;

namespace Crm.Integration.EndToEnd.Tests;

/// <summary>Transactional emails and task signups through the real broker, the hub and the HubSpot simulator.</summary>
[Collection(HubCollection.Name)]
public sealed class PlatformEventsEndToEndTests(HubFixture hub)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task MixedStream_WithDuplicatesRejectionsAndALateContact_ProducesExactlyTheExpectedSendsAndProperties()
    {
        var run = LogStreamRequests.RunId();
        var template = await SaveTemplateAsync($"welcome-{run}", 100, custom: ["activation_url"]);
        var ada = await SignedUpContactAsync(run, "ada");
        var late = $"late-{run}@example.com";

        await PublishAsync(CloudEvent("transactional_email", $"{run}-e1", Email(template, to: ada.Email)));
        await PublishAsync(CloudEvent("transactional_email", $"{run}-e1", Email(template, to: ada.Email))); // the publisher retried
        await PublishAsync(Binary("transactional_email", $"{run}-e2", Email(template, toId: HubFixture.UserWithoutLoggedEmail)));
        await PublishAsync(EventBridge("transactional_email", $"{run}-e3", Email(template, to: $"x-{run}@bounced.example")));
        await PublishAsync(CloudEvent("transactional_email", $"{run}-e4", Email("no-such-template", to: ada.Email)));
        await PublishAsync(CloudEvent("transactional_email", $"{run}-e5", Email(template, to: $"y-{run}@spamtrap.example")));
        await PublishAsync(CloudEvent("task_signup", $"{run}-t1", PlatformEventData.TaskSignup($"{run}-ut1", crmId: ada.Id)));
        await PublishAsync(EventBridge("task_signup", $"{run}-t1-again", PlatformEventData.TaskSignup($"{run}-ut1", crmId: ada.Id)));
        await PublishAsync(CloudEvent("task_signup", $"{run}-t2", PlatformEventData.TaskSignup($"{run}-ut2", crmId: null, email: late)));
        // The late contact's own signup arrives after its task signup was first tried.
        await Eventually.TrueAsync(async () => (await RowAsync($"{run}-ut2", TaskSignupHandler.Channel))?.Attempts >= 2, Patience, "the task signup to wait for its contact");
        await SignedUpContactAsync(run, "late");

        // The repeat is either seen as a duplicate of a settled row, or — when both were in flight at once — sent again
        // with the same send id and ignored by HubSpot. One email either way.
        var e1 = await Eventually.GetAsync(async () => await RowAsync($"{run}-e1", "email") is { IsSettled: true } r && r.Attempts + r.DuplicatesSeen == 2 ? r : null, Patience, "both deliveries of e1");
        Assert.Equal((NotificationStatus.Delivered, template), (e1.Status, e1.Template));
        Assert.Equal(NotificationStatus.Delivered, (await SettledAsync($"{run}-e2", "email")).Status);
        Assert.Equal(("PREVIOUSLY_BOUNCED", NotificationStatus.Rejected), await ResultAsync($"{run}-e3"));
        Assert.StartsWith("UnknownTemplate", (await SettledAsync($"{run}-e4", "email")).LastError, StringComparison.Ordinal);
        await Eventually.TrueAsync(async () => (await RowAsync($"{run}-e5", "email"))?.Result == "PREVIOUS_SPAM", Patience, "the late spam verdict");
        Assert.Equal(NotificationStatus.Delivered, (await SettledAsync($"{run}-ut1", TaskSignupHandler.Channel)).Status);
        Assert.Equal(NotificationStatus.Delivered, (await SettledAsync($"{run}-ut2", TaskSignupHandler.Channel)).Status);
        await Eventually.TrueAsync(() => Task.FromResult(hub.DeadLetters.ContainsKey($"{run}-e3") && hub.DeadLetters.ContainsKey($"{run}-e4")), Patience, "the rejected emails in the DLQ");

        var emails = hub.HubSpot.Portal.Emails.Where(e => e.EmailId == 100 && (e.SendId == SendIds.For($"{run}-e1") || e.SendId == SendIds.For($"{run}-e2"))).ToList();
        Assert.Equal([ada.Email, "grace.hopper@example.com"], emails.OrderBy(e => e.SendId == SendIds.For($"{run}-e2")).Select(e => e.To));
        Assert.DoesNotContain(hub.HubSpot.Portal.Emails, e => e.To.Contains(run, StringComparison.Ordinal) && e.To != ada.Email);
        var sent = emails[0].Request;
        Assert.Equal(("Ada", "https://platform.example/a"), ((string?)sent["contactProperties"]!["firstname"], (string?)sent["customProperties"]!["activation_url"]));
        var adaProperties = hub.HubSpot.Portal.Contacts[ada.Email].Properties;
        Assert.Equal(("Count the fish", "Clean Rivers", Ms("2026-11-20T08:30:00Z")), (adaProperties["last_task_name"], adaProperties["last_task_project_name"], adaProperties["last_task_signup_date"]));
        Assert.Equal("Count the fish", hub.HubSpot.Portal.Contacts[late].Properties["last_task_name"]);
        await Eventually.TrueAsync(async () => await RowAsync($"{run}-ut1", TaskSignupHandler.Channel) is { } r && r.Attempts + r.DuplicatesSeen == 2, Patience, "both deliveries of ut1");
    }

    [Fact]
    public async Task RedeliveryAfterACrashBetweenSendAndSettle_SendsNoSecondEmail()
    {
        var run = LogStreamRequests.RunId();
        var template = await SaveTemplateAsync($"receipt-{run}", 300);
        var to = $"crash-{run}@example.com";
        // What the crashed process left: a ledger row that never got its outcome, and the email already sent. Admitted
        // today: the row's partition is the day it was received (a redelivery across midnight gets a new row, and the
        // send id still keeps it to one email).
        await hub.Ledger.AdmitAsync(new NotificationReceipt($"{run}-c1", "email", "transactional-email", TimeProvider.System.GetUtcNow()), CancellationToken.None);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/marketing/v3/transactional/single-email/send")
        {
            Content = JsonContent.Create(new JsonObject { ["emailId"] = 300, ["message"] = new JsonObject { ["to"] = to, ["sendId"] = SendIds.For($"{run}-c1") } }),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", HubFactory.HubSpotToken);
        using var sent = await hub.HubSpot.Client.SendAsync(request);
        sent.EnsureSuccessStatusCode();

        await PublishAsync(CloudEvent("transactional_email", $"{run}-c1", Email(template, to: to, custom: false)));

        var row = await SettledAsync($"{run}-c1", "email");
        Assert.Equal((NotificationStatus.Delivered, "IDEMPOTENT_IGNORE", 2), (row.Status, row.Result, row.Attempts));
        Assert.Single(hub.HubSpot.Portal.Emails, e => e.To == to);
    }

    [Fact]
    public async Task TemplateEditedBetweenTwoSends_TheSecondSendUsesTheNewMapping()
    {
        var run = LogStreamRequests.RunId();
        var name = await SaveTemplateAsync($"edited-{run}", 500, custom: ["old_field"]);
        var to = $"edit-{run}@example.com";
        await PublishAsync(CloudEvent("transactional_email", $"{run}-x1", Email(name, to: to, custom: false, extra: ("old_field", "1"))));
        await SettledAsync($"{run}-x1", "email");

        await SaveTemplateAsync(name, 600, custom: ["new_field"]);
        await Task.Delay(TimeSpan.FromMilliseconds(400)); // the template cache (0.3 s in these tests, 30 s by default)
        await PublishAsync(CloudEvent("transactional_email", $"{run}-x2", Email(name, to: to, custom: false, extra: ("new_field", "2"))));

        Assert.Equal(NotificationStatus.Delivered, (await SettledAsync($"{run}-x2", "email")).Status);
        Assert.Equal([500L, 600L], hub.HubSpot.Portal.Emails.Where(e => e.To == to).Select(e => e.EmailId));
    }

    [Fact]
    public async Task TemplateEditedThroughTheAdminApi_AnEventOnlyTheNewMappingAccepts_IsSent()
    {
        var run = LogStreamRequests.RunId();
        var name = $"admin-edit-{run}";
        var to = $"admin-edit-{run}@example.com";
        var admin = hub.Issuer.Mint("auth0|ops", [TestIssuer.WritePermission], name: "Ops Admin");
        var mapping = new JsonObject
        {
            ["name"] = name,
            ["hubspot_email_id"] = 4242,
            ["contact_properties"] = new JsonArray(new JsonObject { ["name"] = "firstname", ["required"] = false }),
            ["custom_properties"] = new JsonArray(new JsonObject { ["name"] = "activation_url", ["required"] = true }),
        };
        using var created = await AdminRequests.SendAsync(hub.Client, "POST", $"/api/admin/templates", admin, mapping);
        Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        await PublishAsync(CloudEvent("transactional_email", $"{run}-a1", Email(name, to: to, extra: ("coupon", "C-1"))));
        Assert.StartsWith("UndeclaredProperty", (await SettledAsync($"{run}-a1", "email")).LastError, StringComparison.Ordinal);

        mapping["custom_properties"]!.AsArray().Add(new JsonObject { ["name"] = "coupon", ["required"] = true });
        using var edited = await AdminRequests.SendAsync(hub.Client, "PUT", $"/api/admin/templates/{name}", admin, mapping, created.Headers.ETag!.ToString());
        Assert.Equal(System.Net.HttpStatusCode.OK, edited.StatusCode);
        await PublishAsync(CloudEvent("transactional_email", $"{run}-a2", Email(name, to: to, extra: ("coupon", "C-1"))));

        Assert.Equal(NotificationStatus.Delivered, (await SettledAsync($"{run}-a2", "email")).Status);
        var sent = Assert.Single(hub.HubSpot.Portal.Emails, e => e.To == to);
        Assert.Equal(("C-1", SendIds.For($"{run}-a2")), ((string?)sent.Request["customProperties"]!["coupon"], sent.SendId));
    }

    [Fact]
    public async Task CustomEventMode_ChosenInLookups_RecordsOneOccurrencePerSignup()
    {
        var run = LogStreamRequests.RunId();
        var ada = await SignedUpContactAsync(run, "ada");
        await hub.Lookups.CreateIfNotExistsAsync();
        await hub.Lookups.UpsertEntityAsync(new Azure.Data.Tables.TableEntity(TaskSignupSettings.LookupPartition, "Mode") { ["Value"] = "CustomEvent" });
        await hub.Lookups.UpsertEntityAsync(new Azure.Data.Tables.TableEntity(TaskSignupSettings.LookupPartition, "EventName") { ["Value"] = "pe1_task_signup" });
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(300)); // the Lookups cache (0.2 s in these tests)
            await PublishAsync(CloudEvent("task_signup", $"{run}-c1", PlatformEventData.TaskSignup($"{run}-ut", crmId: ada.Id)));
            await PublishAsync(Binary("task_signup", $"{run}-c2", PlatformEventData.TaskSignup($"{run}-ut", crmId: ada.Id)));

            await SettledAsync($"{run}-ut", TaskSignupHandler.Channel);
            await Eventually.TrueAsync(async () => await RowAsync($"{run}-ut", TaskSignupHandler.Channel) is { } r && r.Attempts + r.DuplicatesSeen == 2, Patience, "the repeat");
            var occurrence = Assert.Single(hub.HubSpot.Portal.Events, e => e.ObjectId == ada.Id);
            Assert.Equal(("pe1_task_signup", "Count the fish", $"{run}-ut"), (occurrence.EventName, (string?)occurrence.Properties!["task_name"], (string?)occurrence.Properties["user_task_id"]));
            Assert.False(hub.HubSpot.Portal.Contacts[ada.Email].Properties.ContainsKey("last_task_name"));
        }
        finally
        {
            await hub.Lookups.DeleteEntityAsync(TaskSignupSettings.LookupPartition, "Mode");
            await hub.Lookups.DeleteEntityAsync(TaskSignupSettings.LookupPartition, "EventName");
            await Task.Delay(TimeSpan.FromMilliseconds(300));
        }
    }

    [Theory]
    [InlineData("cloudevent", "data")]
    [InlineData("cloudevent", "amqp-value-string")]
    [InlineData("binary", "data")]
    [InlineData("binary", "amqp-value-binary")]
    [InlineData("eventbridge", "data")]
    [InlineData("eventbridge", "amqp-value-string")]
    public async Task EventFromAnotherAmqpClient_InEachEnvelope_IsSent(string envelope, string body)
    {
        var run = LogStreamRequests.RunId();
        var template = await SaveTemplateAsync($"rhea-{run}", 700, custom: ["activation_url"]);
        var to = $"rhea-{run}@example.com";

        await PublishWithRheaAsync(envelope, body, "transactional_email", $"{run}-r", Email(template, to: to));

        Assert.Equal(NotificationStatus.Delivered, (await SettledAsync($"{run}-r", "email")).Status);
        var email = Assert.Single(hub.HubSpot.Portal.Emails, e => e.To == to);
        Assert.Equal(SendIds.For($"{run}-r"), email.SendId);
    }

    private async Task<string> SaveTemplateAsync(string name, long emailId, string[]? custom = null)
    {
        await hub.Templates.PutAsync(
            new EmailTemplate(
                name,
                emailId,
                "Platform <hello@platform.example>",
                [],
                [],
                [],
                [new TemplateProperty("firstname", Required: false)],
                (custom ?? []).Select(c => new TemplateProperty(c, Required: true)).ToList()));
        return name;
    }

    /// <summary>A contact created the way the platform creates them: an Auth0 signup through the webhook.</summary>
    private async Task<(string Email, string Id)> SignedUpContactAsync(string run, string who)
    {
        var email = $"{who}-{run}@example.com";
        var signup = new JsonObject
        {
            ["log_id"] = $"{run}-{who}-signup",
            ["data"] = new JsonObject
            {
                ["date"] = "2026-11-19T10:00:00Z",
                ["type"] = "ss",
                ["user_id"] = $"auth0|{who}-{run}",
                ["user_name"] = email,
                ["details"] = new JsonObject { ["body"] = new JsonObject { ["email"] = email } },
            },
        };
        using var response = await hub.Client.SendAsync(LogStreamRequests.Post(Encoding.UTF8.GetBytes(new JsonArray(signup).ToJsonString())));
        response.EnsureSuccessStatusCode();
        var contact = await Eventually.GetAsync(() => Task.FromResult(hub.HubSpot.Portal.Contacts.GetValueOrDefault(email)), Patience, "the contact from the signup");
        return (email, contact.Id);
    }

    private static JsonObject Email(string template, string? to = null, string? toId = null, bool custom = true, (string Name, string Value)? extra = null)
    {
        var data = new JsonObject
        {
            ["template_name"] = template,
            ["contact_properties"] = new JsonObject { ["firstname"] = "Ada" },
            ["custom_properties"] = custom ? new JsonObject { ["activation_url"] = "https://platform.example/a" } : new JsonObject(),
        };
        if (extra is { } field)
        {
            data["custom_properties"]![field.Name] = field.Value;
        }

        if (to is not null)
        {
            data["to_recipient_email"] = to;
        }

        if (toId is not null)
        {
            data["to_recipient_id"] = toId;
        }

        return data;
    }

    private static Message CloudEvent(string type, string id, JsonObject data) => Json(id, null, new JsonObject
    {
        ["specversion"] = "1.0",
        ["type"] = type,
        ["source"] = "/e2e",
        ["id"] = id,
        ["time"] = "2026-11-24T10:00:00Z",
        ["data"] = data,
    });

    private static Message EventBridge(string type, string id, JsonObject data) => Json(id, null, new JsonObject
    {
        ["version"] = "0",
        ["detail-type"] = type,
        ["source"] = "e2e",
        ["id"] = id,
        ["time"] = "2026-11-24T10:00:00Z",
        ["detail"] = data,
    });

    private static Message Binary(string type, string id, JsonObject data) => Json(id, type, data);

    /// <summary>Structured envelopes carry the event id as message id too, as Service Bus SDKs let publishers do (it is the DLQ's key here).</summary>
    private static Message Json(string messageId, string? subject, JsonObject body) => new()
    {
        Header = new Header { Durable = true },
        Properties = new Properties { MessageId = messageId, Subject = subject, ContentType = "application/json" },
        BodySection = new Data { Binary = Encoding.UTF8.GetBytes(body.ToJsonString()) },
    };

    private Task PublishAsync(Message message) => hub.Raw.SendAsync("platform-events", message);

    /// <summary>Publishes with rhea (Node.js), as a microservice that does not use the hub's AMQP library would.</summary>
    private static async Task PublishWithRheaAsync(string envelope, string body, string type, string id, JsonObject data)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
        {
            "scripts/tools/publish-event.mjs", "--port", TestStack.Shared.AmqpPort.ToString(CultureInfo.InvariantCulture),
            "--envelope", envelope, "--body", body, "--type", type, "--id", id, "--data", data.ToJsonString(),
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var node = Process.Start(start)!;
        var output = node.StandardOutput.ReadToEndAsync();
        var errors = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(node.ExitCode == 0, $"publish-event.mjs exited {node.ExitCode}: {await output} {await errors}");
    }

    private Task<NotificationRecord?> RowAsync(string sourceId, string channel) => hub.Ledger.FindAsync(sourceId, channel, CancellationToken.None);

    private Task<NotificationRecord> SettledAsync(string sourceId, string channel) =>
        Eventually.GetAsync(async () => await RowAsync(sourceId, channel) is { IsSettled: true } row ? row : null, Patience, $"{channel} {sourceId} to settle");

    private async Task<(string?, NotificationStatus)> ResultAsync(string eventId)
    {
        var row = await SettledAsync(eventId, "email");
        return (row.Result, row.Status);
    }

    private static string Ms(string date) =>
        DateTimeOffset.Parse(date, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
}
