using System.Text.Json.Nodes;
using Crm.Integration.Connectors.ServiceBus;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.TaskSignups;
using Crm.Integration.Functions.Tests.PlatformEvents;

namespace Crm.Integration.Functions.Tests.DeadLetters;

/// <summary>
/// A replayed message (marked by the dead-letter replay) re-opens its rejected row and runs again; a delivered one is
/// still a duplicate; an ordinary redelivery of a rejection is still a duplicate (issue 20 §2).
/// </summary>
public sealed class ReplayAdmissionTests : IAsyncDisposable
{
    private static readonly DateTimeOffset ReplayedAt = PlatformEventsHarness.Now.AddHours(1);
    private readonly PlatformEventsHarness _hub = new();

    [Fact]
    public async Task ReplayedEmail_RejectedForAnUndeclaredProperty_IsSentOnceTheTemplateIsFixed()
    {
        var body = PlatformEventsHarness.CloudEvent("transactional_email", "evt-fix", Data());
        var rejected = await _hub.HandleAsync(body);
        Assert.Equal(("UndeclaredProperty", NotificationStatus.Rejected), (rejected.Reason, _hub.Row("evt-fix", "email").Status));

        var redelivered = await _hub.HandleAsync(body); // not a replay: the rejection stands
        DeclareVoucher();
        var replayed = await _hub.HandleAsync(body, replayedAt: ReplayedAt);
        var replayedAgain = await _hub.HandleAsync(body, replayedAt: ReplayedAt);

        Assert.Equal(SettlementKind.Complete, redelivered.Kind);
        Assert.Equal(SettlementKind.Complete, replayed.Kind);
        Assert.Equal(SettlementKind.Complete, replayedAgain.Kind);
        Assert.Single(_hub.Email.Sent);
        var row = _hub.Row("evt-fix", "email");
        Assert.Equal((NotificationStatus.Delivered, 2, 2), (row.Status, row.Attempts, row.DuplicatesSeen));
    }

    [Fact]
    public async Task ReplayedEmail_AlreadyDelivered_IsADuplicate_NothingSentTwice()
    {
        DeclareVoucher();
        var body = PlatformEventsHarness.CloudEvent("transactional_email", "evt-done", Data());
        await _hub.HandleAsync(body);

        var replayed = await _hub.HandleAsync(body, replayedAt: ReplayedAt);

        Assert.Equal(SettlementKind.Complete, replayed.Kind);
        Assert.Single(_hub.Email.Requests);
        Assert.Equal((NotificationStatus.Delivered, 1, 1), (_hub.Row("evt-done", "email").Status, _hub.Row("evt-done", "email").Attempts, _hub.Row("evt-done", "email").DuplicatesSeen));
    }

    [Fact]
    public async Task ReplayedTaskSignup_RejectedAsMisconfigured_RunsAgain()
    {
        _hub.Contacts.Existing["ada.lovelace@example.com"] = "501";
        _hub.Lookups.Partitions[TaskSignupSettings.LookupPartition] = new() { ["Mode"] = "CustomEvent", ["EventName"] = "" }; // no event name: misconfigured
        var body = PlatformEventsHarness.CloudEvent("task_signup", "e-replay", Crm.Integration.Testing.PlatformEventData.TaskSignup(id: "ut-replay"));
        var rejected = await _hub.HandleAsync(body);
        _hub.Lookups.Partitions.TryRemove(TaskSignupSettings.LookupPartition, out _); // the admin's fix
        _hub.Time.Advance(TimeSpan.FromMinutes(5)); // past the lookups cache

        var replayed = await _hub.HandleAsync(body, replayedAt: ReplayedAt);

        Assert.Equal("TaskSignupMisconfigured", rejected.Reason);
        Assert.Equal(SettlementKind.Complete, replayed.Kind);
        Assert.Equal(NotificationStatus.Delivered, _hub.Row("ut-replay", "task-signup").Status);
    }

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    private static JsonObject Data() => PlatformEventsHarness.EmailData(custom: new JsonObject { ["activation_url"] = "https://x.example/a", ["voucher"] = "V-1" });

    /// <summary>The admin's fix: the template now declares the property; the cached template expires.</summary>
    private void DeclareVoucher()
    {
        var template = _hub.Templates.Templates["welcome"];
        _hub.Templates.Templates["welcome"] = template with { CustomProperties = [.. template.CustomProperties, new TemplateProperty("voucher", Required: false)] };
        _hub.Time.Advance(TimeSpan.FromMinutes(2));
    }
}
