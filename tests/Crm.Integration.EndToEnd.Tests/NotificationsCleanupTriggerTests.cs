using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.Retention;
using Crm.Integration.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Crm.Integration.EndToEnd.Tests;

/// <summary>
/// The timer trigger of two replicas on one fake clock, with the real lease and ledger on Azurite: each occurrence of
/// the schedule runs the cleanup once, on one of them, and nothing runs between occurrences.
/// </summary>
public sealed class NotificationsCleanupTriggerTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start - TimeSpan.FromDays(8));
    private ServiceProvider _storage = null!;

    public async Task InitializeAsync()
    {
        await TestStack.Shared.UpAsync();
        var table = $"Trig{Guid.NewGuid():N}"[..20];
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = TestStack.Shared.TableConnectionString,
            ["Storage:NotificationsTable"] = table,
            ["Storage:ContactDatesTable"] = table + "Dates",
            ["Storage:OperationsTable"] = table + "Ops",
        }).Build();
        _storage = new ServiceCollection().AddLogging().AddSingleton<TimeProvider>(_time).AddTableStorage(configuration).BuildServiceProvider();
    }

    [Fact]
    public async Task Trigger_TwoReplicas_EachOccurrenceRunsOnce_NothingBetween()
    {
        var ledger = _storage.GetRequiredService<INotificationLedger>();
        var audit = _storage.GetRequiredService<IOperationsAudit>();
        var oldLogin = new NotificationReceipt("old-login", "auth0", "user-login", _time.GetUtcNow());
        await ledger.AdmitAsync(oldLogin, CancellationToken.None);
        await ledger.RecordOutcomeAsync(oldLogin, new NotificationOutcome(NotificationStatus.Delivered), CancellationToken.None);
        _time.SetUtcNow(Start);
        var options = Options.Create(new RetentionOptions { Schedule = "0 0 3 * * *", RowsPerSecond = 100_000 });
        using var replicaA = Trigger(options);
        using var replicaB = Trigger(options);
        await replicaA.StartAsync(CancellationToken.None);
        await replicaB.StartAsync(CancellationToken.None);

        _time.Advance(TimeSpan.FromHours(14)); // 02:00 the next day: before the occurrence
        await Task.Delay(300);
        var before = await audit.RecentAsync(OperationActions.RetentionRun, 10, CancellationToken.None);
        _time.Advance(TimeSpan.FromHours(1)); // 03:00
        await Eventually.TrueAsync(async () => (await audit.RecentAsync(OperationActions.RetentionRun, 10, CancellationToken.None)).Count > 0, TimeSpan.FromSeconds(10), "the first run");
        await Task.Delay(500); // time for a second (wrong) run to show
        var first = await audit.RecentAsync(OperationActions.RetentionRun, 10, CancellationToken.None);
        var deleted = await ledger.FindAsync("old-login", "auth0", CancellationToken.None) is null;
        _time.Advance(TimeSpan.FromDays(1));
        await Eventually.TrueAsync(async () => (await audit.RecentAsync(OperationActions.RetentionRun, 10, CancellationToken.None)).Count > 1, TimeSpan.FromSeconds(10), "the second run");
        await Task.Delay(500);
        var second = await audit.RecentAsync(OperationActions.RetentionRun, 10, CancellationToken.None);
        await replicaA.StopAsync(CancellationToken.None);
        await replicaB.StopAsync(CancellationToken.None);

        Assert.Empty(before);
        Assert.Single(first);
        Assert.Equal("schedule", first[0].By);
        Assert.True(deleted, "the 8-day-old delivered row is gone after the first run");
        Assert.Equal(2, second.Count);
    }

    private NotificationsCleanupTrigger Trigger(IOptions<RetentionOptions> options)
    {
        var cleanup = new NotificationsCleanup(
            _storage.GetRequiredService<IRetentionStore>(), _storage.GetRequiredService<IJobLeases>(), _storage.GetRequiredService<IOperationsAudit>(),
            options, _time, NullLogger<NotificationsCleanup>.Instance);
        return new NotificationsCleanupTrigger(cleanup, options, _time, NullLogger<NotificationsCleanupTrigger>.Instance);
    }

    public async Task DisposeAsync() => await _storage.DisposeAsync();
}
