using System.Diagnostics;
using System.Text.Json.Nodes;
using Azure.Data.Tables;

namespace Crm.Integration.Benchmark;

/// <summary>
/// Azurite's own ceiling, measured in the same run with nothing else on it: requests per second under a plain load of
/// single-row writes, and rows per second written as entity-group transactions of 100 — printed beside the hub's own
/// storage requests per second over the drain, so that the report shows whether the emulator or the hub binds.
/// </summary>
internal static class StorageCeiling
{
    public static async Task<JsonObject> MeasureAsync(string connectionString, TimeSpan duration, double hubRequestsPerSecond)
    {
        var table = new TableClient(connectionString, $"Ceiling{Guid.NewGuid():N}"[..20]);
        await table.CreateIfNotExistsAsync();
        try
        {
            // As the hub spreads its rows: a few partitions, many writers at once.
            var single = await LoadAsync(inFlight: 32, duration, async i =>
            {
                await table.UpsertEntityAsync(new TableEntity($"single|{i % 8}", $"{i:D10}") { ["V"] = i }, TableUpdateMode.Replace);
                return 1;
            });
            var transactions = await LoadAsync(inFlight: 8, duration, async i =>
            {
                await table.SubmitTransactionAsync(Enumerable.Range(0, 100).Select(row =>
                    new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity($"batch|{i % 8}", $"{i:D10}-{row:D3}") { ["V"] = row })));
                return 100;
            });
            return new JsonObject
            {
                ["seconds"] = duration.TotalSeconds,
                ["singleWriteRequestsPerSecond"] = Math.Round(single.Requests, 1),
                ["transactionRequestsPerSecond"] = Math.Round(transactions.Requests, 1),
                ["transactionRowsPerSecond"] = Math.Round(transactions.Rows, 1),
                ["hubStorageRequestsPerSecond"] = Math.Round(hubRequestsPerSecond, 1),
                ["hubShareOfSingleWriteCeiling"] = Math.Round(hubRequestsPerSecond / Math.Max(single.Requests, 0.001), 3),
            };
        }
        finally
        {
            await table.DeleteAsync();
        }
    }

    /// <summary>Runs <paramref name="write"/> from <paramref name="inFlight"/> loops for the duration; requests and rows per second.</summary>
    private static async Task<(double Requests, double Rows)> LoadAsync(int inFlight, TimeSpan duration, Func<int, Task<int>> write)
    {
        var next = -1;
        long requests = 0, rows = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(async _ =>
        {
            while (clock.Elapsed < duration)
            {
                var written = await write(Interlocked.Increment(ref next));
                Interlocked.Increment(ref requests);
                Interlocked.Add(ref rows, written);
            }
        }));
        var seconds = clock.Elapsed.TotalSeconds;
        return (requests / seconds, rows / seconds);
    }
}
