using Crm.Integration.Connectors.Storage;
using Crm.Integration.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Crm.Integration.Connectors.Tests.Storage;

[Collection(SharedStackCollection.Name)]
public sealed class TableNotificationLedgerTests(SharedStackFixture fixture) : IAsyncDisposable
{
    private static readonly DateTimeOffset ReceivedAt = new(2026, 11, 24, 9, 30, 0, TimeSpan.Zero);
    private readonly string _table = $"Ledger{Guid.NewGuid():N}"[..24];
    private ServiceProvider? _provider;

    [Fact]
    public async Task AdmitAsync_FirstArrival_CreatesAReceivedRow()
    {
        var ledger = Ledger();

        var admission = await ledger.AdmitAsync(Receipt("log-1"), CancellationToken.None);

        Assert.True(admission.IsFirst);
        var row = await ledger.FindAsync("log-1", "auth0", CancellationToken.None);
        Assert.Equal(("log-1", "auth0", "user-login", NotificationStatus.Received, ReceivedAt, 1, 0, (string?)null),
            (row!.SourceId, row.Channel, row.Type, row.Status, row.ReceivedAt, row.Attempts, row.DuplicatesSeen, row.LastError));
    }

    [Fact]
    public async Task AdmitAsync_SameIdAgain_ReturnsTheExistingRowAsNotFirst()
    {
        var ledger = Ledger();
        await ledger.AdmitAsync(Receipt("log-2"), CancellationToken.None);

        var again = await ledger.AdmitAsync(Receipt("log-2") with { ReceivedAt = ReceivedAt.AddMinutes(5) }, CancellationToken.None);

        Assert.False(again.IsFirst);
        Assert.Equal(ReceivedAt, again.Record.ReceivedAt);
    }

    [Fact]
    public async Task AdmitAsync_UnsettledRowAgain_CountsAnAttempt_ASettledOneDoesNot()
    {
        var ledger = Ledger();
        await ledger.AdmitAsync(Receipt("log-retry"), CancellationToken.None);
        await ledger.RecordOutcomeAsync(Receipt("log-retry"), new NotificationOutcome(NotificationStatus.Failed, "HubSpotUnavailable: 503"), CancellationToken.None);

        var retry = await ledger.AdmitAsync(Receipt("log-retry"), CancellationToken.None);
        await ledger.RecordOutcomeAsync(Receipt("log-retry"), new NotificationOutcome(NotificationStatus.Delivered, null, "1001"), CancellationToken.None);
        var repeat = await ledger.AdmitAsync(Receipt("log-retry"), CancellationToken.None);

        Assert.Equal((false, 2, NotificationStatus.Failed), (retry.IsFirst, retry.Record.Attempts, retry.Record.Status));
        Assert.Equal((true, 2, "1001", (string?)null), (repeat.Record.IsSettled, repeat.Record.Attempts, repeat.Record.HubSpotId, repeat.Record.LastError));
    }

