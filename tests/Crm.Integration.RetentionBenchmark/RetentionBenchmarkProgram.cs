using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.Retention;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Crm.Integration.RetentionBenchmark;

/// <summary>
/// <c>dotnet run -c Release --project tests/Crm.Integration.RetentionBenchmark -- [--table-port 10040] [--rows 1000000]
/// [--kept-rows 250000] [--rates 200,1000] [--phase-seconds 30] [--storage-share 0.5] [--dry-run 1] [--existing-table name|find [--unpaced 1 | --rates … | --pages 3]]</c> against an Azurite already running (in memory, see scripts/stack.sh):
/// seeds expired rows and rows to keep in the ledger's layout (keyed by channel and day: the cleanup reads the expired
/// days' partitions only), then measures, with a live-path probe running throughout (a ledger admit and an
/// outcome every 20 ms: what the drain does per event, and the webhook per rejected entry), the probe alone, the
/// cleanup paced at each rate for a while, and the cleanup unpaced until the table is empty.
/// </summary>
public static class RetentionBenchmarkProgram
{
    public static async Task Main(string[] args)
    {
        var port = Arg(args, "--table-port", 10040);
        var rows = Arg(args, "--rows", 1_000_000);
        var phaseSeconds = Arg(args, "--phase-seconds", 30);
        var kept = Arg(args, "--kept-rows", 250_000);
        var rates = (ArgText(args, "--rates") ?? "200,1000").Split(',').Select(r => int.Parse(r, CultureInfo.InvariantCulture)).ToArray();
        var share = double.Parse(ArgText(args, "--storage-share") ?? "0.5", CultureInfo.InvariantCulture);
        var connection = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
            "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
            $"TableEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";
        var existing = ArgText(args, "--existing-table") is "find" ? await LedgerLeftByAnEarlierRunAsync(connection) : ArgText(args, "--existing-table");
        var table = existing ?? $"Retention{Guid.NewGuid():N}"[..20];
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = connection,
            ["Storage:NotificationsTable"] = table,
            ["Storage:ContactDatesTable"] = table + "Dates",
            ["Storage:OperationsTable"] = table + "Ops",
            ["Storage:NetworkTimeout"] = ArgText(args, "--network-timeout") ?? "00:00:10",
        }).Build();
        await using var storage = new ServiceCollection().AddLogging().AddTableStorage(configuration).BuildServiceProvider();
        var ledger = storage.GetRequiredService<INotificationLedger>();
        var lines = new List<string> { $"# Retention: {rows:N0} expired ledger rows and {kept:N0} to keep, on Azurite (in memory, port {port})", "" };
        void Say(string line)
        {
            Console.WriteLine("[retention-bench] " + line);
            lines.Add(line);
        }

        if (existing is not null)
        {
            // --unpaced 1: clean the seeded table to the end (a table an earlier run left half done); else a few pages.
            await (Arg(args, "--unpaced", 0) == 1 ? UnpacedAsync(storage, ledger, new TableClient(connection, table), kept, Say)
                : ArgText(args, "--rates") is not null ? PacedAsync(storage, ledger, rates, share, phaseSeconds, Say)
                : PagesAsync(storage, ledger, Arg(args, "--pages", 3), Say));
            await WriteAsync(args, lines);
            return;
        }

        var seeded = await SeedAsync(new TableClient(connection, table), rows, kept);
        Say($"- seeded {rows:N0} expired rows (delivered 8 days ago) and {kept:N0} to keep (delivered yesterday) in {seeded.TotalSeconds:F0} s ({(rows + kept) / seeded.TotalSeconds:F0} rows/s)");
        await ledger.AdmitAsync(new NotificationReceipt("warm-up", "auth0", "probe", TimeProvider.System.GetUtcNow()), CancellationToken.None);

        var probe = await ProbeAsync(ledger, null, TimeSpan.FromSeconds(phaseSeconds));
        Say($"- live path alone: {probe}");

        var clock = Stopwatch.StartNew();
        if (Arg(args, "--dry-run", 1) == 1) // --dry-run 0: a table so large that Azurite's scan alone would take most of a session
        {
            var counted = await Cleanup(storage, rowsPerSecond: 1).TryRunAsync(dryRun: true, occurrence: null, "benchmark", CancellationToken.None);
            Say($"- dry run (the scan alone): {counted!.Expired:N0} expired rows counted in {clock.Elapsed.TotalSeconds:F0} s ({counted.Expired / clock.Elapsed.TotalSeconds:F0} rows/s)");
        }

        await PacedAsync(storage, ledger, rates, share, phaseSeconds, Say);
        await UnpacedAsync(storage, ledger, new TableClient(connection, table), kept, Say);
        await WriteAsync(args, lines);
    }

    /// <summary>The cleanup at each rate (and the storage share) for a while, with the live-path probe running; deletions counted as they go.</summary>
    private static async Task PacedAsync(ServiceProvider storage, INotificationLedger ledger, int[] rates, double share, int phaseSeconds, Action<string> say)
    {
        foreach (var rate in rates)
        {
            var counted = new CountingStore(storage.GetRequiredService<IRetentionStore>());
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(phaseSeconds));
            var clock = Stopwatch.StartNew();
            var during = ProbeAsync(ledger, stop.Token, TimeSpan.FromSeconds(phaseSeconds));
            try
            {
                await Cleanup(storage, rate, share, counted).TryRunAsync(dryRun: false, occurrence: null, "benchmark", stop.Token);
            }
            catch (OperationCanceledException)
            {
                // the phase is over; the run would go on
            }

            var (took, live) = (clock.Elapsed, await during);
            say(string.Create(CultureInfo.InvariantCulture,
                $"- paced at {rate} rows/s, storage share {share}, for {phaseSeconds} s: {counted.Deleted:N0} deleted ({counted.Deleted / took.TotalSeconds:F0} rows/s); live path meanwhile: {live}"));
        }
    }

    /// <summary>The store as the cleanup uses it, counting the rows it deletes.</summary>
    private sealed class CountingStore(IRetentionStore inner) : IRetentionStore
    {
        private int _deleted;

        public int Deleted => Volatile.Read(ref _deleted);

        public Task<ExpiredPage> FindExpiredAsync(RetentionCutoffs cutoffs, int pageSize, string? continuation, CancellationToken cancellationToken) =>
            inner.FindExpiredAsync(cutoffs, pageSize, continuation, cancellationToken);

        public async Task<RetentionDeletion> DeleteAsync(IReadOnlyList<ExpiredRow> rows, CancellationToken cancellationToken)
        {
            var done = await inner.DeleteAsync(rows, cancellationToken);
            Interlocked.Add(ref _deleted, done.Deleted);
            return done;
        }
    }

    /// <summary>The cleanup unpaced until nothing expired is left, with the live-path probe running.</summary>
    private static async Task UnpacedAsync(ServiceProvider storage, INotificationLedger ledger, TableClient table, int kept, Action<string> say)
    {
        using var untilDone = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var unpacedProbe = ProbeAsync(ledger, untilDone.Token, TimeSpan.FromHours(2));
        var report = await Cleanup(storage, 100_000).TryRunAsync(dryRun: false, occurrence: null, "benchmark", CancellationToken.None);
        await untilDone.CancelAsync();
        say($"- unpaced (RowsPerSecond 100000): {report!.Deleted:N0} deleted in {clock.Elapsed.TotalSeconds:F0} s ({report.Deleted / clock.Elapsed.TotalSeconds:F0} rows/s; kept {report.Kinds.Values.Sum(k => k.Kept)}); live path meanwhile: {await unpacedProbe}");
        say($"- rows left: {await CountAsync(table):N0} (of the seeded kind: the {kept:N0} kept)");
    }

    /// <summary>The ledger table an earlier run seeded on this Azurite (its name is the only one of 20 characters).</summary>
    private static async Task<string> LedgerLeftByAnEarlierRunAsync(string connection)
    {
        await foreach (var item in new TableServiceClient(connection).QueryAsync(filter: "TableName ge 'Retention' and TableName lt 'Retentioo'"))
        {
            if (item.Name.StartsWith("Retention", StringComparison.Ordinal) && item.Name.Length == 20)
            {
                return item.Name;
            }
        }

        throw new InvalidOperationException("No ledger table of an earlier run on this Azurite.");
    }

    private static async Task WriteAsync(string[] args, List<string> lines)
    {
        if (ArgText(args, "--output") is { } output)
        {
            await File.WriteAllLinesAsync(output, lines);
        }
    }

    /// <summary>
    /// A table seeded before: the store's calls one page at a time, timed apart (the scan's page, then its deletes),
    /// with the live-path probe running — for a table too large to clean in a session.
    /// </summary>
    private static async Task PagesAsync(ServiceProvider storage, INotificationLedger ledger, int pages, Action<string> say)
    {
        var store = storage.GetRequiredService<IRetentionStore>();
        var now = TimeProvider.System.GetUtcNow();
        var cutoffs = new RetentionCutoffs(new Dictionary<string, DateTimeOffset> { ["auth0"] = now.AddDays(-7), ["email"] = now.AddDays(-400) }, now.AddDays(-30));
        using var stop = new CancellationTokenSource();
        var probe = ProbeAsync(ledger, stop.Token, TimeSpan.FromHours(1));
        string? continuation = null;
        for (var i = 0; i < pages; i++)
        {
            var clock = Stopwatch.StartNew();
            var page = await store.FindExpiredAsync(cutoffs, 1000, continuation, CancellationToken.None);
            var found = clock.Elapsed;
            clock.Restart();
            var deletion = await store.DeleteAsync(page.Rows, CancellationToken.None);
            say(string.Create(CultureInfo.InvariantCulture,
                $"- page {i + 1}: {page.Rows.Count} expired rows found in {found.TotalSeconds:F1} s; {deletion.Deleted} deleted in {clock.Elapsed.TotalSeconds:F1} s ({deletion.Deleted / clock.Elapsed.TotalSeconds:F0} rows/s)"));
            continuation = page.Continuation;
        }

        await stop.CancelAsync();
        say($"- live path meanwhile: {await probe}");
    }

    private static NotificationsCleanup Cleanup(ServiceProvider storage, int rowsPerSecond, double storageShare = 1.0, IRetentionStore? store = null) => new(
        store ?? storage.GetRequiredService<IRetentionStore>(), storage.GetRequiredService<IJobLeases>(), storage.GetRequiredService<IOperationsAudit>(),
        Options.Create(new RetentionOptions { RowsPerSecond = rowsPerSecond, StorageShare = storageShare }), TimeProvider.System, NullLogger<NotificationsCleanup>.Instance);

    /// <summary>
    /// Rows as the ledger writes them (<see cref="LedgerKeys"/>): <paramref name="rows"/> logins settled 8 days ago,
    /// past <c>Retention:Processed</c>, and <paramref name="kept"/> settled yesterday, which the cleanup must not even
    /// read. Entity-group transactions of 100 rows of one partition, 8 in flight.
    /// </summary>
    private static async Task<TimeSpan> SeedAsync(TableClient table, int rows, int kept)
    {
        await table.CreateIfNotExistsAsync();
        var now = TimeProvider.System.GetUtcNow();
        var clock = Stopwatch.StartNew();
        var done = 0;
        TableEntity Row(int i)
        {
            var endedAt = i < rows ? now.AddDays(-8) : now.AddDays(-1);
            var id = $"seed-{i:D8}";
            return new TableEntity(LedgerKeys.PartitionKeyOf(new NotificationReceipt(id, "auth0", "user-login", endedAt)), LedgerKeys.RowKeyOf(id, "auth0"))
            {
                ["SourceId"] = id, ["Type"] = "user-login", ["Status"] = "Delivered", ["ReceivedAt"] = endedAt, ["UpdatedAt"] = endedAt, ["Attempts"] = 1, ["HubSpotId"] = "1001",
            };
        }

        var groups = Enumerable.Range(0, rows + kept).Select(Row).GroupBy(r => r.PartitionKey).SelectMany(g => g.Chunk(100)).ToList();
        await Parallel.ForEachAsync(groups, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (group, ct) =>
        {
            await table.SubmitTransactionAsync(group.Select(row => new TableTransactionAction(TableTransactionActionType.Add, row)), ct);
            var before = Interlocked.Add(ref done, group.Length) - group.Length;
            if (before / 100_000 != (before + group.Length) / 100_000)
            {
                Console.WriteLine($"[retention-bench] seeded {before + group.Length:N0} in {clock.Elapsed.TotalSeconds:F0} s");
            }
        });
        return clock.Elapsed;
    }

    /// <summary>The live path's storage calls, one event every 20 ms: admit, then record the outcome. p50/p99/max per event.</summary>
    private static async Task<string> ProbeAsync(INotificationLedger ledger, CancellationToken? stop, TimeSpan longest)
    {
        var latencies = new List<double>();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < longest && stop?.IsCancellationRequested != true)
        {
            var id = $"probe-{Guid.NewGuid():N}";
            var one = Stopwatch.StartNew();
            var probe = new NotificationReceipt(id, "auth0", "probe", TimeProvider.System.GetUtcNow());
            await ledger.AdmitAsync(probe, CancellationToken.None);
            await ledger.RecordOutcomeAsync(probe, new NotificationOutcome(NotificationStatus.Delivered), CancellationToken.None);
            latencies.Add(one.Elapsed.TotalMilliseconds);
            try
            {
                await Task.Delay(20, stop ?? CancellationToken.None);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        latencies.Sort();
        double At(double p) => latencies.Count == 0 ? 0 : latencies[Math.Clamp((int)Math.Ceiling(p / 100 * latencies.Count) - 1, 0, latencies.Count - 1)];
        return string.Create(CultureInfo.InvariantCulture, $"{latencies.Count} events, admit+outcome p50 {At(50):F1} ms, p99 {At(99):F1} ms, max {At(100):F1} ms");
    }

    private static async Task<long> CountAsync(TableClient table)
    {
        long count = 0;
        await foreach (var page in table.QueryAsync<TableEntity>("Status eq 'Delivered' and Type eq 'user-login'", 1000, ["PartitionKey"]).AsPages())
        {
            count += page.Values.Count;
        }

        return count;
    }

    private static int Arg(string[] args, string name, int fallback) =>
        ArgText(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    private static string? ArgText(string[] args, string name) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
