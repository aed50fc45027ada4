using Azure.Data.Tables;
using Crm.Integration.Connectors.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Integration.Connectors.Tests.Storage;

/// <summary>The <c>EmailTemplates</c> table against Azurite: the handler's read, and every admin write with its audit entry.</summary>
[Collection(SharedStackCollection.Name)]
public sealed class TableEmailTemplatesTests(SharedStackFixture fixture) : IAsyncDisposable
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 9, 30, 0, TimeSpan.Zero);
    private readonly string _table = $"Templates{Guid.NewGuid():N}"[..24];
    private ServiceProvider? _provider;

    private IEmailTemplateAdmin Admin => Provider.GetRequiredService<IEmailTemplateAdmin>();

    private IEmailTemplates Reader => Provider.GetRequiredService<IEmailTemplates>();

    private ServiceProvider Provider => _provider ??= new ServiceCollection().AddLogging().AddTableStorage(
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = fixture.Stack.TableConnectionString,
            ["Storage:EmailTemplatesTable"] = _table,
        }).Build()).BuildServiceProvider();

    [Fact]
    public async Task CreateAsync_ThenGetAsync_RoundTripsEveryField_AndUnknownOrImpossibleNamesAreNull()
    {
        var template = Template("welcome.v2");

        var created = await Admin.CreateAsync(template, CancellationToken.None);
        var read = await Reader.GetAsync("welcome.v2", CancellationToken.None);

        Assert.Equal(TemplateWriteStatus.Saved, created.Status);
        Assert.False(string.IsNullOrEmpty(created.Version));
        Assert.NotNull(read);
        Assert.Equal((template.HubSpotEmailId, template.From, template.Description, template.ChangedBy, template.ChangedAt), (read.HubSpotEmailId, read.From, read.Description, read.ChangedBy, read.ChangedAt));
        Assert.Equal(template.ReplyTo, read.ReplyTo);
        Assert.Equal(template.Cc, read.Cc);
        Assert.Equal(template.ContactProperties, read.ContactProperties);
        Assert.Equal(template.CustomProperties, read.CustomProperties);
        Assert.Null(await Reader.GetAsync("nope", CancellationToken.None));
        Assert.Null(await Reader.GetAsync("bad/name?", CancellationToken.None));
    }

    [Fact]
    public async Task CreateAsync_NameTaken_IsAlreadyExists_AndTheFirstStays()
    {
        await Admin.CreateAsync(Template("taken"), CancellationToken.None);

        var second = await Admin.CreateAsync(Template("taken") with { HubSpotEmailId = 99 }, CancellationToken.None);

        Assert.Equal(TemplateWriteStatus.AlreadyExists, second.Status);
        Assert.Equal(4242, (await Reader.GetAsync("taken", CancellationToken.None))!.HubSpotEmailId);
        Assert.Single((await Admin.HistoryAsync("taken", 10, null, CancellationToken.None)).Items);
    }

    [Fact]
    public async Task ReplaceAsync_AtTheVersionRead_SavesANewVersion_AndRecordsBeforeAndAfter()
    {
        var created = await Admin.CreateAsync(Template("edit"), CancellationToken.None);
        var edited = Template("edit") with { HubSpotEmailId = 77, ChangedBy = "bob", ChangedAt = At.AddMinutes(5) };

        var replaced = await Admin.ReplaceAsync(edited, created.Version!, CancellationToken.None);

        Assert.Equal(TemplateWriteStatus.Saved, replaced.Status);
        Assert.NotEqual(created.Version, replaced.Version);
        Assert.Equal(replaced.Version, (await Admin.FindAsync("edit", CancellationToken.None))!.Version);
        var history = (await Admin.HistoryAsync("edit", 10, null, CancellationToken.None)).Items;
        Assert.Equal([TemplateChangeActions.Replaced, TemplateChangeActions.Created], history.Select(h => h.Action));
        Assert.Equal(("bob", At.AddMinutes(5), 4242L, 77L), (history[0].ChangedBy, history[0].ChangedAt, history[0].Before!.HubSpotEmailId, history[0].After!.HubSpotEmailId));
        Assert.Equal(("alice", (EmailTemplate?)null), (history[1].ChangedBy, history[1].Before));
    }

    [Fact]
    public async Task ReplaceAsync_RowChangedSinceRead_IsStale_AndNothingIsWrittenOrRecorded()
    {
        var created = await Admin.CreateAsync(Template("race"), CancellationToken.None);
        await Admin.ReplaceAsync(Template("race") with { HubSpotEmailId = 1, ChangedAt = At.AddMinutes(1) }, created.Version!, CancellationToken.None);

        var late = await Admin.ReplaceAsync(Template("race") with { HubSpotEmailId = 2, ChangedAt = At.AddMinutes(2) }, created.Version!, CancellationToken.None);

        Assert.Equal(TemplateWriteStatus.Stale, late.Status);
        Assert.Equal(1, (await Reader.GetAsync("race", CancellationToken.None))!.HubSpotEmailId);
        Assert.Equal(2, (await Admin.HistoryAsync("race", 10, null, CancellationToken.None)).Items.Count);
    }

    [Fact]
    public async Task ReplaceAndDelete_NoSuchTemplate_AreNotFound()
    {
        Assert.Equal(TemplateWriteStatus.NotFound, (await Admin.ReplaceAsync(Template("ghost"), "*", CancellationToken.None)).Status);
        Assert.Equal(TemplateWriteStatus.NotFound, (await Admin.DeleteAsync("ghost", "*", "alice", At, CancellationToken.None)).Status);
        Assert.Empty((await Admin.HistoryAsync("ghost", 10, null, CancellationToken.None)).Items);
    }

    [Fact]
    public async Task DeleteAsync_RemovesTheMapping_KeepsTheHistory_AndTheNameCanBeCreatedAgain()
    {
        var created = await Admin.CreateAsync(Template("gone"), CancellationToken.None);
        Assert.Equal(TemplateWriteStatus.Stale, (await Admin.DeleteAsync("gone", "W/\"datetime'2000-01-01T00%3A00%3A00Z'\"", "bob", At.AddMinutes(1), CancellationToken.None)).Status);

        var deleted = await Admin.DeleteAsync("gone", created.Version!, "bob", At.AddMinutes(2), CancellationToken.None);
        await Admin.CreateAsync(Template("gone") with { ChangedAt = At.AddMinutes(3) }, CancellationToken.None);

        Assert.Equal(TemplateWriteStatus.Saved, deleted.Status);
        var history = (await Admin.HistoryAsync("gone", 10, null, CancellationToken.None)).Items;
        Assert.Equal([TemplateChangeActions.Created, TemplateChangeActions.Deleted, TemplateChangeActions.Created], history.Select(h => h.Action));
        Assert.Equal(("bob", 4242L, (EmailTemplate?)null), (history[1].ChangedBy, history[1].Before!.HubSpotEmailId, history[1].After));
    }

    [Fact]
    public async Task CreateAndReplace_WithoutWhoOrWhen_AreRefused_BecauseTheAuditEntryNeedsThem()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Admin.CreateAsync(Template("anon") with { ChangedBy = null }, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Admin.ReplaceAsync(Template("anon") with { ChangedAt = null }, "*", CancellationToken.None));
        Assert.Null(await Reader.GetAsync("anon", CancellationToken.None));
    }

    [Fact]
    public async Task ListAsync_PagesThroughEveryTemplateInNameOrder_WithoutHistoryRows()
    {
        string[] names = ["e-five", "a-one", "c-three", "b-two", "d-four"];
        foreach (var name in names)
        {
            var created = await Admin.CreateAsync(Template(name), CancellationToken.None);
            await Admin.ReplaceAsync(Template(name) with { ChangedAt = At.AddMinutes(1) }, created.Version!, CancellationToken.None);
        }

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await Admin.ListAsync(2, token, CancellationToken.None);
            Assert.True(page.Items.Count <= 2);
            seen.AddRange(page.Items.Select(i => i.Template.Name));
            token = page.ContinuationToken;
            pages++;
        }
        while (token is not null && pages < 10);

        Assert.Equal(names.Order(StringComparer.Ordinal), seen);
    }

    [Fact]
    public async Task ListAsync_TokenThisApiDidNotIssue_IsRefusedAsInvalid()
    {
        await Admin.CreateAsync(Template("any"), CancellationToken.None);

        await Assert.ThrowsAsync<InvalidContinuationTokenException>(() => Admin.ListAsync(2, "not base64url!", CancellationToken.None));
    }

    [Theory]
    [InlineData("HubSpotEmailId", "0", "HubSpotEmailId")]
    [InlineData("ContactProperties", "firstname,lastname", "ContactProperties")]
    [InlineData("Cc", "[null]", "Cc")]
    public async Task GetAsync_HandEditedRowThatIsNotATemplate_IsReportedNamingTheColumn(string column, string value, string said)
    {
        var table = Provider.GetRequiredService<TableServiceClient>().GetTableClient(_table);
        await table.CreateIfNotExistsAsync();
        var row = new TableEntity("broken", EmailTemplateRows.MappingRow) { ["HubSpotEmailId"] = 42L };
        row[column] = value;
        await table.AddEntityAsync(row);

        var error = await Assert.ThrowsAsync<EmailTemplateInvalidException>(() => Reader.GetAsync("broken", CancellationToken.None));

        Assert.Contains(said, error.Message, StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        if (_provider is not null)
        {
            await _provider.GetRequiredService<TableServiceClient>().DeleteTableAsync(_table);
            await _provider.DisposeAsync();
        }
    }

    private static EmailTemplate Template(string name) => new(
        name,
        4242,
        "Team <team@platform.example>",
        ["reply@platform.example"],
        ["cc1@platform.example", "cc2@platform.example"],
        [],
        [new TemplateProperty("firstname", true)],
        [new TemplateProperty("activation_url", true), new TemplateProperty("promo", false)],
        "Sent after signup",
        "alice",
        At);
}
