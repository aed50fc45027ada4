using Crm.Integration.Connectors.Auth0;
using Crm.Integration.Connectors.HubSpot;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.Contacts;
using Crm.Integration.Functions.Execution;
using Crm.Integration.Functions.TaskSignups;

namespace Crm.Integration.Functions.Tests.Execution;

/// <summary>Facts as plain data, for decider tests: no cache, no clock, no storage. A user id of "down" is Auth0 down.</summary>
internal sealed record FixedFacts(
    IReadOnlyDictionary<string, Auth0User>? Users = null,
    IReadOnlyDictionary<string, ContactLookup>? Contacts = null,
    TaskSignupSettings? TaskSignups = null,
    bool CanReadUsers = true,
    IReadOnlyDictionary<string, EmailTemplate>? Templates = null) : IEventFacts
{
    public Task<Auth0User?> UserAsync(string userId, CancellationToken cancellationToken) =>
        userId == "down" ? throw new Auth0UnavailableException("Auth0 answered 503.") : Task.FromResult(Users?.GetValueOrDefault(userId));

    public ValueTask<ContactPropertyNames> ContactPropertiesAsync(CancellationToken cancellationToken) => ValueTask.FromResult(ContactPropertyNames.Defaults);

    public ValueTask<TaskSignupSettings> TaskSignupSettingsAsync(CancellationToken cancellationToken) => ValueTask.FromResult(TaskSignups ?? TaskSignupSettings.Defaults);

    public Task<ContactLookup> ContactAsync(ContactKey key, CancellationToken cancellationToken) =>
        Task.FromResult(Contacts?.GetValueOrDefault(key.Value) ?? ContactLookup.NotFound);

    /// <summary>A template named "broken" is one storage holds but cannot read.</summary>
    public Task<EmailTemplate?> TemplateAsync(string name, CancellationToken cancellationToken) =>
        name == "broken" ? throw new EmailTemplateInvalidException("Row 'broken' has HubSpotEmailId 'x', not a number.") : Task.FromResult(Templates?.GetValueOrDefault(name));

    /// <summary>A plan as one line, so that theory data can say what it expects.</summary>
    public static string Describe(Plan plan) => plan switch
    {
        UpsertContact u => $"upsert {u.Change.Email} {string.Join(" ", u.Change.Properties.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"))}"
            + (u.Guard is { } g ? $" latest-wins {g.Date}@{g.EpochMilliseconds}{(g.PutBackLater ? " put-back" : "")}" : "")
            + (u.ContactId is { } id ? $" contact {id}" : ""),
        RecordCustomEvent c => $"custom-event {c.Occurrence.EventName} contact {c.Occurrence.ContactId} at {c.Occurrence.OccurredAt:O}",
        SendEmail s => $"send {s.Email.EmailId} to {s.Email.To} as {s.Email.SendId}",
        RetryLater r => $"retry {r.Why.Reason} after {r.Delay.TotalSeconds:0}s",
        Reject r => $"reject {r.Why.Reason}",
        _ => plan.GetType().Name,
    };
}