    [Fact]
    public async Task AdmitAsync_ReplayOfARejection_ReopensTheRow_CountingAnAttempt()
    {
        var ledger = Ledger();
        await ledger.AdmitAsync(Receipt("log-fixed"), CancellationToken.None);
        await ledger.RecordOutcomeAsync(Receipt("log-fixed"), new NotificationOutcome(NotificationStatus.Rejected, "NoEmail: no email"), CancellationToken.None);

        var repeat = await ledger.AdmitAsync(Receipt("log-fixed"), CancellationToken.None);
        var replay = await ledger.AdmitAsync(Receipt("log-fixed") with { Replayed = true }, CancellationToken.None);

        Assert.Equal((NotificationStatus.Rejected, 1, 1), (repeat.Record.Status, repeat.Record.Attempts, repeat.Record.DuplicatesSeen));
        Assert.Equal((false, NotificationStatus.Received, 2, 1), (replay.Record.IsSettled, replay.Record.Status, replay.Record.Attempts, replay.Record.DuplicatesSeen));
        Assert.Equal(NotificationStatus.Received, (await ledger.FindAsync("log-fixed", "auth0", CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task AdmitAsync_ReplayOfADelivery_IsStillADuplicate()
    {
        var ledger = Ledger();
        await ledger.AdmitAsync(Receipt("log-done"), CancellationToken.None);
        await ledger.RecordOutcomeAsync(Receipt("log-done"), new NotificationOutcome(NotificationStatus.Delivered, null, "1001"), CancellationToken.None);

        var replay = await ledger.AdmitAsync(Receipt("log-done") with { Replayed = true }, CancellationToken.None);

        Assert.Equal((true, NotificationStatus.Delivered, 1, 1), (replay.Record.IsSettled, replay.Record.Status, replay.Record.Attempts, replay.Record.DuplicatesSeen));
    }

    [Theory]
    [InlineData(NotificationStatus.Delivered, false, AdmissionOfRepeat.Duplicate)]
    [InlineData(NotificationStatus.Delivered, true, AdmissionOfRepeat.Duplicate)]
    [InlineData(NotificationStatus.Rejected, false, AdmissionOfRepeat.Duplicate)]
    [InlineData(NotificationStatus.Rejected, true, AdmissionOfRepeat.Reopen)]
    [InlineData(NotificationStatus.Failed, false, AdmissionOfRepeat.Attempt)]
    [InlineData(NotificationStatus.Failed, true, AdmissionOfRepeat.Attempt)]
    [InlineData(NotificationStatus.Received, true, AdmissionOfRepeat.Attempt)]
    public void AdmitRepeat_IsTheOneTable(NotificationStatus status, bool replayed, AdmissionOfRepeat expected) =>
        Assert.Equal(expected, NotificationRecord.AdmitRepeat(status, replayed));

    [Fact]
    public async Task AdmitAsync_SameIdOnAnotherChannel_IsAnotherEvent()
    {
        var ledger = Ledger();
        await ledger.AdmitAsync(Receipt("evt-1"), CancellationToken.None);

        var other = await ledger.AdmitAsync(Receipt("evt-1") with { Channel = "platform" }, CancellationToken.None);

        Assert.True(other.IsFirst);
        Assert.Equal("platform", (await ledger.FindAsync("evt-1", "platform", CancellationToken.None))!.Channel);
    }

    [Fact]
    public async Task AdmitAsync_ManyAtOnce_ExactlyOneIsFirst()
    {
        var ledger = Ledger();

        var admissions = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => ledger.AdmitAsync(Receipt("log-race"), CancellationToken.None)));

        Assert.Single(admissions, a => a.IsFirst);
    }

    [Fact]
    public async Task ContactDates_OnlyEverMoveForward_EachKindOnItsOwn()
    {
        Ledger();
        var dates = _provider!.GetRequiredService<IContactDates>();
        var email = $"{Guid.NewGuid():N}@example.com";

        Assert.Null(await dates.GetAsync(email, ContactDate.LastLogin, CancellationToken.None));
        Assert.Equal(200, await dates.AdvanceAsync(email, ContactDate.LastLogin, 200, CancellationToken.None));
        Assert.Equal(200, await dates.AdvanceAsync(email, ContactDate.LastLogin, 100, CancellationToken.None));
        Assert.Equal(300, await dates.AdvanceAsync(email, ContactDate.LastLogin, 300, CancellationToken.None));
        Assert.Equal(50, await dates.AdvanceAsync(email, ContactDate.LastTaskSignup, 50, CancellationToken.None));
        Assert.Equal(300, await dates.GetAsync(email, ContactDate.LastLogin, CancellationToken.None));
        Assert.Equal(50, await dates.GetAsync(email, ContactDate.LastTaskSignup, CancellationToken.None));
    }

    [Fact]
    public async Task Lookups_ReadsOnePartitionsValues()
    {
        Ledger();
        var tables = _provider!.GetRequiredService<Azure.Data.Tables.TableServiceClient>();
        var table = tables.GetTableClient(_table + "Lookups");
        await table.CreateIfNotExistsAsync();
        await table.AddEntityAsync(new Azure.Data.Tables.TableEntity("HubSpotContactProperties", "LastLoginDate") { ["Value"] = "platform_last_login" });
        await table.AddEntityAsync(new Azure.Data.Tables.TableEntity("Other", "LastLoginDate") { ["Value"] = "not this" });

        var values = await _provider!.GetRequiredService<ILookups>().GetPartitionAsync("HubSpotContactProperties", CancellationToken.None);

        Assert.Equal("platform_last_login", Assert.Single(values).Value);
    }

    [Fact]
    public async Task RecordDuplicateAsync_ConcurrentDuplicates_EachOneCounts()
    {
        var ledger = Ledger();
        await ledger.AdmitAsync(Receipt("log-dup"), CancellationToken.None);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => ledger.RecordDuplicateAsync(Receipt("log-dup"), CancellationToken.None)));

        Assert.Equal(4, (await ledger.FindAsync("log-dup", "auth0", CancellationToken.None))!.DuplicatesSeen);
    }

