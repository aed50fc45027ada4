using Crm.Integration.Connectors.HubSpot;
using Crm.Integration.Connectors.Storage;

namespace Crm.Integration.Connectors.Tests.Storage;

[Collection(SharedStackCollection.Name)]
public sealed class TablePersonRecordsTests(SharedStackFixture fixture)
{
    private const string Email = "Ada.Lovelace@Example.com";
    private const string UserId = "google-oauth2|1815";

    [Fact]
    public async Task EraseAsync_ByEmail_RemovesTheirLedgerRowsAndContactDates_KeepsOthers()
    {
        await using var tables = new RetentionTables(fixture);
        await WritePersonAsync(tables);
        await tables.WriteAsync("grace-login", "auth0", NotificationStatus.Delivered, new PersonIds("grace@example.com", "auth0|grace"));
        await tables.ContactDates.AdvanceAsync("grace@example.com", ContactDate.LastLogin, 1_700_000_000_000, CancellationToken.None);

        var erased = await tables.People.EraseAsync(new PersonIds(Email, null), CancellationToken.None);

        Assert.Equal(new PersonRecordsErased(LedgerRows: 3, ContactDates: 2, LedgerSearchable: true), erased);
        Assert.Equal(["grace-login"], (await tables.RowsAsync(tables.NotificationsTable)).Select(r => r.GetString("SourceId")));
        Assert.NotNull(await tables.ContactDates.GetAsync("grace@example.com", ContactDate.LastLogin, CancellationToken.None));
        Assert.Null(await tables.ContactDates.GetAsync("ada.lovelace@example.com", ContactDate.LastLogin, CancellationToken.None));
    }

    [Fact]
    public async Task EraseAsync_ByAuth0UserIdAlone_FindsTheirEmailRowsThroughTheLogin()
    {
        await using var tables = new RetentionTables(fixture);
        await WritePersonAsync(tables);

        var erased = await tables.People.EraseAsync(new PersonIds(null, UserId), CancellationToken.None);

        Assert.Equal((3, 0), (erased.LedgerRows, erased.ContactDates)); // dates are keyed by the email, which was not given
        Assert.Empty(await tables.RowsAsync(tables.NotificationsTable));
    }

    [Fact]
    public async Task EraseAsync_EmailRowWrittenBeforeFingerprints_FoundByItsRecipient()
    {
        await using var tables = new RetentionTables(fixture, withKey: false);
        await tables.WriteAsync("old-send", "email", NotificationStatus.Delivered, recipient: PersonalData.Fingerprint(Email));
        await tables.WriteAsync("old-login", "auth0", NotificationStatus.Delivered, new PersonIds(Email, UserId));

        var erased = await tables.People.EraseAsync(new PersonIds(Email, null), CancellationToken.None);

        Assert.Equal((1, false), (erased.LedgerRows, erased.LedgerSearchable));
        Assert.Equal(["old-login"], (await tables.RowsAsync(tables.NotificationsTable)).Select(r => r.GetString("SourceId"))); // names nobody: not findable
    }

    [Fact]
    public async Task Ledger_PersonColumns_HoldKeyedFingerprints_NeverTheAddressOrId()
    {
        await using var tables = new RetentionTables(fixture);
        await WritePersonAsync(tables);

        var rows = await tables.RowsAsync(tables.NotificationsTable);

        var values = rows.SelectMany(r => r.Select(column => column.Value)).OfType<string>().ToList();
        Assert.DoesNotContain(values, v => v.Contains("lovelace", StringComparison.OrdinalIgnoreCase) || v.Contains(UserId, StringComparison.Ordinal));
        var login = rows.Single(r => r.GetString("SourceId") == "ada-login");
        Assert.StartsWith("h1:", login.GetString("PersonEmail"), StringComparison.Ordinal);
        Assert.StartsWith("h1:", login.GetString("PersonUser"), StringComparison.Ordinal);
        Assert.Equal(login.GetString("PersonEmail"), rows.Single(r => r.GetString("SourceId") == "ada-send").GetString("PersonEmail")); // normalised alike
    }

    /// <summary>A login (user id on arrival, email learnt later), an email sent to them, a task signup, two contact dates.</summary>
    private static async Task WritePersonAsync(RetentionTables tables)
    {
        var login = new NotificationReceipt("ada-login", "auth0", "user-login", tables.Time.GetUtcNow(), new PersonIds(null, UserId));
        await tables.Ledger.AdmitAsync(login, CancellationToken.None);
        await tables.Ledger.RecordOutcomeAsync(login, new NotificationOutcome(NotificationStatus.Delivered, Person: new PersonIds(Email.ToLowerInvariant(), UserId)), CancellationToken.None);
        await tables.WriteAsync("ada-send", "email", NotificationStatus.Delivered, new PersonIds(" " + Email, null), PersonalData.Fingerprint(Email));
        await tables.WriteAsync("ada-task", "task-signup", NotificationStatus.Delivered, new PersonIds(Email, null));
        await tables.ContactDates.AdvanceAsync(Email.ToLowerInvariant(), ContactDate.LastLogin, 1_700_000_000_000, CancellationToken.None);
        await tables.ContactDates.AdvanceAsync(Email.ToLowerInvariant(), ContactDate.LastTaskSignup, 1_700_000_000_000, CancellationToken.None);
    }
}
