using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Integration.EndToEnd.Tests;

/// <summary>Retention on demand and erasure through the whole host: operator tokens, Azurite, the HubSpot simulator.</summary>
[Collection(HubCollection.Name)]
public sealed class OperationsEndToEndTests(HubFixture hub)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private string Operator => hub.Issuer.Mint("auth0|olga", [TestIssuer.OperatePermission], name: "Olga Operator");

    public static TheoryData<string, string> OperationsRoutes => new()
    {
        { "POST", "/api/admin/retention/run?dryRun=true" },
        { "DELETE", "/api/admin/people/someone@example.com" },
        { "GET", "/api/admin/operations/audit/erasure" },
    };

    [Theory]
    [MemberData(nameof(OperationsRoutes))]
    public async Task OperationsRoute_NoToken401_Reader403_Writer403_Operator200(string method, string path)
    {
        using var none = await AdminRequests.SendAsync(hub.Client, method, path, token: null);
        using var reader = await AdminRequests.SendAsync(hub.Client, method, path, hub.Issuer.Mint("auth0|rita", [TestIssuer.ReadPermission]));
        using var writer = await AdminRequests.SendAsync(hub.Client, method, path, hub.Issuer.Mint("auth0|ada", [TestIssuer.WritePermission]));
        using var operate = await AdminRequests.SendAsync(hub.Client, method, path, Operator);

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.OK),
            (none.StatusCode, reader.StatusCode, writer.StatusCode, operate.StatusCode));
    }

    [Fact]
    public async Task Me_Operator_MayReadAndOperate_NotWrite()
    {
        using var me = await AdminRequests.SendAsync(hub.Client, "GET", "/api/admin/me", Operator);
        using var templates = await AdminRequests.SendAsync(hub.Client, "GET", "/api/admin/templates", Operator);

        var body = await AdminRequests.JsonAsync(me);
        Assert.Equal((true, false, true), (body["can_read"]!.GetValue<bool>(), body["can_write"]!.GetValue<bool>(), body["can_operate"]!.GetValue<bool>()));
        Assert.Equal(HttpStatusCode.OK, templates.StatusCode);
    }

    [Fact]
    public async Task RetentionRun_DryRunThenRun_DeletesOnlyExpiredSettledRows_EmailsKept400Days()
    {
        var run = LogStreamRequests.RunId();
        var now = TimeProvider.System.GetUtcNow();
        await OldRowAsync($"{run}-login-8d", "auth0", "Delivered", now.AddDays(-8));
        await OldRowAsync($"{run}-rejected-8d", "platform", "Rejected", now.AddDays(-8));
        await OldRowAsync($"{run}-in-flight-30d", "auth0", "Received", now.AddDays(-30));
        await OldRowAsync($"{run}-failing-30d", "auth0", "Failed", now.AddDays(-30));
        await OldRowAsync($"{run}-login-6d", "auth0", "Delivered", now.AddDays(-6));
        await OldRowAsync($"{run}-email-399d", "email", "Delivered", now.AddDays(-399));
        await OldRowAsync($"{run}-email-401d", "email", "Delivered", now.AddDays(-401));

        using var dry = await AdminRequests.SendAsync(hub.Client, "POST", "/api/admin/retention/run?dryRun=true", Operator);
        var dryReport = await AdminRequests.JsonAsync(dry);
        var afterDry = await RunRowsAsync(run);
        using var real = await AdminRequests.SendAsync(hub.Client, "POST", "/api/admin/retention/run?dryRun=false", Operator);
        var report = await AdminRequests.JsonAsync(real);

        Assert.Equal(HttpStatusCode.OK, dry.StatusCode);
        Assert.True(dryReport["dry_run"]!.GetValue<bool>());
        Assert.Equal(0, dryReport["deleted"]!.GetValue<long>());
        Assert.Equal(7, afterDry.Count); // a dry run changes nothing
        Assert.Equal(
            [$"{run}-email-399d", $"{run}-failing-30d", $"{run}-in-flight-30d", $"{run}-login-6d"],
            (await RunRowsAsync(run)).Order(StringComparer.Ordinal));
        Assert.True(report["kinds"]!["auth0"]!["deleted"]!.GetValue<long>() >= 1);
        Assert.True(report["kinds"]!["email"]!["deleted"]!.GetValue<long>() >= 1);
        Assert.True(report["kinds"]!["platform"]!["deleted"]!.GetValue<long>() >= 1);
        Assert.True(dryReport["kinds"]!["email"]!["expired"]!.GetValue<long>() >= 1);
    }

    [Fact]
    public async Task ErasePerson_LoginAndEmail_NothingLeft_HubSpotGdprDeleteCalled_Audited()
    {
        var run = LogStreamRequests.RunId();
        var email = $"erase-{run}@example.com";
        var userId = $"auth0|erase-{run}";
        await PostAuth0Async(HubEvents.Auth0Log($"{run}-signup", "ss", userId, email, "2026-11-19T10:00:00Z"), HubEvents.Auth0Log($"{run}-login", "s", userId, email, "2026-11-20T10:00:00Z"));
        await Eventually.TrueAsync(async () => hub.HubSpot.Portal.Contacts.TryGetValue(email, out var c) && c.Properties.ContainsKey("last_login_date")
            && await SettledAsync($"{run}-login", "auth0"), Patience, "the contact with its login");
        var template = $"erasure-{run}";
        await hub.Templates.PutAsync(new EmailTemplate(template, 4242, "Platform <hello@platform.example>", [], [], [], [], []));
        await hub.Raw.SendAsync("platform-events", HubEvents.CloudEvent($"{run}-email", new JsonObject { ["template_name"] = template, ["to_recipient_email"] = email }));
        await Eventually.TrueAsync(() => SettledAsync($"{run}-email", "email"), Patience, "the email");
        var dates = hub.Factory.Services.GetRequiredService<IContactDates>();
        Assert.NotNull(await dates.GetAsync(email, ContactDate.LastLogin, CancellationToken.None));

        using var response = await AdminRequests.SendAsync(hub.Client, "DELETE", "/api/admin/people/" + Uri.EscapeDataString(email.ToUpperInvariant()), Operator);
        var answer = await AdminRequests.JsonAsync(response);
        using var audit = await AdminRequests.SendAsync(hub.Client, "GET", "/api/admin/operations/audit/erasure", Operator);
        var auditText = await audit.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(("email", 3, 1, "deleted", true), (answer["identified_by"]!.GetValue<string>(), answer["ledger_rows"]!.GetValue<int>(),
            answer["contact_dates"]!.GetValue<int>(), answer["hubspot"]!.GetValue<string>(), answer["complete"]!.GetValue<bool>()));
        foreach (var (id, channel) in new[] { ($"{run}-signup", "auth0"), ($"{run}-login", "auth0"), ($"{run}-email", "email") })
        {
            Assert.Null(await hub.Ledger.FindAsync(id, channel, CancellationToken.None));
        }

        Assert.Null(await dates.GetAsync(email, ContactDate.LastLogin, CancellationToken.None));
        Assert.False(hub.HubSpot.Portal.Contacts.ContainsKey(email));
        Assert.Contains(hub.HubSpot.Portal.GdprDeletes, d => d.ObjectId == email && d.IdProperty == "email" && d.DeletedContactId is not null);
        Assert.Contains(answer["fingerprint"]!.GetValue<string>(), auditText, StringComparison.Ordinal);
        Assert.Contains("Olga Operator", auditText, StringComparison.Ordinal);
        Assert.DoesNotContain(email, auditText, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ErasePerson_ByAuth0UserId_ReadsTheEmailFromAuth0_AndErasesByItToo()
    {
        // HubFixture's Auth0 knows this user, with the email Grace.Hopper@Example.com.
        using var response = await AdminRequests.SendAsync(hub.Client, "DELETE", "/api/admin/people/" + Uri.EscapeDataString(HubFixture.UserWithoutLoggedEmail), Operator);
        var answer = await AdminRequests.JsonAsync(response);

        Assert.Equal(("auth0_user_id", "deleted"), (answer["identified_by"]!.GetValue<string>(), answer["hubspot"]!.GetValue<string>()));
        Assert.Contains(hub.HubSpot.Portal.GdprDeletes, d => d.ObjectId == "grace.hopper@example.com");
    }

    [Fact]
    public async Task ErasePerson_NeitherEmailNorUserId_Is400()
    {
        using var response = await AdminRequests.SendAsync(hub.Client, "DELETE", "/api/admin/people/not-a-person", Operator);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private async Task<bool> SettledAsync(string id, string channel) => await hub.Ledger.FindAsync(id, channel, CancellationToken.None) is { IsSettled: true };

    /// <summary>A ledger row as the ledger writes it, ended long ago (no test can wait days).</summary>
    private Task OldRowAsync(string id, string channel, string status, DateTimeOffset endedAt) =>
        hub.Notifications.AddEntityAsync(new TableEntity(LedgerKeys.PartitionKeyOf(new NotificationReceipt(id, channel, "test", endedAt)), LedgerKeys.RowKeyOf(id, channel))
        {
            ["SourceId"] = id,
            ["Type"] = "test",
            ["Status"] = status,
            ["ReceivedAt"] = endedAt,
            ["UpdatedAt"] = endedAt,
            ["Attempts"] = 1,
        });

    private async Task<List<string>> RunRowsAsync(string run)
    {
        var ids = new List<string>();
        await foreach (var row in hub.Notifications.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"SourceId ge {run} and SourceId lt {run + "~"}")))
        {
            ids.Add(row.GetString("SourceId"));
        }

        return ids;
    }

    private async Task PostAuth0Async(params JsonObject[] logs)
    {
        using var response = await hub.Client.SendAsync(LogStreamRequests.Post(Encoding.UTF8.GetBytes(new JsonArray(logs).ToJsonString())));
        response.EnsureSuccessStatusCode();
    }
}