    [Fact]
    public async Task RecordRejectedAsync_WritesTheReason_AndRepeatingItKeepsOneRow()
    {
        var ledger = Ledger();

        await ledger.RecordRejectedAsync(Receipt("sha256-ab"), "Entry 3 has no log_id.", CancellationToken.None);
        await ledger.RecordRejectedAsync(Receipt("sha256-ab"), "Entry 3 has no log_id.", CancellationToken.None);

        var row = await ledger.FindAsync("sha256-ab", "auth0", CancellationToken.None);
        Assert.Equal((NotificationStatus.Rejected, "Entry 3 has no log_id."), (row!.Status, row.LastError));
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a#b")]
    [InlineData("what?")]
    [InlineData("back\\slash")]
    [InlineData("~b64~looks-encoded")]
    [InlineData("pipe|as|in|the|row|key")]
    public async Task Ids_WithCharactersTableKeysForbid_RoundTripWithoutColliding(string id)
    {
        var ledger = Ledger();

        Assert.True((await ledger.AdmitAsync(Receipt(id), CancellationToken.None)).IsFirst);
        Assert.True((await ledger.AdmitAsync(Receipt(id + "x"), CancellationToken.None)).IsFirst);

        var row = await ledger.FindAsync(id, "auth0", CancellationToken.None);
        Assert.Equal((id, "auth0"), (row!.SourceId, row.Channel));
    }

    /// <summary>Ids by name: the ids themselves (lone surrogates, a megabyte) would make unreadable test names.</summary>
    private static readonly Dictionary<string, string> OddIds = new(StringComparer.Ordinal)
    {
        ["600 characters"] = new string('x', 600),
        ["1,024 characters"] = new string('y', 1024),
        ["2,000 characters"] = new string('z', 2000),
        ["lone high surrogate"] = "a\ud800", // shown written out: storage would make it U+FFFD
        ["lone low surrogate"] = "a\udc00",
        ["emoji"] = "log-\ud83d\ude00",
        ["newline and ANSI escape"] = "log\n\u001b[31mFAKE",
        ["looks hashed"] = "~sha256~" + new string('0', 64),
        ["100 characters to encode"] = "ü/" + new string('é', 98), // its UTF-8 in base64 would pass the key bound: hashed
    };

    /// <summary>Issue 14, defect 1: an id the store cannot hold as a key (over ~1 KiB, or not text) was answered 503 forever.</summary>
    [Theory]
    [InlineData("600 characters")]
    [InlineData("1,024 characters")]
    [InlineData("2,000 characters")]
    [InlineData("lone high surrogate")]
    [InlineData("lone low surrogate")]
    [InlineData("emoji")]
    [InlineData("newline and ANSI escape")]
    [InlineData("looks hashed")]
    [InlineData("100 characters to encode")]
    public async Task Ids_OfAnyLengthOrShape_GetABoundedKey_RoundTrip_AndNeverCollide(string name)
    {
        var ledger = Ledger();
        var id = OddIds[name];

        Assert.True((await ledger.AdmitAsync(Receipt(id), CancellationToken.None)).IsFirst);
        Assert.True((await ledger.AdmitAsync(Receipt(id + "x"), CancellationToken.None)).IsFirst);
        Assert.False((await ledger.AdmitAsync(Receipt(id), CancellationToken.None)).IsFirst);

        var row = await ledger.FindAsync(id, "auth0", CancellationToken.None);
        var shown = id.Replace("\ud800", "\\ud800", StringComparison.Ordinal).Replace("\udc00", "\\udc00", StringComparison.Ordinal);
        Assert.Equal((shown.Length <= 1024 ? shown : shown[..1023] + "…", "auth0"), (row!.SourceId, row.Channel));
        Assert.True(TableKey.Encode(id).Length <= TableKey.MaxLength);
    }

    [Fact]
    public async Task Ids_TwoLoneSurrogates_AreTwoEvents_NotOneReplacedCharacter()
    {
        var ledger = Ledger();

        Assert.True((await ledger.AdmitAsync(Receipt("a\ud800"), CancellationToken.None)).IsFirst);
        Assert.True((await ledger.AdmitAsync(Receipt("a\ud801"), CancellationToken.None)).IsFirst);
        Assert.True((await ledger.AdmitAsync(Receipt("a\ufffd"), CancellationToken.None)).IsFirst);
    }

    [Fact]
    public async Task RecordRejectedAsync_AMegabyteOfIdTypeAndReason_IsStoredBounded_NotRefused()
    {
        var ledger = Ledger();
        var huge = new string('q', 1_000_000);

        await ledger.RecordRejectedAsync(new NotificationReceipt(huge, "auth0", huge, ReceivedAt), "Reason: " + huge, CancellationToken.None);

        var row = await ledger.FindAsync(huge, "auth0", CancellationToken.None);
        Assert.Equal(NotificationStatus.Rejected, row!.Status);
        Assert.Equal(1024, row.SourceId.Length);
        Assert.True(row.Type.Length <= 256 && row.LastError!.Length <= 4096);
        Assert.StartsWith("Reason: qqq", row.LastError, StringComparison.Ordinal);
    }

    /// <summary>
    /// Issue 14 (chaos, Azurite killed and restarted from an older save): the table was gone, and the hub answered every
    /// message with 404 TableNotFound for ever. Now the 404 is an outage that passes: the next use creates the table again.
    /// </summary>
    [Fact]
    public async Task TableGone_IsAnOutageOnce_ThenTheTableIsCreatedAgain()
    {
        var ledger = Ledger();
        await ledger.AdmitAsync(Receipt("before"), CancellationToken.None);
        await new Azure.Data.Tables.TableServiceClient(fixture.Stack.TableConnectionString).DeleteTableAsync(_table);

        await Assert.ThrowsAsync<StorageUnavailableException>(() => ledger.AdmitAsync(Receipt("after"), CancellationToken.None));
        var again = await Eventually.GetAsync(async () =>
        {
            try
            {
                return await ledger.AdmitAsync(Receipt("after"), CancellationToken.None);
            }
            catch (StorageUnavailableException)
            {
                return null; // Azurite may still be deleting the table: 409 TableBeingDeleted
            }
        }, TimeSpan.FromSeconds(30), "the table created again");
        Assert.True(again.IsFirst);
    }

    /// <summary>Issue 14: a storage refusal that retrying cannot cure (400) was reported as an outage.</summary>
    [Fact]
    public async Task StorageRefusal_IsPermanent_AnOutageIsNot()
    {
        var table = new Azure.Data.Tables.TableClient(fixture.Stack.TableConnectionString, _table);
        await table.CreateIfNotExistsAsync();
        var refusal = await Assert.ThrowsAsync<Azure.RequestFailedException>(() =>
            table.AddEntityAsync(new Azure.Data.Tables.TableEntity("p", new string('k', 2000))));

        Assert.IsType<StorageRefusedException>(StorageFailures.Classify(refusal, "test"));
        Assert.IsType<StorageUnavailableException>(StorageFailures.Classify(new Azure.RequestFailedException(503, "busy"), "test"));
        Assert.IsType<StorageUnavailableException>(StorageFailures.Classify(new Azure.RequestFailedException(0, "no answer"), "test"));
        Assert.IsType<StorageUnavailableException>(StorageFailures.Classify(new Azure.RequestFailedException(408, "timeout"), "test"));
    }

    [Fact]
    public async Task Ledger_StorageUnreachable_ThrowsStorageUnavailable_AndReadinessSaysSo()
    {
        var ledger = Ledger(connectionString: "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:1/devstoreaccount1;");

        await Assert.ThrowsAsync<StorageUnavailableException>(() => ledger.AdmitAsync(Receipt("x"), CancellationToken.None));
        var health = await _provider!.GetRequiredService<HealthCheckService>().CheckHealthAsync(CancellationToken.None);
        Assert.Equal(HealthStatus.Unhealthy, health.Entries["storage"].Status);
    }

    [Fact]
    public async Task Readiness_AzuriteUp_IsHealthy()
    {
        Ledger();

        var health = await _provider!.GetRequiredService<HealthCheckService>().CheckHealthAsync(CancellationToken.None);

        Assert.Equal(HealthStatus.Healthy, health.Entries["storage"].Status);
    }

    public async ValueTask DisposeAsync()
    {
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }
    }

