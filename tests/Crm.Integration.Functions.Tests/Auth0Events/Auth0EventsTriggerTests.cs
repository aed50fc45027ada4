using System.Text;
using System.Text.Json.Nodes;
using Crm.Integration.Connectors.Auth0;
using Crm.Integration.Connectors.ServiceBus;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.Auth0Events;
using Crm.Integration.Functions.Common;
using Crm.Integration.Functions.Contacts;
using Crm.Integration.Testing.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Crm.Integration.Functions.Tests.Auth0Events;

/// <summary>From queue message to HubSpot change, ledger row and settlement, against in-memory connectors.</summary>
public sealed class Auth0EventsTriggerTests : IAsyncDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
    private readonly InMemoryLedger _ledger = new();
    private readonly InMemoryHubSpotContacts _hubSpot = new();
    private readonly InMemoryAuth0Users _auth0 = new();
    private readonly InMemoryLookups _lookups = new();
    private readonly InMemoryContactDates _contactDates = new();
    private readonly ContactBatcher _batcher;
    private readonly Auth0EventsTrigger _trigger;

    public Auth0EventsTriggerTests()
    {
        var time = new FakeTimeProvider(Now);
        _batcher = new ContactBatcher(_hubSpot, new UnlimitedBudget(), Options.Create(new ContactBatchingOptions { Window = TimeSpan.Zero }), TimeProvider.System);
        var handler = new Auth0LogEventHandler(
            _ledger, _auth0, new LookupSettings<ContactPropertyNames>(
                ContactPropertyNames.LookupPartition, ContactPropertyNames.From, ContactPropertyNames.Defaults, _lookups, TimeSpan.FromSeconds(30), time, NullLogger.Instance), _batcher, _contactDates, time,
            NullLogger<Auth0LogEventHandler>.Instance);
        _trigger = new Auth0EventsTrigger(new UnusedQueueListener(), handler, NullLogger<Auth0EventsTrigger>.Instance);
        _auth0.Users["auth0|ada"] = new Auth0User("auth0|ada", "Ada.Lovelace@Example.com", "Ada", "Lovelace", "Ada Lovelace", null);
    }

    [Fact]
    public async Task Login_SetsLastLoginDateInEpochMs_AndTheLedgerRecordsTheContact()
    {
        var settlement = await HandleAsync(Login("900", "2021-11-04T00:15:10.706Z", "Dev@Test.com"));

        Assert.Equal(SettlementKind.Complete, settlement.Kind);
        var written = Assert.Single(_hubSpot.Written);
        Assert.Equal(("dev@test.com", "1635984910706", "auth0|ada"), (written.Email, written.Properties["last_login_date"], written.Properties["auth0_user_id"]));
        var row = Assert.Single(_ledger.Rows);
        Assert.Equal(("user-login", NotificationStatus.Delivered, "id-dev@test.com"), (row.Type, row.Status, row.HubSpotId));
        Assert.Equal(0, _auth0.Reads);
    }

    [Fact]
    public async Task Signup_WithoutNamesInTheLog_ReadsTheProfile_AndWritesNamesAndRegistrationDateAtMidnightUtc()
    {
        await HandleAsync(Signup("901", "2024-01-01T01:30:00+02:00", bodyEmail: "ada.lovelace@example.com"));

        var written = Assert.Single(_hubSpot.Written);
        Assert.Equal(("ada.lovelace@example.com", "Ada", "Lovelace"), (written.Email, written.Properties["firstname"], written.Properties["lastname"]));
        Assert.Equal(new DateTimeOffset(2023, 12, 31, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture), written.Properties["registration_date"]);
        Assert.Equal(1, _auth0.Reads);
    }

    [Fact]
    public async Task Signup_WithNoEmailInTheLog_TakesTheProfilesEmail()
    {
        await HandleAsync(Signup("902", "2024-01-01T00:00:00Z", bodyEmail: null, userName: "ada"));

        Assert.Equal("ada.lovelace@example.com", Assert.Single(_hubSpot.Written).Email);
    }

    [Fact]
    public async Task Signup_AuthNotConfigured_WritesWhatTheLogCarries()
    {
        _auth0.IsConfigured = false;

        await HandleAsync(Signup("903", "2024-01-01T00:00:00Z", bodyEmail: "x@example.com"));

        var written = Assert.Single(_hubSpot.Written);
        Assert.False(written.Properties.ContainsKey("firstname"));
        Assert.Equal(0, _auth0.Reads);
    }

    [Theory]
    [InlineData("auth0|unknown")]
    [InlineData("auth0|ada-without-email")]
    public async Task Event_WithNoEmailAnywhere_IsDeadLetteredNoEmail_AndRejectedInTheLedger(string userId)
    {
        _auth0.Users["auth0|ada-without-email"] = new Auth0User("auth0|ada-without-email", null, "Ada", null, null, null);

        var settlement = await HandleAsync(Signup("904", "2024-01-01T00:00:00Z", bodyEmail: null, userName: "ada", userId: userId));

        Assert.Equal((SettlementKind.DeadLetter, "NoEmail"), (settlement.Kind, settlement.Reason));
        Assert.Equal(NotificationStatus.Rejected, Assert.Single(_ledger.Rows).Status);
        Assert.Empty(_hubSpot.Written);
    }

    [Fact]
    public async Task Event_WithAnUnreadableDate_IsDeadLettered()
    {
        var settlement = await HandleAsync(Login("905", "yesterday", "dev@test.com"));

        Assert.Equal((SettlementKind.DeadLetter, "UnreadableDate"), (settlement.Kind, settlement.Reason));
    }

    [Fact]
    public async Task Auth0Unavailable_IsAbandoned_AndTheLedgerSaysFailed()
    {
        _auth0.Unavailable = true;

        var settlement = await HandleAsync(Signup("906", "2024-01-01T00:00:00Z", bodyEmail: "x@example.com"));

        Assert.Equal((SettlementKind.Abandon, "Auth0Unavailable"), (settlement.Kind, settlement.Reason));
        Assert.Equal(NotificationStatus.Failed, Assert.Single(_ledger.Rows).Status);
    }

    [Fact]
    public async Task HubSpotRejectsTheContact_DeadLetteredWithTheReason_WithoutTheEmailInIt()
    {
        _hubSpot.Reject.Add("dev@test.com");

        var settlement = await HandleAsync(Login("907", "2021-11-04T00:15:10.706Z", "dev@test.com"));

        Assert.Equal((SettlementKind.DeadLetter, "HubSpotRejected"), (settlement.Kind, settlement.Reason));
        var row = Assert.Single(_ledger.Rows);
        Assert.Equal(NotificationStatus.Rejected, row.Status);
        Assert.DoesNotContain("dev@test.com", row.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain("dev@test.com", settlement.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HubSpotDown_IsAbandoned_ThenTheRedeliveryCountsAnAttemptAndDelivers()
    {
        _hubSpot.Unavailable = true;
        var first = await HandleAsync(Login("908", "2021-11-04T00:15:10.706Z", "dev@test.com"));
        _hubSpot.Unavailable = false;

        var again = await HandleAsync(Login("908", "2021-11-04T00:15:10.706Z", "dev@test.com"));

        Assert.Equal((SettlementKind.Abandon, SettlementKind.Complete), (first.Kind, again.Kind));
        var row = Assert.Single(_ledger.Rows);
        Assert.Equal((NotificationStatus.Delivered, 2, 0), (row.Status, row.Attempts, row.DuplicatesSeen));
    }

    [Fact]
    public async Task SameLogIdAfterDelivery_IsADuplicate_AndHubSpotIsNotCalledAgain()
    {
        var login = Login("909", "2021-11-04T00:15:10.706Z", "dev@test.com");

        await HandleAsync(login);
        var again = await HandleAsync(login);

        Assert.Equal(SettlementKind.Complete, again.Kind);
        Assert.Single(_hubSpot.Calls);
        Assert.Equal(1, Assert.Single(_ledger.Rows).DuplicatesSeen);
    }

    [Fact]
    public async Task LoginOlderThanTheOneWritten_NeverMovesTheDateBack()
    {
        await HandleAsync(Login("910", "2021-11-04T12:00:00Z", "dev@test.com"));

        var older = await HandleAsync(Login("911", "2021-11-04T08:00:00Z", "dev@test.com"));

        Assert.Equal(SettlementKind.Complete, older.Kind);
        Assert.Single(_hubSpot.Calls);
        Assert.Equal(NotificationStatus.Delivered, _ledger.Rows.Single(r => r.SourceId == "911").Status);
    }

    [Fact]
    public async Task PropertyNames_ComeFromTheLookupsTable()
    {
        _lookups.Partitions[ContactPropertyNames.LookupPartition] = new() { ["LastLoginDate"] = "platform_last_login" };

        await HandleAsync(Login("912", "2021-11-04T00:15:10.706Z", "dev@test.com"));

        Assert.True(Assert.Single(_hubSpot.Written).Properties.ContainsKey("platform_last_login"));
    }

    [Theory]
    [InlineData("{not json", "MalformedEvent")]
    [InlineData("null", "MalformedEvent")]
    [InlineData("""{"log_id":"1","data":{"type":42}}""", "MalformedEvent")]
    [InlineData("""{"data":{"type":"s"}}""", "MissingIdentity")]
    [InlineData("""{"log_id":"1"}""", "MissingIdentity")]
    [InlineData("""{"log_id":"913","data":{"type":"slo"}}""", "UnsupportedLogType")]
    public async Task Message_ThatCanNeverSucceed_IsDeadLetteredWithReason(string body, string reason)
    {
        var settlement = await HandleAsync(body);

        Assert.Equal((SettlementKind.DeadLetter, reason), (settlement.Kind, settlement.Reason));
        Assert.False(string.IsNullOrWhiteSpace(settlement.Description));
    }

    [Fact]
    public async Task StorageDown_Throws_SoTheListenerAbandonsIt()
    {
        _ledger.FailWith = new StorageUnavailableException("down (test)");

        await Assert.ThrowsAsync<StorageUnavailableException>(() => HandleAsync(Login("914", "2021-11-04T00:15:10.706Z", "dev@test.com")));
    }

    public ValueTask DisposeAsync() => _batcher.DisposeAsync();

    private Task<Settlement> HandleAsync(string body) =>
        _trigger.HandleMessageAsync(new InboundMessage("id", "s", "application/json", Encoding.UTF8.GetBytes(body), 0), CancellationToken.None);

    private static string Login(string logId, string date, string userName) =>
        $$$"""{"log_id":"{{{logId}}}","data":{"type":"s","date":"{{{date}}}","user_id":"auth0|ada","user_name":"{{{userName}}}"}}""";

    private static string Signup(string logId, string date, string? bodyEmail, string? userName = null, string userId = "auth0|ada") =>
        new JsonObject
        {
            ["log_id"] = logId,
            ["data"] = new JsonObject
            {
                ["type"] = "ss",
                ["date"] = date,
                ["user_id"] = userId,
                ["user_name"] = userName ?? bodyEmail,
                ["details"] = new JsonObject { ["body"] = new JsonObject { ["email"] = bodyEmail } },
            },
        }.ToJsonString();
}
