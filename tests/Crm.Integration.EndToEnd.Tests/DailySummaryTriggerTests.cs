using Crm.Integration.Connectors.HubSpot;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.Summaries;
using Crm.Integration.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Crm.Integration.EndToEnd.Tests;

/// <summary>
/// The <c>DailySummary</c> trigger of two replicas on one fake clock, sharing the real lease, ledger and usage tables
/// on Azurite: each occurrence computes the previous UTC day once, on one of them, and nothing runs before it.
/// </summary>
public sealed class DailySummaryTriggerTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Day = new(2026, 6, 1);
    private readonly FakeTimeProvider _time = new(Start);
    private readonly FakeLogger<DailySummaryJob> _log = new();
    // The trigger logs each occurrence it waits for (2620): the clock moves only once both replicas wait on it. Since .NET 10
    // a BackgroundService starts on the thread pool, so under load a replica could read the clock after it was moved
    // (and wait for the next day's occurrence) or before and set its timer after.
    private readonly FakeLogger<DailySummaryTrigger> _scheduled = new();
    private ServiceProvider _storage = null!;

    public async Task InitializeAsync()
    {
        await TestStack.Shared.UpAsync();
        var table = $"Sum{Guid.NewGuid():N}"[..20];
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = TestStack.Shared.TableConnectionString,
            ["Storage:NotificationsTable"] = table,
            ["Storage:OperationsTable"] = table + "Ops",
        }).Build();
        _storage = new ServiceCollection().AddLogging().AddSingleton<TimeProvider>(_time).AddTableStorage(configuration).BuildServiceProvider();
    }

    [Fact]
    public async Task Trigger_TwoReplicas_ComputeThePreviousDayOnce_AtTheOccurrence_NotBefore()
    {
        var ledger = _storage.GetRequiredService<INotificationLedger>();
        var summaries = _storage.GetRequiredService<IDailySummaries>();
        var login = new NotificationReceipt("summary-login", "auth0", "user-login", Start);
        await ledger.AdmitAsync(login, CancellationToken.None);
        await ledger.RecordOutcomeAsync(login, new NotificationOutcome(NotificationStatus.Delivered), CancellationToken.None);
        await _storage.GetRequiredService<IHubSpotUsage>().WriteAsync("replica-a", [new HubSpotUsageMinute(Start, 40, 2)], CancellationToken.None);
        var options = Options.Create(new SummaryOptions());
        using var replicaA = Trigger(options);
        using var replicaB = Trigger(options);
        await replicaA.StartAsync(CancellationToken.None);
        await replicaB.StartAsync(CancellationToken.None);
        await BothWaitingAsync(occurrences: 1);

        _time.Advance(TimeSpan.FromHours(12) + TimeSpan.FromMinutes(5)); // 00:05 the next day: before the occurrence
        await Task.Delay(300);
        var before = await summaries.GetAsync(Day, CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(5)); // 00:10
        var stored = await Eventually.GetAsync(() => summaries.GetAsync(Day, CancellationToken.None), TimeSpan.FromSeconds(10), "the summary of the day");
        await Task.Delay(500); // time for a second (wrong) run to show
        var runs = SummaryLines();
        await BothWaitingAsync(occurrences: 2);
        _time.Advance(TimeSpan.FromDays(1));
        await Eventually.TrueAsync(() => Task.FromResult(SummaryLines() > 1), TimeSpan.FromSeconds(10), "the next day's run");
        await Task.Delay(500);
        var runsAfterTwoDays = SummaryLines();
        await replicaA.StopAsync(CancellationToken.None);
        await replicaB.StopAsync(CancellationToken.None);

        Assert.Null(before);
        Assert.Equal((1, 2), (runs, runsAfterTwoDays));
        Assert.Contains("\"events\":[{\"type\":\"user-login\",\"status\":\"Delivered\",\"count\":1}]", stored.Json, StringComparison.Ordinal);
        Assert.Contains("\"hubSpot\":{\"calls\":40,\"throttled\":2,\"dailyLimit\":250000", stored.Json, StringComparison.Ordinal);
        Assert.Contains("\"complete\":true", stored.Json, StringComparison.Ordinal);
        Assert.NotNull(await summaries.GetAsync(Day.AddDays(1), CancellationToken.None));
        var line = _log.Collector.GetSnapshot().First(r => r.Id.Id == 2623);
        Assert.Contains("Daily summary 2026-06-01 (complete True): 1 events, 1 delivered", line.Message, StringComparison.Ordinal);
    }

    private Task BothWaitingAsync(int occurrences) => Eventually.TrueAsync(
        () => Task.FromResult(_scheduled.Collector.GetSnapshot().Count(r => r.Id.Id == 2620) >= 2 * occurrences), TimeSpan.FromSeconds(10), $"both replicas to wait for occurrence {occurrences}");

    private int SummaryLines() => _log.Collector.GetSnapshot().Count(r => r.Id.Id == 2623);

    private DailySummaryTrigger Trigger(IOptions<SummaryOptions> options)
    {
        var job = new DailySummaryJob(
            _storage.GetRequiredService<ILedgerReader>(), _storage.GetRequiredService<IHubSpotUsage>(), _storage.GetRequiredService<IDailySummaries>(),
            _storage.GetRequiredService<IJobLeases>(), options, Options.Create(new HubSpotOptions()), _time, _log);
        return new DailySummaryTrigger(job, options, _time, _scheduled);
    }

    public async Task DisposeAsync() => await _storage.DisposeAsync();
}
