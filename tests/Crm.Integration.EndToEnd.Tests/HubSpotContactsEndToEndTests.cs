using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Testing;

namespace Crm.Integration.EndToEnd.Tests;

/// <summary>Auth0 signups and logins through webhook, broker and handlers, ending as contacts in the HubSpot simulator.</summary>
[Collection(HubCollection.Name)]
public sealed class HubSpotContactsEndToEndTests(HubFixture hub)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task SignupsAndLogins_WithDuplicatesMixedCaseAndOutOfOrderLogins_EndAsTheRightContacts()
    {
        var run = LogStreamRequests.RunId();
        var email = $"Mixed.Case+{run}@Example.COM";
        var userId = $"auth0|{run}";
        var deliveries = new List<JsonObject>
        {
            Event($"{run}-signup", "ss", "2026-11-20T00:30:00+01:00", userId, email, bodyEmail: email),
            Event($"{run}-login-b", "s", "2026-11-24T09:00:00Z", userId, email),
            Event($"{run}-login-a", "s", "2026-11-24T08:00:00Z", userId, email.ToLowerInvariant()),
            Event($"{run}-login-b", "s", "2026-11-24T09:00:00Z", userId, email), // twice in one delivery: forwarded once
            Event($"{run}-nomail", "ss", "2026-11-24T09:30:00Z", HubFixture.UserWithoutLoggedEmail, "grace"),
        };

        await PostAsync(deliveries);
        await SettledAsync($"{run}-signup", $"{run}-login-a", $"{run}-login-b", $"{run}-nomail");
        // Auth0 sends login-b again in a later delivery, with a login older than the one written.
        await PostAsync([Event($"{run}-login-b", "s", "2026-11-24T09:00:00Z", userId, email), Event($"{run}-login-old", "s", "2026-11-23T12:00:00Z", userId, email)]);
        await SettledAsync($"{run}-login-old");
        await Eventually.TrueAsync(
            async () => (await hub.Ledger.FindAsync($"{run}-login-b", "auth0", CancellationToken.None))!.DuplicatesSeen == 1, Patience, "the repeat to be counted");

        var contact = await ContactAsync(email.ToLowerInvariant());
        Assert.Equal(Ms("2026-11-24T09:00:00Z"), contact["last_login_date"]);
        Assert.Equal(Ms("2026-11-19T00:00:00Z"), contact["registration_date"]); // 2026-11-19T23:30Z, at midnight UTC
        Assert.Equal(userId, contact["auth0_user_id"]);
        var grace = await ContactAsync("grace.hopper@example.com");
        Assert.Equal(("Grace", "Hopper"), (grace["firstname"], grace["lastname"]));
        Assert.DoesNotContain(hub.HubSpot.Portal.Contacts.Keys, k => k.Any(char.IsUpper));
        Assert.Contains("\"throttled\":0", System.Text.Json.JsonSerializer.Serialize(hub.HubSpot.Portal.Traffic.Snapshot()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_HubSpotRejects_IsDeadLetteredAndRejectedInTheLedger()
    {
        var run = LogStreamRequests.RunId();
        // The simulator rejects properties the portal does not have, as HubSpot does.
        hub.HubSpot.Settings.Replace(new Crm.Integration.HubSpotSimulator.SimulatorOptions { AccessToken = HubFactory.HubSpotToken, ContactProperties = ["email"] });
        try
        {
            await PostAsync([Event($"{run}-rejected", "s", "2026-11-24T09:00:00Z", $"auth0|{run}", $"{run}@example.com")]);

            var row = await Eventually.GetAsync(
                async () => await hub.Ledger.FindAsync($"{run}-rejected", "auth0", CancellationToken.None) is { IsSettled: true } r ? r : null, Patience, "the rejection");
            Assert.Equal(NotificationStatus.Rejected, row.Status);
            Assert.Contains("do not exist", row.LastError, StringComparison.Ordinal);
            await Eventually.TrueAsync(() => Task.FromResult(hub.DeadLetters.ContainsKey($"{run}-rejected")), Patience, "the dead letter");
        }
        finally
        {
            hub.HubSpot.Settings.Replace(new Crm.Integration.HubSpotSimulator.SimulatorOptions { AccessToken = HubFactory.HubSpotToken });
        }
    }

    private async Task PostAsync(IEnumerable<JsonObject> events)
    {
        using var response = await hub.Client.SendAsync(LogStreamRequests.Post(Auth0Fixtures.AsJsonLines(events), contentType: "application/x-ndjson"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task SettledAsync(params string[] logIds)
    {
        foreach (var logId in logIds)
        {
            var row = await Eventually.GetAsync(
                async () => await hub.Ledger.FindAsync(logId, "auth0", CancellationToken.None) is { IsSettled: true } r ? r : null, Patience, $"{logId} settled");
            Assert.True(row.Status == NotificationStatus.Delivered, $"{logId}: {row.Status} {row.LastError}");
        }
    }

    private async Task<IReadOnlyDictionary<string, string>> ContactAsync(string email) =>
        (await Eventually.GetAsync(() => Task.FromResult(hub.HubSpot.Portal.Contacts.GetValueOrDefault(email)), Patience, $"contact {email}")).Properties;

    private static JsonObject Event(string logId, string type, string date, string userId, string userName, string? bodyEmail = null)
    {
        var data = new JsonObject { ["type"] = type, ["date"] = date, ["user_id"] = userId, ["user_name"] = userName, ["log_id"] = logId };
        if (bodyEmail is not null)
        {
            data["details"] = new JsonObject { ["body"] = new JsonObject { ["email"] = bodyEmail, ["password"] = "*****" } };
        }

        return new JsonObject { ["log_id"] = logId, ["data"] = data };
    }

    private static string Ms(string utc) =>
        DateTimeOffset.Parse(utc, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
}
