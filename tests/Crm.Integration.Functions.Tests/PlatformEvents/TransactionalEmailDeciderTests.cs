using System.Text.Json;
using Crm.Integration.Connectors.Auth0;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.TransactionalEmails;
using Crm.Integration.Functions.Tests.Execution;

namespace Crm.Integration.Functions.Tests.PlatformEvents;

/// <summary>The transactional-email decision as a table: an email event, the templates and Auth0 users there are, a plan out.</summary>
public sealed class TransactionalEmailDeciderTests
{
    private static readonly Dictionary<string, EmailTemplate> Templates = new(StringComparer.Ordinal)
    {
        ["welcome"] = new("welcome", 4242, "Platform <hello@platform.example>", [], [], [],
            [new TemplateProperty("firstname", false)], [new TemplateProperty("activation_url", true), new TemplateProperty("coupon", false)]),
    };

    private static readonly Dictionary<string, Auth0User> Users = new(StringComparer.Ordinal)
    {
        ["auth0|ada"] = new("auth0|ada", "Ada@Example.com", "Ada", "Lovelace", null, null),
        ["auth0|no-email"] = new("auth0|no-email", null, "No", "Email", null, null),
        ["auth0|bad-email"] = new("auth0|bad-email", "not an address", null, null, null, null),
    };

    public static TheoryData<string, TransactionalEmailData, bool, string> Decisions => new()
    {
        { "to an address: one send, its id from the event's", Email("welcome", to: " Ada@Example.com "), true, $"send 4242 to ada@example.com as {SendIds.For("evt-1")}" },
        { "to an Auth0 user: their address", Email("welcome", toId: "auth0|ada"), true, $"send 4242 to ada@example.com as {SendIds.For("evt-1")}" },
        { "an optional custom property may be left out, or given", Email("welcome", to: "ada@example.com", extra: ("coupon", "C-1")), true, $"send 4242 to ada@example.com as {SendIds.For("evt-1")}" },
        { "no template name", Email(null, to: "ada@example.com"), true, "reject MissingTemplateName" },
        { "a template nobody mapped", Email("farewell", to: "ada@example.com"), true, "reject UnknownTemplate" },
        { "a template row storage cannot read", Email("broken", to: "ada@example.com"), true, "reject TemplateMisconfigured" },
        { "a property the template does not declare", Email("welcome", to: "ada@example.com", extra: ("discount", "10")), true, "reject UndeclaredProperty" },
        { "a required property missing", Email("welcome", to: "ada@example.com", custom: false), true, "reject MissingRequiredProperty" },
        { "no recipient at all", Email("welcome"), true, "reject MissingRecipient" },
        { "an address that is not one", Email("welcome", to: "ada-at-example.com"), true, "reject InvalidRecipientEmail" },
        { "a user Auth0 does not know", Email("welcome", toId: "auth0|ghost"), true, "reject RecipientUnknown" },
        { "a user without an address", Email("welcome", toId: "auth0|no-email"), true, "reject RecipientWithoutEmail" },
        { "a user whose address is not one", Email("welcome", toId: "auth0|bad-email"), true, "reject InvalidRecipientEmail" },
        { "a user id, and no Auth0 to ask", Email("welcome", toId: "auth0|ada"), false, "reject RecipientUnresolvable" },
    };

    [Theory]
    [MemberData(nameof(Decisions))]
    public async Task DecideAsync_Email_GivesThePlan(string because, TransactionalEmailData data, bool canReadUsers, string expected)
    {
        var facts = new FixedFacts(Users: Users, CanReadUsers: canReadUsers, Templates: Templates);

        var plan = await TransactionalEmailDecider.DecideAsync("evt-1", data, facts, CancellationToken.None);

        Assert.True(expected == FixedFacts.Describe(plan), $"{because}: expected '{expected}', got '{FixedFacts.Describe(plan)}'");
    }

    [Fact]
    public async Task DecideAsync_Auth0Down_IsTheExecutorsToRetry_NotADecision() =>
        await Assert.ThrowsAsync<Auth0UnavailableException>(() =>
            TransactionalEmailDecider.DecideAsync("evt-1", Email("welcome", toId: "down"), new FixedFacts(Templates: Templates), CancellationToken.None));

    [Fact]
    public async Task DecideAsync_ARejection_NamesTheTemplate_AndTheSend_NamesTheRecipientOnlyByFingerprint()
    {
        var facts = new FixedFacts(Templates: Templates);

        var rejected = await TransactionalEmailDecider.DecideAsync("evt-1", Email("welcome", to: "ada@example.com", extra: ("discount", "10")), facts, CancellationToken.None);
        var sent = await TransactionalEmailDecider.DecideAsync("evt-1", Email("welcome", to: "ada@example.com"), facts, CancellationToken.None);

        Assert.Equal("welcome", Assert.IsType<Crm.Integration.Functions.Execution.Reject>(rejected).Template, StringComparer.Ordinal);
        var send = Assert.IsType<Crm.Integration.Functions.Execution.SendEmail>(sent);
        Assert.Equal(Connectors.HubSpot.PersonalData.Fingerprint("ada@example.com"), send.RecipientFingerprint);
        Assert.DoesNotContain("ada@", send.RecipientFingerprint, StringComparison.Ordinal);
    }

    private static TransactionalEmailData Email(string? template, string? to = null, string? toId = null, bool custom = true, (string Name, string Value)? extra = null)
    {
        var properties = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (custom)
        {
            properties["activation_url"] = JsonSerializer.SerializeToElement("https://platform.example/a");
        }

        if (extra is { } field)
        {
            properties[field.Name] = JsonSerializer.SerializeToElement(field.Value);
        }

        return new TransactionalEmailData(template, to, toId, properties, new Dictionary<string, JsonElement> { ["firstname"] = JsonSerializer.SerializeToElement("Ada") });
    }
}
