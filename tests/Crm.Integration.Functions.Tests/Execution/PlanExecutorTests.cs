using Crm.Integration.Connectors.Auth0;
using Crm.Integration.Connectors.HubSpot;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.Common;
using Crm.Integration.Functions.Execution;
using Crm.Integration.Testing.Fakes;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Crm.Integration.Functions.Tests.Execution;

/// <summary>The executor alone: a plan in, the effect, the ledger row and the verdict out — the same way for every handler.</summary>
public sealed class PlanExecutorTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);
    private readonly InMemoryLedger _ledger = new();
    private readonly FakeTransactionalEmail _email = new() { ImmediateResult = "SENT" };
    private readonly InMemoryCustomEvents _customEvents = new();
    private readonly PlanExecutor _executor;

    public PlanExecutorTests()
    {
        var contacts = new InMemoryHubSpotContacts();
        var batcher = new ContactBatcher(contacts, new UnlimitedBudget(), Options.Create(new ContactBatchingOptions { Window = TimeSpan.Zero }), Options.Create(new HubSpotOptions()), TimeProvider.System);
        (_executor, _) = new InMemoryExecution(_ledger, new InMemoryAuth0Users(), new InMemoryLookups(), new InMemoryContactDates(), contacts, batcher, new FakeTimeProvider(Now),
            Email: _email, CustomEvents: _customEvents).Build();
    }

    public static TheoryData<string, Plan, OutcomeKind, NotificationStatus, string?, TimeSpan?> Plans => new()
    {
        { "reject: dead-lettered, the row says why", new Reject(Reasons.UnknownTemplate.Because("No template 'x'."), "x"), OutcomeKind.Permanent, NotificationStatus.Rejected, "UnknownTemplate: No template 'x'.", null },
        { "retry later: held for the delay", new RetryLater(TimeSpan.FromSeconds(20), Reasons.ContactNotFoundYet.Because("Not yet.")), OutcomeKind.Transient, NotificationStatus.Failed, "ContactNotFound: Not yet.", TimeSpan.FromSeconds(20) },
        { "retry at once: back to the broker", new RetryLater(TimeSpan.Zero, Reasons.HubSpotUnavailable.Because("503.")), OutcomeKind.Transient, NotificationStatus.Failed, "HubSpotUnavailable: 503.", null },
        { "a send: delivered", new SendEmail(Email("send-1"), "welcome", "sha256:0123456789abcdef"), OutcomeKind.Success, NotificationStatus.Delivered, null, null },
        { "a custom event: delivered", new RecordCustomEvent(new CustomEventOccurrence("pe1_task_signup", "501", Now, Guid.NewGuid(), new Dictionary<string, string>())), OutcomeKind.Success, NotificationStatus.Delivered, null, null },
    };

    [Theory]
    [MemberData(nameof(Plans))]
    public async Task RunAsync_APlan_GivesItsRowAndVerdict(string because, Plan plan, OutcomeKind kind, NotificationStatus status, string? error, TimeSpan? retryAfter)
    {
        var receipt = Receipt(because);

        var verdict = await _executor.RunAsync(receipt, _ => Task.FromResult(plan), CancellationToken.None);
        var row = await _ledger.FindAsync(receipt.SourceId, receipt.Channel, CancellationToken.None);

        Assert.Equal((kind, retryAfter), (verdict.Kind, verdict.RetryAfter));
        Assert.Equal((status, error), (row!.Status, row.LastError));
    }

    [Fact]
    public async Task RunAsync_ASend_IsMadeOnce_AndItsRowNamesTemplateRecipientStatusIdAndResult()
    {
        var receipt = Receipt("send-2");
        var plan = new SendEmail(Email("send-2"), "welcome", "sha256:0123456789abcdef");

        await _executor.RunAsync(receipt, _ => Task.FromResult<Plan>(plan), CancellationToken.None);
        var again = await _executor.RunAsync(receipt, _ => throw new InvalidOperationException("a settled event is not decided again"), CancellationToken.None);
        var row = await _ledger.FindAsync(receipt.SourceId, receipt.Channel, CancellationToken.None);

        Assert.Single(_email.Requests);
        Assert.Equal(OutcomeKind.Duplicate, again.Kind);
        Assert.Equal(("welcome", "sha256:0123456789abcdef", "SENT", 1), (row!.Template, row.Recipient, row.Result, row.DuplicatesSeen));
        Assert.False(string.IsNullOrEmpty(row.HubSpotId));
    }

    [Fact]
    public async Task RunAsync_Auth0DownWhileDeciding_IsRetryLater_NotAFailureOfTheHost()
    {
        var receipt = Receipt("auth0-down");

        var verdict = await _executor.RunAsync(receipt, _ => throw new Auth0UnavailableException("Auth0 answered 503."), CancellationToken.None);

        Assert.Equal((OutcomeKind.Transient, "Auth0Unavailable"), (verdict.Kind, verdict.Reason));
        Assert.Equal(NotificationStatus.Failed, (await _ledger.FindAsync(receipt.SourceId, receipt.Channel, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task RunAsync_HubSpotRefusesTheSend_RejectedWithItsReason_Transient5xxFailed()
    {
        _email.Failure = new SendOutcome(SendOutcomeKind.Permanent, null, new HubSpotError(400, "bad"));
        var refused = await _executor.RunAsync(Receipt("refused"), _ => Task.FromResult<Plan>(new SendEmail(Email("refused"), "welcome", "sha256:1")), CancellationToken.None);
        _email.Failure = new SendOutcome(SendOutcomeKind.Transient, null, new HubSpotError(503, "down"));
        var down = await _executor.RunAsync(Receipt("down"), _ => Task.FromResult<Plan>(new SendEmail(Email("down"), "welcome", "sha256:2")), CancellationToken.None);

        Assert.Equal((OutcomeKind.Permanent, "HubSpotRejected"), (refused.Kind, refused.Reason));
        Assert.Equal((OutcomeKind.Transient, "HubSpotUnavailable"), (down.Kind, down.Reason));
    }

    [Fact]
    public async Task RunAsync_TheDecisionIsGivenTheAttemptTheLedgerCounts()
    {
        var receipt = Receipt("attempts");
        var seen = new List<int>();
        Task<Plan> Decide(int attempt)
        {
            seen.Add(attempt);
            return Task.FromResult<Plan>(new RetryLater(TimeSpan.Zero, Reasons.HubSpotUnavailable.Because("503.")));
        }

        await _executor.RunAsync(receipt, Decide, CancellationToken.None);
        await _executor.RunAsync(receipt, Decide, CancellationToken.None);

        Assert.Equal([1, 2], seen);
    }

    [Theory]
    [InlineData(2, "1795000000000")] // beside another replica: the stored date is read, the later login put back on top
    [InlineData(1, "1794000000000")] // alone: what this process knows is every claim (none here), so no read and no put-back
    public async Task RunAsync_ALaterLoginAnotherReplicaWroteFirst_IsPutBackOnTop_WhenReplicasShareTheWork(int liveReplicas, string final)
    {
        const long Mine = 1_794_000_000_000, Theirs = 1_795_000_000_000;
        var dates = new InMemoryContactDates();
        var hubSpot = new InMemoryHubSpotContacts();
        var contacts = new AnotherReplicaWritesFirst(hubSpot, dates, "ada@example.com", Theirs);
        var (executor, _) = new InMemoryExecution(new InMemoryLedger(), new InMemoryAuth0Users(), new InMemoryLookups(), dates, hubSpot,
            new ContactBatcher(hubSpot, new UnlimitedBudget(), Options.Create(new ContactBatchingOptions { Window = TimeSpan.Zero }), Options.Create(new HubSpotOptions()), TimeProvider.System),
            new FakeTimeProvider(Now), LiveReplicas: liveReplicas).Build(contacts);
        var login = new ContactChange("ada@example.com", new Dictionary<string, string> { ["last_login_date"] = Mine.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            new HashSet<string>(StringComparer.Ordinal) { "last_login_date" });

        await executor.RunAsync(Receipt("login"), _ => Task.FromResult<Plan>(new UpsertContact(login, new DateGuard(ContactDate.LastLogin, Mine, PutBackLater: true))), CancellationToken.None);

        Assert.Equal(final, contacts.Final["last_login_date"]);
    }

    public static TheoryData<string, FailedWrite, string> WritesThatLeaveTheOlderDate => new()
    {
        { "the put-back is refused for now: the row says so, and the next attempt writes the later date", FailedWrite.PutBack, "LaterDateNotRestored" },
        { "the write lands but its answer is lost (a timeout): the next attempt writes the later date", FailedWrite.FirstAnswer, "HubSpotUnavailable" },
    };

    [Theory]
    [MemberData(nameof(WritesThatLeaveTheOlderDate))]
    public async Task RunAsync_AnAttemptThatMayHaveLeftTheOlderDate_IsNotDone_UntilTheLaterOneIsBackOnTop(string because, FailedWrite failing, string reason)
    {
        const long Mine = 1_794_000_000_000, Theirs = 1_795_000_000_000;
        var dates = new InMemoryContactDates();
        var hubSpot = new InMemoryHubSpotContacts();
        var contacts = new AnotherReplicaWritesFirst(hubSpot, dates, "ada@example.com", Theirs) { Failing = failing };
        var ledger = new InMemoryLedger();
        var (executor, _) = new InMemoryExecution(ledger, new InMemoryAuth0Users(), new InMemoryLookups(), dates, hubSpot,
            new ContactBatcher(hubSpot, new UnlimitedBudget(), Options.Create(new ContactBatchingOptions { Window = TimeSpan.Zero }), Options.Create(new HubSpotOptions()), TimeProvider.System),
            new FakeTimeProvider(Now), LiveReplicas: 2).Build(contacts);
        var login = new ContactChange("ada@example.com", new Dictionary<string, string> { ["last_login_date"] = Mine.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            new HashSet<string>(StringComparer.Ordinal) { "last_login_date" });
        var receipt = Receipt("login-" + failing);
        Task<Plan> Decide(int attempt) => Task.FromResult<Plan>(new UpsertContact(login, new DateGuard(ContactDate.LastLogin, Mine, PutBackLater: true)));

        var first = await executor.RunAsync(receipt, Decide, CancellationToken.None);
        var shownBetween = contacts.Final["last_login_date"];
        var second = await executor.RunAsync(receipt, Decide, CancellationToken.None);
        var row = await ledger.FindAsync(receipt.SourceId, receipt.Channel, CancellationToken.None);

        Assert.True((OutcomeKind.Transient, reason) == (first.Kind, first.Reason), because);
        Assert.Equal(Mine.ToString(System.Globalization.CultureInfo.InvariantCulture), shownBetween);
        Assert.Equal((OutcomeKind.Success, NotificationStatus.Delivered), (second.Kind, row!.Status));
        Assert.Equal(Theirs.ToString(System.Globalization.CultureInfo.InvariantCulture), contacts.Final["last_login_date"]);
    }

    [Fact]
    public async Task RunAsync_ALateLoginAfterAFailureThatWroteNothingOlder_StillWritesNothing()
    {
        const long Mine = 1_794_000_000_000, Theirs = 1_795_000_000_000;
        var dates = new InMemoryContactDates();
        dates.ClaimedElsewhere[("ada@example.com", ContactDate.LastLogin)] = Theirs;
        var receipt = Receipt("late-after-auth0-down");
        await _executor.RunAsync(receipt, _ => throw new Auth0UnavailableException("Auth0 answered 503."), CancellationToken.None);
        var hubSpot = new InMemoryHubSpotContacts();
        var (executor, _) = new InMemoryExecution(_ledger, new InMemoryAuth0Users(), new InMemoryLookups(), dates, hubSpot,
            new ContactBatcher(hubSpot, new UnlimitedBudget(), Options.Create(new ContactBatchingOptions { Window = TimeSpan.Zero }), Options.Create(new HubSpotOptions()), TimeProvider.System),
            new FakeTimeProvider(Now), LiveReplicas: 2).Build();
        var login = new ContactChange("ada@example.com", new Dictionary<string, string> { ["last_login_date"] = Mine.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            new HashSet<string>(StringComparer.Ordinal) { "last_login_date" });

        var verdict = await executor.RunAsync(receipt, _ => Task.FromResult<Plan>(new UpsertContact(login, new DateGuard(ContactDate.LastLogin, Mine, PutBackLater: true))), CancellationToken.None);

        Assert.Equal(OutcomeKind.Success, verdict.Kind);
        Assert.Empty(hubSpot.Written);
    }

    public enum FailedWrite
    {
        None,
        PutBack,
        FirstAnswer,
    }

    [Fact]
    public async Task RunAsync_APutBackOvertakenByAStillLaterLogin_LooksAgain_AndEndsOnTheLatest()
    {
        const long Mine = 1_794_000_000_000, Theirs = 1_795_000_000_000, Latest = 1_796_000_000_000;
        var dates = new InMemoryContactDates();
        var hubSpot = new InMemoryHubSpotContacts();
        var contacts = new AnotherReplicaWritesFirst(hubSpot, dates, "ada@example.com", Theirs, Latest);
        var (executor, _) = new InMemoryExecution(new InMemoryLedger(), new InMemoryAuth0Users(), new InMemoryLookups(), dates, hubSpot,
            new ContactBatcher(hubSpot, new UnlimitedBudget(), Options.Create(new ContactBatchingOptions { Window = TimeSpan.Zero }), Options.Create(new HubSpotOptions()), TimeProvider.System),
            new FakeTimeProvider(Now), LiveReplicas: 2).Build(contacts);
        var login = new ContactChange("ada@example.com", new Dictionary<string, string> { ["last_login_date"] = Mine.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            new HashSet<string>(StringComparer.Ordinal) { "last_login_date" });

        var verdict = await executor.RunAsync(Receipt("overtaken"), _ => Task.FromResult<Plan>(new UpsertContact(login, new DateGuard(ContactDate.LastLogin, Mine, PutBackLater: true))), CancellationToken.None);

        Assert.Equal(OutcomeKind.Success, verdict.Kind);
        Assert.Equal((Latest.ToString(System.Globalization.CultureInfo.InvariantCulture), 3), (contacts.Final["last_login_date"], contacts.Writes));
    }

    /// <summary>
    /// HubSpot as two replicas meet it: before each of this replica's first writes, another claims the next of
    /// <paramref name="theirs"/> for the contact (in the table, not in this process's memory) and its write lands first.
    /// <see cref="Failing"/> makes one of this replica's writes fail once: the put-back refused, or the first write
    /// applied with its answer lost.
    /// </summary>
    private sealed class AnotherReplicaWritesFirst(InMemoryHubSpotContacts hubSpot, InMemoryContactDates dates, string email, params long[] theirs) : IHubSpotContactWriter
    {
        private int _writes;

        public FailedWrite Failing { get; init; }

        public int Writes => _writes;

        public Dictionary<string, string> Final { get; } = new(StringComparer.Ordinal);

        public async Task<ContactUpsertOutcome> UpsertAsync(ContactChange change, CancellationToken cancellationToken)
        {
            var write = ++_writes;
            if (write <= theirs.Length && (Failing == FailedWrite.None || write == 1))
            {
                dates.ClaimedElsewhere[(email, ContactDate.LastLogin)] = theirs[write - 1];
                Final["last_login_date"] = theirs[write - 1].ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            if (write == 2 && Failing == FailedWrite.PutBack)
            {
                return ContactUpsertOutcome.Transient(new HubSpotError(429, "Ten-secondly limit reached."));
            }

            foreach (var (name, value) in change.Properties)
            {
                Final[name] = value;
            }

            var outcomes = await hubSpot.UpsertByEmailAsync([change], cancellationToken);
            return write == 1 && Failing == FailedWrite.FirstAnswer ? ContactUpsertOutcome.Transient(new HubSpotError(0, "The attempt timed out.")) : outcomes[0];
        }
    }

    private static NotificationReceipt Receipt(string id) => new(id, "email", "transactional-email", Now);

    private static SingleSendEmail Email(string sendId) =>
        new(4242, "ada@example.com", sendId, null, [], [], [], new Dictionary<string, System.Text.Json.JsonElement>(), new Dictionary<string, System.Text.Json.JsonElement>());
}