    [Fact]
    public async Task AdmitAndRecordOutcome_TwoHundredEventsAtOnce_ShareTransactions_NotARequestEach()
    {
        var requests = new RequestCounter();
        var ledger = Ledger(requests: requests);
        await ledger.AdmitAsync(Receipt("warm-up"), CancellationToken.None); // creates the table
        var receipts = Enumerable.Range(0, 200).Select(i => Receipt($"burst-{i}")).ToList();
        requests.Reset();

        var admissions = await Task.WhenAll(receipts.Select(r => ledger.AdmitAsync(r, CancellationToken.None)));
        await Task.WhenAll(receipts.Select(r => ledger.RecordOutcomeAsync(r, new NotificationOutcome(NotificationStatus.Delivered, null, "7"), CancellationToken.None)));
        var sent = requests.Reset();

        Assert.All(admissions, a => Assert.True(a.IsFirst));
        // 400 row writes in four partitions: the first of each partition alone, the rest in transactions of up to 100.
        Assert.InRange(sent, LedgerKeys.Shards * 2, 40);
        foreach (var receipt in receipts.Where((_, i) => i % 50 == 0))
        {
            Assert.Equal((NotificationStatus.Delivered, "7"), ((await ledger.FindAsync(receipt.SourceId, "auth0", CancellationToken.None))!.Status, (await ledger.FindAsync(receipt.SourceId, "auth0", CancellationToken.None))!.HubSpotId));
        }
    }

