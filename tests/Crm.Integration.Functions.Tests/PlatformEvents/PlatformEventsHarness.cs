using System.Text;
using System.Text.Json.Nodes;
using Crm.Integration.Connectors.Auth0;
using Crm.Integration.Connectors.HubSpot;
using Crm.Integration.Connectors.ServiceBus;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.PlatformEvents;
using Crm.Integration.Functions.Tests.Execution;
using Crm.Integration.Functions.TaskSignups;
using Crm.Integration.Functions.TransactionalEmails;
using Crm.Integration.Testing.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Crm.Integration.Functions.Tests.PlatformEvents;

/// <summary>The platform-events trigger and both handlers over in-memory connectors, with a clock the test moves.</summary>
internal sealed class PlatformEventsHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset Now = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);

    public PlatformEventsHarness(PlatformEventsOptions? options = null)
    {
        Options = options ?? new PlatformEventsOptions { ContactWaitDelay = TimeSpan.Zero, ContactWaitAttempts = 3 };
        var settings = Microsoft.Extensions.Options.Options.Create(Options);
        Batcher = new ContactBatcher(Contacts, new UnlimitedBudget(), Microsoft.Extensions.Options.Options.Create(new ContactBatchingOptions { Window = TimeSpan.Zero }), Microsoft.Extensions.Options.Options.Create(new HubSpotOptions()), TimeProvider.System);
        Watcher = new SendStatusWatcher(Email, Ledger, settings, Time, NullLogger<SendStatusWatcher>.Instance);
        var (executor, facts) = new InMemoryExecution(Ledger, Auth0, Lookups, ContactDates, Contacts, Batcher, Time, Options, Templates, CustomEvents, Email, Watcher).Build();
        var emails = new TransactionalEmailHandler(executor, facts, Time);
        var taskSignups = new TaskSignupHandler(executor, facts, settings, Time);
        Trigger = new PlatformEventsTrigger(new UnusedQueueListener(), emails, taskSignups, Ledger, TestMetrics.Hub(), Time, NullLogger<PlatformEventsTrigger>.Instance);
        Auth0.Users["auth0|ada"] = new Auth0User("auth0|ada", "Ada.Lovelace@Example.com", "Ada", "Lovelace", "Ada Lovelace", null);
        Auth0.Users["auth0|no-email"] = new Auth0User("auth0|no-email", null, null, null, null, null);
        Templates.Templates["welcome"] = new EmailTemplate(
            "welcome",
            4242,
            "Platform <hello@platform.example>",
            ["support@platform.example"],
            ["cc@platform.example"],
            [],
            [new TemplateProperty("firstname", Required: true)],
            [new TemplateProperty("activation_url", Required: true), new TemplateProperty("promo_code", Required: false)]);
    }

    public PlatformEventsOptions Options { get; }

    public FakeTimeProvider Time { get; } = new(Now);

    public InMemoryLedger Ledger { get; } = new();

    public InMemoryEmailTemplates Templates { get; } = new();

    public InMemoryAuth0Users Auth0 { get; } = new();

    public FakeTransactionalEmail Email { get; } = new();

    public InMemoryHubSpotContacts Contacts { get; } = new();

    public InMemoryCustomEvents CustomEvents { get; } = new();

    public InMemoryLookups Lookups { get; } = new();

    public InMemoryContactDates ContactDates { get; } = new();

    public ContactBatcher Batcher { get; }

    public SendStatusWatcher Watcher { get; }

    public PlatformEventsTrigger Trigger { get; }

    /// <param name="replayedAt">Set for a message an operator sent back from the dead-letter queue.</param>
    public Task<Settlement> HandleAsync(string body, string? subject = null, string? messageId = null, DateTimeOffset? replayedAt = null) =>
        Trigger.HandleMessageAsync(new InboundMessage(messageId, subject, "application/json", Encoding.UTF8.GetBytes(body), 0, replayedAt), CancellationToken.None);

    public NotificationRecord Row(string sourceId, string channel) =>
        Ledger.Rows.Single(r => r.SourceId == sourceId && r.Channel == channel);

    public static string CloudEvent(string type, string id, JsonNode data) => new JsonObject
    {
        ["specversion"] = "1.0",
        ["type"] = type,
        ["source"] = "/platform/tests",
        ["id"] = id,
        ["time"] = "2026-11-24T09:59:00Z",
        ["datacontenttype"] = "application/json",
        ["data"] = data,
    }.ToJsonString();

    public static JsonObject EmailData(string template = "welcome", string? to = "Ada.Lovelace@Example.com", string? toId = null, JsonObject? contact = null, JsonObject? custom = null)
    {
        var data = new JsonObject { ["template_name"] = template };
        if (to is not null)
        {
            data["to_recipient_email"] = to;
        }

        if (toId is not null)
        {
            data["to_recipient_id"] = toId;
        }

        data["contact_properties"] = contact ?? new JsonObject { ["firstname"] = "Ada" };
        data["custom_properties"] = custom ?? new JsonObject { ["activation_url"] = "https://platform.example/activate/1" };
        return data;
    }

    public async ValueTask DisposeAsync()
    {
        await Watcher.StopAsync(CancellationToken.None);
        Watcher.Dispose();
        await Batcher.DisposeAsync();
    }
}
