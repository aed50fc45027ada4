using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Testing;

namespace Crm.Integration.EndToEnd.Tests;

/// <summary>
/// Issue 14: bad input found by probing the hub, through the webhook, the broker, the triggers, Azurite and the HubSpot
/// simulator. Each case says what happens to it; nothing is lost and no answer is a 5xx.
/// </summary>
[Collection(HubCollection.Name)]
public sealed class BadInputEndToEndTests(HubFixture hub)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    /// <summary>Was: 503 every time (Azurite refused the 600-character key), so Auth0 would resend the delivery forever.</summary>
    [Fact]
    public async Task Post_EntryWithA600CharacterIdAndNoType_Is200_RecordedAsRejected()
    {
        var id = LogStreamRequests.RunId() + new string('x', 585);
        var body = Encoding.UTF8.GetBytes($$$"""[{"log_id":"{{{id}}}","data":{}}]""");

        using var response = await hub.Client.SendAsync(LogStreamRequests.Post(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, await CountAsync(response, "rejected"));
        var row = await hub.Ledger.FindAsync(id, "auth0", CancellationToken.None);
        Assert.Equal((NotificationStatus.Rejected, id), (row!.Status, row.SourceId));
    }

    /// <summary>Was: 200, then abandoned eleven times and dead-lettered without a reason: the login was lost.</summary>
    [Fact]
    public async Task Post_LoginWithA600CharacterId_IsDeliveredToHubSpot()
    {
        var runId = LogStreamRequests.RunId();
        var id = runId + new string('y', 585);
        var email = $"{runId}@example.com";

        using var response = await hub.Client.SendAsync(LogStreamRequests.Post(Login(id, email)));

        Assert.Equal((HttpStatusCode.OK, 1), (response.StatusCode, await CountAsync(response, "forwarded")));
        var row = await SettledAsync(id);
        Assert.Equal((NotificationStatus.Delivered, id), (row.Status, row.SourceId));
        Assert.True(hub.HubSpot.Portal.Contacts.ContainsKey(email));
    }

    [Fact]
    public async Task Post_LoginWithA2000CharacterId_Is200_RejectedWithAReasonNamingLogId()
    {
        var id = LogStreamRequests.RunId() + new string('z', 1985);

        using var response = await hub.Client.SendAsync(LogStreamRequests.Post(Login(id, "nobody@example.com")));

        Assert.Equal((HttpStatusCode.OK, 1, 0), (response.StatusCode, await CountAsync(response, "rejected"), await CountAsync(response, "forwarded")));
        var row = await hub.Ledger.FindAsync(id, "auth0", CancellationToken.None);
        Assert.Equal(NotificationStatus.Rejected, row!.Status);
        Assert.Contains("log_id has 2000 characters", row.LastError, StringComparison.Ordinal);
    }

    /// <summary>Was: 500 (the reason quoted the whole id, which the store refused), and every retry logged the megabyte.</summary>
    [Fact]
    public async Task Post_AMegabyteIdWithoutAType_Is200_AndItsReasonIsBounded()
    {
        var id = LogStreamRequests.RunId() + new string('m', 1_000_000);

        using var response = await hub.Client.SendAsync(LogStreamRequests.Post(Encoding.UTF8.GetBytes($$$"""{"log_id":"{{{id}}}","data":{}}""")));

        Assert.Equal((HttpStatusCode.OK, 1), (response.StatusCode, await CountAsync(response, "rejected")));
        var row = await hub.Ledger.FindAsync(id, "auth0", CancellationToken.None);
        Assert.True(row!.LastError!.Length < 400, $"a reason of {row.LastError.Length} characters");
    }

    /// <summary>Was: 500 for the whole delivery.</summary>
    [Fact]
    public async Task Post_LoneSurrogateInOneLogId_RejectsThatEntry_TheOtherIsDelivered()
    {
        var runId = LogStreamRequests.RunId();
        var body = Encoding.UTF8.GetBytes($$$"""[{"log_id":"{{{runId}}}-bad\ud800","data":{"type":"s"}},""")
            .Concat(Login($"{runId}-good", $"{runId}@example.com").AsSpan(1).ToArray()).ToArray();

        using var response = await hub.Client.SendAsync(LogStreamRequests.Post(body));

        Assert.Equal((HttpStatusCode.OK, 1, 1), (response.StatusCode, await CountAsync(response, "forwarded"), await CountAsync(response, "rejected")));
        Assert.Equal(NotificationStatus.Delivered, (await SettledAsync($"{runId}-good")).Status);
    }

    /// <summary>Was: 200, then dead-lettered as MalformedEvent; the contact never appeared.</summary>
    [Fact]
    public async Task Post_SignupWithBadTextInItsNames_TheContactAppearsWithTheReplacementCharacter()
    {
        var runId = LogStreamRequests.RunId();
        var email = $"{runId}@example.com";
        var body = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["log_id"] = $"{runId}-signup",
            ["data"] = new JsonObject
            {
                ["type"] = "ss", ["date"] = "2026-11-30T10:00:00Z", ["user_id"] = $"auth0|{runId}", ["user_name"] = email,
                ["details"] = new JsonObject { ["body"] = new JsonObject { ["email"] = email, ["given_name"] = "Ada LONE", ["family_name"] = "Love@@lace" } },
            },
        }.ToJsonString().Replace("LONE", "\\ud800", StringComparison.Ordinal)); // the escape of a lone surrogate, as a publisher may send it
        var at = Array.IndexOf(body, (byte)'@', Array.IndexOf(body, (byte)'L'));
        body[at] = 0xFF; // "Love\xFF-lace": one byte that is not UTF-8
        body[at + 1] = (byte)'-';

        using var response = await hub.Client.SendAsync(LogStreamRequests.Post(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var contact = await Eventually.GetAsync(() => Task.FromResult(hub.HubSpot.Portal.Contacts.GetValueOrDefault(email)), Patience, $"contact {email}");
        Assert.Equal(("Ada \ufffd", "Love\ufffd-lace"), (contact.Properties["firstname"], contact.Properties["lastname"]));
    }

    /// <summary>Was: abandoned until the delivery limit and dead-lettered without a reason.</summary>
    [Fact]
    public async Task PlatformEvent_WithA2000CharacterId_IsDeadLetteredWithItsReason_AndRecorded()
    {
        var id = LogStreamRequests.RunId() + new string('p', 1985);
        var cloudEvent = new JsonObject
        {
            ["specversion"] = "1.0", ["type"] = "task_signup", ["source"] = "e2e", ["id"] = id,
            ["data"] = new JsonObject { ["id"] = 1, ["user_id"] = "auth0|x" },
        };

        await hub.Raw.SendAsync("platform-events", RawAmqp.JsonMessage(id[..40], "task_signup", Encoding.UTF8.GetBytes(cloudEvent.ToJsonString())));

        await Eventually.TrueAsync(() => Task.FromResult(hub.DeadLetters.ContainsKey(id[..40])), Patience, "the event in platform-events.dlq");
        var row = await Eventually.GetAsync(() => hub.Ledger.FindAsync(id[..40], "platform", CancellationToken.None), Patience, "its ledger row");
        Assert.Equal(NotificationStatus.Rejected, row.Status);
        Assert.Contains("InvalidEventId", row.LastError, StringComparison.Ordinal);
    }

    private static byte[] Login(string logId, string email) =>
        Encoding.UTF8.GetBytes($$$"""[{"log_id":"{{{logId}}}","data":{"type":"s","date":"2026-11-30T10:00:00Z","user_id":"auth0|e2e","user_name":"{{{email}}}"}}]""");

    private static async Task<int> CountAsync(HttpResponseMessage response, string field) =>
        (int)JsonNode.Parse(await response.Content.ReadAsStringAsync())![field]!;

    private Task<NotificationRecord> SettledAsync(string logId) =>
        Eventually.GetAsync(
            async () => await hub.Ledger.FindAsync(logId, "auth0", CancellationToken.None) is { IsSettled: true } row ? row : null,
            Patience,
            "the ledger row to be settled");
}
