using Crm.Integration.Connectors.Storage;

namespace Crm.Integration.Connectors.Tests.Storage;

[Collection(SharedStackCollection.Name)]
public sealed class TableRetentionStoreTests(SharedStackFixture fixture)
{
    private static RetentionCutoffs CutoffsAt(DateTimeOffset now, DateTimeOffset? contactDates = null) => new(
        new Dictionary<string, DateTimeOffset>
        {
            ["auth0"] = now - TimeSpan.FromDays(7),
            ["platform"] = now - TimeSpan.FromDays(7),
            ["task-signup"] = now - TimeSpan.FromDays(7),
            ["email"] = now - TimeSpan.FromDays(400),
        },
        contactDates ?? DateTimeOffset.MinValue);

    [Fact]
    public async Task FindExpiredAsync_SettledPastTheirChannelsCutoff_Found_InFlightFailingAndRecentNever()
    {
        await using var tables = new RetentionTables(fixture);
        await tables.WriteAsync("old-delivered", "auth0", NotificationStatus.Delivered);
        await tables.WriteAsync("old-rejected", "platform", NotificationStatus.Rejected);
        await tables.WriteAsync("old-in-flight", "auth0", NotificationStatus.Received);
        await tables.WriteAsync("old-failing", "auth0", NotificationStatus.Failed);
        await tables.WriteAsync("email-older-than-400-days", "email", NotificationStatus.Delivered);
        tables.Time.Advance(TimeSpan.FromDays(380));
        await tables.WriteAsync("email-20-days", "email", NotificationStatus.Delivered);
        await tables.WriteAsync("signup-20-days", "task-signup", NotificationStatus.Delivered);
        tables.Time.Advance(TimeSpan.FromDays(15));
        await tables.WriteAsync("recent", "auth0", NotificationStatus.Delivered);

        var expired = await tables.AllExpiredAsync(CutoffsAt(tables.Time.GetUtcNow() + TimeSpan.FromDays(6)));

        Assert.Equal(
            ["auth0/old-delivered", "email/email-older-than-400-days", "platform/old-rejected", "task-signup/signup-20-days"],
            expired.Select(r => $"{r.Kind}/{SourceIdOf(r.RowKey)}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task FindExpiredAsync_SmallPages_EveryExpiredRowOnce()
    {
        await using var tables = new RetentionTables(fixture);
        for (var i = 0; i < 25; i++)
        {
            await tables.WriteAsync($"log-{i:D2}", "auth0", NotificationStatus.Delivered);
        }

        tables.Time.Advance(TimeSpan.FromDays(8));

        var expired = await tables.AllExpiredAsync(CutoffsAt(tables.Time.GetUtcNow()), pageSize: 4);

        Assert.Equal(25, expired.Select(r => r.RowKey).Distinct().Count());
        Assert.Equal(25, expired.Count);
    }

    [Fact]
    public async Task FindExpiredAsync_SmallPages_AcrossChannelsAndDays_EveryExpiredRowOnce_ThoseSettledSinceTheCutoffNot()
    {
        await using var tables = new RetentionTables(fixture);
        var written = new List<string>();
        foreach (var day in Enumerable.Range(0, 3))
        {
            foreach (var channel in new[] { "auth0", "task-signup" })
            {
                for (var i = 0; i < 3; i++)
                {
                    written.Add($"{channel}/d{day}-{i}");
                    await tables.WriteAsync($"d{day}-{i}", channel, NotificationStatus.Delivered);
                }
            }

            tables.Time.Advance(TimeSpan.FromDays(1));
        }

        var late = new NotificationReceipt("received-long-ago-settled-now", "auth0", "test", tables.Time.GetUtcNow() - TimeSpan.FromDays(3));
        await tables.Ledger.AdmitAsync(late, CancellationToken.None);
        tables.Time.Advance(TimeSpan.FromDays(8));
        await tables.Ledger.RecordOutcomeAsync(late, new NotificationOutcome(NotificationStatus.Delivered), CancellationToken.None);

        var expired = await tables.AllExpiredAsync(CutoffsAt(tables.Time.GetUtcNow()), pageSize: 4);

        Assert.Equal(written.Order(StringComparer.Ordinal), expired.Select(r => $"{r.Kind}/{SourceIdOf(r.RowKey)}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task FindExpiredAsync_AChannelTheCutoffsDoNotName_IsNeverRead()
    {
        await using var tables = new RetentionTables(fixture);
        await tables.WriteAsync("elsewhere", "some-other-channel", NotificationStatus.Delivered);
        tables.Time.Advance(TimeSpan.FromDays(30));

        Assert.Empty(await tables.AllExpiredAsync(CutoffsAt(tables.Time.GetUtcNow())));
    }

    [Fact]
    public async Task DeleteAsync_ExpiredRows_Gone_ARowChangedSinceReadKept()
    {
        await using var tables = new RetentionTables(fixture);
        await tables.WriteAsync("a", "auth0", NotificationStatus.Delivered);
        var b = await tables.WriteAsync("b", "auth0", NotificationStatus.Delivered);
        await tables.WriteAsync("c", "auth0", NotificationStatus.Rejected);
        tables.Time.Advance(TimeSpan.FromDays(8));
        var expired = await tables.AllExpiredAsync(CutoffsAt(tables.Time.GetUtcNow()));
        await tables.Ledger.RecordDuplicateAsync(b, CancellationToken.None); // Auth0 sent it again after the scan

        var deletion = await tables.Retention.DeleteAsync(expired, CancellationToken.None);

        Assert.Equal(new RetentionDeletion(Deleted: 2, Kept: 1), deletion);
        Assert.Null(await tables.Ledger.FindAsync("a", "auth0", CancellationToken.None));
        Assert.Equal(1, (await tables.Ledger.FindAsync("b", "auth0", CancellationToken.None))!.DuplicatesSeen);
        Assert.Null(await tables.Ledger.FindAsync("c", "auth0", CancellationToken.None));
    }

    [Fact]
    public async Task DeleteAsync_RowsSharingAPartition_GoInOneTransaction()
    {
        // The ledger's partitions are a channel's day split in shards (LedgerKeys): two ids of one shard share one.
        await using var tables = new RetentionTables(fixture);
        var ids = Enumerable.Range(0, 100).Select(i => $"shared-{i}")
            .GroupBy(id => LedgerKeys.PartitionKeyOf(new NotificationReceipt(id, "auth0", "test", tables.Time.GetUtcNow())))
            .First(shard => shard.Count() >= 2).Take(2).ToList();
        await tables.WriteAsync(ids[0], "auth0", NotificationStatus.Delivered);
        await tables.WriteAsync(ids[1], "auth0", NotificationStatus.Delivered);
        tables.Time.Advance(TimeSpan.FromDays(8));
        var expired = await tables.AllExpiredAsync(CutoffsAt(tables.Time.GetUtcNow()));

        var deletion = await tables.Retention.DeleteAsync(expired, CancellationToken.None);

        Assert.Equal((2, 1), (deletion.Deleted, expired.Select(r => r.PartitionKey).Distinct().Count()));
        Assert.Empty(await tables.RowsAsync(tables.NotificationsTable));
    }

    [Fact]
    public async Task FindExpiredAsync_ContactDatesUnwrittenSinceTheCutoff_Found()
    {
        await using var tables = new RetentionTables(fixture);
        await tables.ContactDates.AdvanceAsync("ada@example.com", ContactDate.LastLogin, 1_700_000_000_000, CancellationToken.None);
        // Timestamp is the server's clock (Azurite's), not the fake one: cut off just after now, then long before.
        var serverNow = TimeProvider.System.GetUtcNow();

        var after = await tables.AllExpiredAsync(CutoffsAt(tables.Time.GetUtcNow(), contactDates: serverNow.AddMinutes(5)));
        var before = await tables.AllExpiredAsync(CutoffsAt(tables.Time.GetUtcNow(), contactDates: serverNow.AddDays(-1)));

        Assert.Equal(RetentionKinds.ContactDates, Assert.Single(after).Kind);
        Assert.Empty(before);
    }

    [Fact]
    public async Task HubSpotUsage_DaysBeforeTheCutoffsDay_FoundAndDeleted_LaterDaysKept_NoneWithoutACutoff()
    {
        await using var tables = new RetentionTables(fixture);
        var now = tables.Time.GetUtcNow(); // 2026-06-01 03:00
        var old = new DateTimeOffset(2026, 5, 24, 23, 59, 0, TimeSpan.Zero);
        var kept = new DateTimeOffset(2026, 5, 25, 0, 0, 0, TimeSpan.Zero);
        await tables.Usage.WriteAsync("replica-a", [new(old, 5, 1), new(old.AddMinutes(-1), 2, 0), new(kept, 7, 0)], CancellationToken.None);
        await tables.Usage.WriteAsync("replica-b", [new(old, 1, 0)], CancellationToken.None);
        var cutoffs = CutoffsAt(now) with { HubSpotUsage = now - TimeSpan.FromDays(7) }; // 2026-05-25 03:00: days before the 25th

        var without = await tables.AllExpiredAsync(CutoffsAt(now));
        var expired = await tables.AllExpiredAsync(cutoffs, pageSize: 2);
        var deleted = await tables.Retention.DeleteAsync(expired, CancellationToken.None);
        var left = await tables.Usage.ReadAsync(old.AddDays(-1), kept.AddDays(1), CancellationToken.None);

        Assert.DoesNotContain(without, r => r.Kind == RetentionKinds.HubSpotUsage);
        Assert.Equal((3, RetentionKinds.HubSpotUsage), (expired.Count, expired.Select(r => r.Kind).Distinct().Single()));
        Assert.Equal(new RetentionDeletion(3, 0), deleted);
        Assert.Equal([new Crm.Integration.Connectors.HubSpot.HubSpotUsageMinute(kept, 7, 0)], left);
    }

    /// <summary>The source id in a ledger RowKey (<c>{channel}|{id}</c>, LedgerKeys.RowKeyOf), for the short plain ids of these tests.</summary>
    private static string SourceIdOf(string rowKey) => rowKey[(rowKey.IndexOf('|', StringComparison.Ordinal) + 1)..];

}
