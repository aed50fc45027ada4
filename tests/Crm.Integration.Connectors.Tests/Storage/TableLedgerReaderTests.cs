using Crm.Integration.Connectors.Storage;

namespace Crm.Integration.Connectors.Tests.Storage;

[Collection(SharedStackCollection.Name)]
public sealed class TableLedgerReaderTests(SharedStackFixture fixture)
{
    private static readonly string[] Channels = ["auth0", "email", "platform"];

    [Fact]
    public async Task ReadAll_TheWindowOnly_AcrossChannelsAndDays()
    {
        await using var tables = new RetentionTables(fixture);
        await tables.WriteAsync("before", "auth0", NotificationStatus.Delivered);
        tables.Time.Advance(TimeSpan.FromHours(1));
        var since = tables.Time.GetUtcNow();
        await tables.WriteAsync("login-1", "auth0", NotificationStatus.Delivered);
        await tables.WriteAsync("send-1", "email", NotificationStatus.Rejected);
        tables.Time.Advance(TimeSpan.FromDays(1)); // the next UTC day: other partitions
        await tables.WriteAsync("login-2", "auth0", NotificationStatus.Failed);
        await tables.WriteAsync("other-channel", "task-signup", NotificationStatus.Delivered);
        var until = tables.Time.GetUtcNow().AddSeconds(1);
        tables.Time.Advance(TimeSpan.FromHours(1));
        await tables.WriteAsync("after", "platform", NotificationStatus.Delivered);

        var ids = await IdsAsync(tables.Reader.ReadAllAsync(new LedgerQuery(Channels, since, until), CancellationToken.None));

        Assert.Equal(["login-1", "login-2", "send-1"], ids.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ReadAll_ByStatusTypeAndPerson()
    {
        await using var tables = new RetentionTables(fixture);
        var ada = new PersonIds("Ada@Example.com", "auth0|ada");
        var since = tables.Time.GetUtcNow();
        await tables.WriteAsync("ada-login", "auth0", NotificationStatus.Delivered, new PersonIds(null, "auth0|ada"));
        await tables.WriteAsync("ada-send", "email", NotificationStatus.Rejected, new PersonIds("ada@example.com", null));
        await tables.WriteAsync("bob-send", "email", NotificationStatus.Rejected, new PersonIds("bob@example.com", null));
        var window = new LedgerQuery(Channels, since, since.AddMinutes(1));

        var rejected = await IdsAsync(tables.Reader.ReadAllAsync(window with { Status = NotificationStatus.Rejected }, CancellationToken.None));
        var typed = await IdsAsync(tables.Reader.ReadAllAsync(window with { Type = "test" }, CancellationToken.None));
        var adas = await IdsAsync(tables.Reader.ReadAllAsync(window with { Person = ada }, CancellationToken.None));
        var byUserOnly = await IdsAsync(tables.Reader.ReadAllAsync(window with { Person = new PersonIds(null, "auth0|ada") }, CancellationToken.None));

        var byEmailOnly = await IdsAsync(tables.Reader.ReadAllAsync(window with { Person = new PersonIds("ada@example.com", null) }, CancellationToken.None));
        Assert.Equal(["ada-login"], byUserOnly);
        Assert.Equal(["ada-send"], byEmailOnly);
        Assert.Equal(["ada-send", "bob-send"], rejected.Order(StringComparer.Ordinal));
        Assert.Equal(3, typed.Count);
        Assert.Equal(["ada-login", "ada-send"], adas.Order(StringComparer.Ordinal));
        Assert.Equal(["ada-login"], byUserOnly);
    }

    [Fact]
    public async Task ReadAll_APersonWithoutAFingerprintKey_MatchesNothing()
    {
        await using var tables = new RetentionTables(fixture, withKey: false);
        var since = tables.Time.GetUtcNow();
        await tables.WriteAsync("someone", "auth0", NotificationStatus.Delivered, new PersonIds(null, "auth0|ada"));

        var found = await IdsAsync(tables.Reader.ReadAllAsync(new LedgerQuery(Channels, since, since.AddMinutes(1), Person: new PersonIds(null, "auth0|ada")), CancellationToken.None));

        Assert.Empty(found);
    }

    [Fact]
    public async Task ReadPage_PagesThroughEveryRowOnce_AcrossChannels()
    {
        await using var tables = new RetentionTables(fixture);
        var since = tables.Time.GetUtcNow();
        var written = new List<string>();
        foreach (var channel in Channels)
        {
            for (var i = 0; i < 7; i++)
            {
                written.Add($"{channel}-{i}");
                await tables.WriteAsync($"{channel}-{i}", channel, NotificationStatus.Delivered);
            }
        }

        var query = new LedgerQuery(Channels, since, since.AddMinutes(1));
        var seen = new List<string>();
        var pages = 0;
        string? cursor = null;
        do
        {
            var page = await tables.Reader.ReadPageAsync(query, 4, cursor, CancellationToken.None);
            Assert.InRange(page.Records.Count, 1, 4);
            seen.AddRange(page.Records.Select(r => r.SourceId));
            cursor = page.Next;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(written.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
        Assert.Equal(6, pages); // 21 rows in pages of 4: a page fills across channels
    }

    [Theory]
    [InlineData("not base64 !")]
    [InlineData("OS5hYmM")] // "9.abc": a channel index the query does not have
    [InlineData("YWJj")] // "abc": no index at all
    public async Task ReadPage_ACursorItDidNotGiveOut_IsAFormatException(string cursor)
    {
        await using var tables = new RetentionTables(fixture);

        await Assert.ThrowsAsync<FormatException>(() =>
            tables.Reader.ReadPageAsync(new LedgerQuery(Channels, tables.Time.GetUtcNow(), tables.Time.GetUtcNow().AddMinutes(1)), 10, cursor, CancellationToken.None));
    }

    private static async Task<List<string>> IdsAsync(IAsyncEnumerable<NotificationRecord> records)
    {
        var ids = new List<string>();
        await foreach (var record in records)
        {
            ids.Add(record.SourceId);
        }

        return ids;
    }
}
