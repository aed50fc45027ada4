using Crm.Integration.Connectors.Secrets;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Testing.Fakes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Crm.Integration.Connectors.Tests.Storage;

/// <summary>
/// The storage connector on tables of its own in the shared Azurite, on a fake clock (the ledger's UpdatedAt), with a
/// fingerprint key in an in-memory secret store unless told otherwise.
/// </summary>
internal sealed class RetentionTables : IAsyncDisposable
{
    public const string FingerprintKey = "test-person-key";
    public static readonly DateTimeOffset Start = new(2026, 6, 1, 3, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _provider;

    public RetentionTables(SharedStackFixture fixture, bool withKey = true)
    {
        var table = $"Ret{Guid.NewGuid():N}"[..20];
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = fixture.Stack.TableConnectionString,
            ["Storage:NotificationsTable"] = table,
            ["Storage:ContactDatesTable"] = table + "Dates",
            ["Storage:OperationsTable"] = table + "Ops",
            ["Storage:ContactDatesRemembered"] = "0",
        }).Build();
        var secrets = new InMemorySecretStore();
        if (withKey)
        {
            secrets.Source[SecretNames.PersonFingerprintKey] = FingerprintKey;
        }

        _provider = new ServiceCollection().AddLogging().AddSingleton<TimeProvider>(Time).AddSingleton<ISecretStore>(secrets)
            .AddTableStorage(configuration).BuildServiceProvider();
        NotificationsTable = table;
    }

    public FakeTimeProvider Time { get; } = new(Start);

    public string NotificationsTable { get; }

    public INotificationLedger Ledger => _provider.GetRequiredService<INotificationLedger>();

    public IContactDates ContactDates => _provider.GetRequiredService<IContactDates>();

    public IRetentionStore Retention => _provider.GetRequiredService<IRetentionStore>();

    public ILedgerReader Reader => _provider.GetRequiredService<ILedgerReader>();

    public IPersonRecords People => _provider.GetRequiredService<IPersonRecords>();

    public IJobLeases Leases => _provider.GetRequiredService<IJobLeases>();

    public IOperationsAudit Audit => _provider.GetRequiredService<IOperationsAudit>();

    public IHubSpotUsage Usage => _provider.GetRequiredService<IHubSpotUsage>();

    public Azure.Data.Tables.TableClient Table(string name) => _provider.GetRequiredService<Azure.Data.Tables.TableServiceClient>().GetTableClient(name);

    /// <summary>A row admitted now and settled (or not) with <paramref name="status"/> now.</summary>
    public async Task<NotificationReceipt> WriteAsync(string id, string channel, NotificationStatus status, PersonIds? person = null, string? recipient = null)
    {
        var receipt = new NotificationReceipt(id, channel, "test", Time.GetUtcNow(), person);
        await Ledger.AdmitAsync(receipt, CancellationToken.None);
        if (status != NotificationStatus.Received)
        {
            await Ledger.RecordOutcomeAsync(receipt, new NotificationOutcome(status, Recipient: recipient, Person: person), CancellationToken.None);
        }

        return receipt;
    }

    /// <summary>Every page of the scan, in order.</summary>
    public async Task<List<ExpiredRow>> AllExpiredAsync(RetentionCutoffs cutoffs, int pageSize = 1000)
    {
        var rows = new List<ExpiredRow>();
        string? continuation = null;
        do
        {
            var page = await Retention.FindExpiredAsync(cutoffs, pageSize, continuation, CancellationToken.None);
            rows.AddRange(page.Rows);
            continuation = page.Continuation;
        }
        while (continuation is not null);
        return rows;
    }

    public async Task<List<Azure.Data.Tables.TableEntity>> RowsAsync(string table)
    {
        var rows = new List<Azure.Data.Tables.TableEntity>();
        await foreach (var row in Table(table).QueryAsync<Azure.Data.Tables.TableEntity>())
        {
            rows.Add(row);
        }

        return rows;
    }

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}