    [Fact]
    public async Task AdmitAsync_ARepeatInTheSameBurst_FailsOnlyItsOwnInsert_AndIsCountedAsTheSameEvent()
    {
        var ledger = Ledger();
        await ledger.AdmitAsync(Receipt("warm-up"), CancellationToken.None);

        var admissions = await Task.WhenAll(new[] { "a", "b", "a", "c", "a" }.Select(id => ledger.AdmitAsync(Receipt("repeat-" + id), CancellationToken.None)));

        Assert.Equal(3, admissions.Count(a => a.IsFirst));
        Assert.Equal(3, (await ledger.FindAsync("repeat-a", "auth0", CancellationToken.None))!.Attempts);
    }

    [Fact]
    public async Task ExpiringBy_IsTheRangeOfPartitionsUpToTheCutoffsDay_OfOneChannel()
    {
        var ledger = Ledger();
        await ledger.AdmitAsync(Receipt("old") with { ReceivedAt = ReceivedAt.AddDays(-8) }, CancellationToken.None);
        await ledger.AdmitAsync(Receipt("old-email") with { Channel = "email", ReceivedAt = ReceivedAt.AddDays(-8) }, CancellationToken.None);
        await ledger.AdmitAsync(Receipt("cutoff-day") with { ReceivedAt = ReceivedAt.AddDays(-7).AddHours(1) }, CancellationToken.None);
        await ledger.AdmitAsync(Receipt("recent") with { ReceivedAt = ReceivedAt.AddDays(-6) }, CancellationToken.None);
        var table = new Azure.Data.Tables.TableClient(fixture.Stack.TableConnectionString, _table);

        var filter = LedgerKeys.ExpiringBy("auth0", ReceivedAt.AddDays(-7));
        var old = new List<string>();
        await foreach (var row in table.QueryAsync<Azure.Data.Tables.TableEntity>(filter))
        {
            old.Add(row.GetString("SourceId"));
        }

        Assert.Equal(["cutoff-day", "old"], old.Order(StringComparer.Ordinal)); // the cutoff's own day: its rows may have ended before it
    }

    private INotificationLedger Ledger(string? connectionString = null, RequestCounter? requests = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = connectionString ?? fixture.Stack.TableConnectionString,
            ["Storage:NotificationsTable"] = _table,
            ["Storage:LookupsTable"] = _table + "Lookups",
            ["Storage:ContactDatesTable"] = _table + "Dates",
            ["Storage:EmailTemplatesTable"] = _table + "Templates",
            ["Storage:NetworkTimeout"] = "00:00:03",
        }).Build();
        var services = new ServiceCollection().AddLogging().AddTableStorage(configuration);
        if (requests is not null)
        {
            services.PostConfigure<Azure.Data.Tables.TableClientOptions>(o => o.AddPolicy(requests, Azure.Core.HttpPipelinePosition.PerCall));
        }

        _provider = services.BuildServiceProvider();
        return _provider.GetRequiredService<INotificationLedger>();
    }

    private static NotificationReceipt Receipt(string id) => new(id, "auth0", "user-login", ReceivedAt);
}
