using System.Text;
using System.Text.Json.Nodes;
using Crm.Integration.Connectors.Auth0;
using Crm.Integration.Connectors.HubSpot;
using Crm.Integration.Connectors.ServiceBus;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.Auth0Events;
using Crm.Integration.Functions.Common;
using Crm.Integration.Functions.Contacts;
using Crm.Integration.Functions.Tests.Execution;
using Crm.Integration.Testing;
using Crm.Integration.Testing.Fakes;
using Microsoft.Extensions.Logging;
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
        _batcher = new ContactBatcher(_hubSpot, new UnlimitedBudget(), Options.Create(new ContactBatchingOptions { Window = TimeSpan.Zero }), Microsoft.Extensions.Options.Options.Create(new HubSpotOptions()), TimeProvider.System);
        _trigger = Trigger(NullLoggerFactory.Instance);
        _auth0.Users["auth0|ada"] = new Auth0User("auth0|ada", "Ada.Lovelace@Example.com", "Ada", "Lovelace", "Ada Lovelace", null);
    }

    private readonly FakeTimeProvider _time = new(Now);

    private Auth0EventsTrigger Trigger(ILoggerFactory logs)
    {
        var time = _time;
        var (executor, facts) = new InMemoryExecution(_ledger, _auth0, _lookups, _contactDates, _hubSpot, _batcher, time).Build(logs: logs);
        var handler = new Auth0LogEventHandler(executor, facts, time);
        return new Auth0EventsTrigger(new UnusedQueueListener(), handler, TestMetrics.Hub(), time, logs.CreateLogger<Auth0EventsTrigger>());
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

    /// <summary>
    /// Issue 14 (chaos, Azurite killed mid-drain): abandoned at once, every message in flight spent the delivery limit in
    /// seconds of an outage and was dead-lettered without a reason. Held first, then abandoned with a reason.
    /// </summary>
    [Fact]
    public async Task StorageDown_IsHeldThenAbandoned_NotAbandonedAtOnce()
    {
        _ledger.FailWith = new StorageUnavailableException("down (test)");

        var handling = HandleAsync(Login("914", "2021-11-04T00:15:10.706Z", "dev@test.com"));
        await Task.Delay(100);
        Assert.False(handling.IsCompleted);
        _time.Advance(FailurePolicy.StorageOutageHold);
        var settlement = await handling.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal((SettlementKind.Abandon, "StorageUnavailable"), (settlement.Kind, settlement.Reason));
    }

    /// <summary>Issue 14, defect 3: a lone surrogate in a name (or invalid UTF-8 in user_name) dead-lettered the signup as MalformedEvent.</summary>
    [Fact]
    public async Task Signup_WithBadTextInAName_IsWrittenWithTheReplacementCharacter()
    {
        var body = """{"log_id":"920","data":{"type":"ss","date":"2024-01-01T00:00:00Z","user_id":"auth0|ada","user_name":"ada@example.com","details":{"body":{"email":"ada@example.com","given_name":"Ada \ud800","family_name":"Love<FF>lace"}}}}""";

        var settlement = await HandleAsync(RawBytes.WithFF(body));

        Assert.Equal(SettlementKind.Complete, settlement.Kind);
        var written = Assert.Single(_hubSpot.Written);
        Assert.Equal(("Ada \ufffd", "Love\ufffdlace"), (written.Properties["firstname"], written.Properties["lastname"]));
    }

    /// <summary>Issue 14, defect 1: a 2,000-character log_id was abandoned eleven times and dead-lettered without a reason.</summary>
    [Fact]
    public async Task Login_WithAnOverlongLogId_IsDeadLetteredWithItsReason_AndRecorded()
    {
        var settlement = await HandleAsync(Login(new string('x', 2000), "2021-11-04T00:15:10.706Z", "dev@test.com"));

        Assert.Equal((SettlementKind.DeadLetter, "InvalidLogId"), (settlement.Kind, settlement.Reason));
        Assert.Contains("2000 characters", settlement.Description, StringComparison.Ordinal);
        Assert.Equal(NotificationStatus.Rejected, Assert.Single(_ledger.Rows).Status);
        Assert.Empty(_hubSpot.Written);
    }

    /// <summary>Issue 14, defect 6: a@localhost was reported as "neither the log nor the profile has an email".</summary>
    [Fact]
    public async Task Login_WithAnEmailHubSpotCannotTake_IsInvalidEmail_NotNoEmail_AndTheReasonHoldsNoAddress()
    {
        _auth0.Users.Clear();

        var settlement = await HandleAsync(Login("921", "2021-11-04T00:15:10.706Z", "a@localhost"));

        Assert.Equal((SettlementKind.DeadLetter, "InvalidEmail"), (settlement.Kind, settlement.Reason));
        Assert.Contains("user_name", settlement.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("a@localhost", settlement.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StorageRefusesTheEventsRow_IsDeadLetteredWithTheReason_NotAbandonedUntilTheLimit()
    {
        _ledger.FailWith = new StorageRefusedException("400 PropertyValueTooLarge (test)");

        var settlement = await HandleAsync(Login("922", "2021-11-04T00:15:10.706Z", "dev@test.com"));

        Assert.Equal((SettlementKind.DeadLetter, "StorageRefused"), (settlement.Kind, settlement.Reason));
    }

    /// <summary>Issue 14, defect 6: a log_id holding a newline or ANSI escapes was written raw into log lines.</summary>
    [Fact]
    public async Task LogIdWithNewlineAndAnsiEscape_IsEscapedInTheLogLine()
    {
        using var logs = new Microsoft.Extensions.Logging.Testing.FakeLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        var trigger = Trigger(factory);

        await trigger.HandleMessageAsync(Message(Login("930\\nFAKE entry\\u001b[31m", "2021-11-04T00:15:10.706Z", "dev@test.com")), CancellationToken.None);

        var line = Assert.Single(logs.Collector.GetSnapshot(), r => r.Message.Contains("930", StringComparison.Ordinal)).Message;
        Assert.DoesNotContain('\n', line);
        Assert.DoesNotContain('\u001b', line);
        Assert.Contains("930\\u000aFAKE entry\\u001b[31m", line, StringComparison.Ordinal);
    }


    public ValueTask DisposeAsync() => _batcher.DisposeAsync();

    private Task<Settlement> HandleAsync(string body) => HandleAsync(Encoding.UTF8.GetBytes(body));

    private Task<Settlement> HandleAsync(byte[] body) => _trigger.HandleMessageAsync(Message(body), CancellationToken.None);

    private static InboundMessage Message(string body) => Message(Encoding.UTF8.GetBytes(body));

    private static InboundMessage Message(byte[] body) => new("id", "s", "application/json", body, 0);

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
