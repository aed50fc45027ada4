using System.Diagnostics;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Crm.Integration.Connectors.HubSpot;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Testing.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Request = WireMock.RequestBuilders.Request;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Crm.Integration.Connectors.Tests.HubSpot;

/// <summary>
/// The per-minute usage record on Azurite: replicas' rows summed on reading, counts kept through a storage outage
/// (a real refused connection) and written when it is back, and HubSpot calls that never wait on storage.
/// </summary>
[Collection(SharedStackCollection.Name)]
public sealed class HubSpotUsageTests(SharedStackFixture fixture) : IDisposable
{
    private static readonly DateTimeOffset FiveAm = new(2026, 12, 2, 5, 0, 0, TimeSpan.Zero);
    private readonly string _table = $"Usage{Guid.NewGuid():N}"[..20];
    private readonly FakeTimeProvider _time = new(FiveAm + TimeSpan.FromSeconds(5));
    private readonly StorageFault _fault = new();
    private readonly WireMockServer _hubSpot = WireMockServer.Start();

    [Fact]
    public async Task ReadAsync_TwoReplicas_SummedPerMinute_WindowBoundsHonoured_WritingAgainChangesNothing()
    {
        var usage = Usage();
        var (a, flushA) = Replica(usage);
        var (b, flushB) = Replica(usage);
        Count(a, 3, 1);
        Count(b, 2, 0);
        _time.Advance(TimeSpan.FromMinutes(1));
        Count(a, 4, 2);

        Assert.True(await flushA.FlushAsync(CancellationToken.None));
        Assert.True(await flushB.FlushAsync(CancellationToken.None));
        Assert.True(await flushA.FlushAsync(CancellationToken.None)); // nothing new: no write, nothing doubled
        await usage.WriteAsync(a.ReplicaId, [new HubSpotUsageMinute(FiveAm, 3, 1)], CancellationToken.None); // the same totals again
        var both = await usage.ReadAsync(FiveAm, FiveAm.AddMinutes(2), CancellationToken.None);
        var second = await usage.ReadAsync(FiveAm.AddMinutes(1), FiveAm.AddMinutes(2), CancellationToken.None);
        var before = await usage.ReadAsync(FiveAm.AddMinutes(-10), FiveAm, CancellationToken.None);

        Assert.Equal([new HubSpotUsageMinute(FiveAm, 5, 1), new HubSpotUsageMinute(FiveAm.AddMinutes(1), 4, 2)], both);
        Assert.Equal([new HubSpotUsageMinute(FiveAm.AddMinutes(1), 4, 2)], second);
        Assert.Empty(before);
    }

    [Fact]
    public async Task Flush_StorageDown_KeepsTheCounts_WritesThemAllWhenItIsBack()
    {
        var usage = Usage();
        var (counter, flusher) = Replica(usage);
        Count(counter, 3, 0);
        Assert.True(await flusher.FlushAsync(CancellationToken.None));

        _fault.Down = true;
        Count(counter, 2, 1); // the running minute goes on
        _time.Advance(TimeSpan.FromMinutes(1));
        Count(counter, 4, 0);
        var duringOutage = await flusher.FlushAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(10)); // past the time written minutes are kept: unwritten ones stay regardless
        var stillDown = await flusher.FlushAsync(CancellationToken.None);
        _fault.Down = false;
        var readBeforeRewrite = await usage.ReadAsync(FiveAm, FiveAm.AddMinutes(2), CancellationToken.None);
        var afterOutage = await flusher.FlushAsync(CancellationToken.None);
        var read = await usage.ReadAsync(FiveAm, FiveAm.AddMinutes(2), CancellationToken.None);

        Assert.Equal((false, false, true), (duringOutage, stillDown, afterOutage));
        Assert.True(_fault.Refused > 0, "the outage was a refused connection, not a skipped write");
        Assert.Equal([new HubSpotUsageMinute(FiveAm, 3, 0)], readBeforeRewrite);
        Assert.Equal([new HubSpotUsageMinute(FiveAm, 5, 1), new HubSpotUsageMinute(FiveAm.AddMinutes(1), 4, 0)], read);
        Assert.Empty(counter.Unwritten());
    }

    [Fact]
    public async Task HubSpotCalls_WhileStorageHangs_DoNotWait_AndAreCounted()
    {
        _hubSpot.Given(Request.Create().WithPath("/crm/v3/objects/contacts/1").UsingGet()).RespondWith(Response.Create().WithStatusCode(200).WithBody("{}"));
        _hubSpot.Given(Request.Create().WithPath("/crm/v3/objects/contacts/2").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(429).WithBody("""{"status":"error","policyName":"TEN_SECONDLY_ROLLING"}"""));
        var usage = Usage();
        var (counter, flusher) = Replica(usage);
        Count(counter, 1, 0);
        Assert.True(await flusher.FlushAsync(CancellationToken.None)); // the table exists; from now on storage hangs
        _fault.Hang = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Count(counter, 1, 0); // something for the hanging flush to write
        var hangingFlush = flusher.FlushAsync(CancellationToken.None);
        using var http = new HttpClient(new HubSpotCallMetricsHandler(TestMetrics.Hub(), counter) { InnerHandler = new HttpClientHandler() })
        {
            BaseAddress = new Uri(_hubSpot.Url!),
        };

        var watch = Stopwatch.StartNew();
        for (var i = 0; i < 10; i++)
        {
            using var ok = await http.GetAsync(new Uri("/crm/v3/objects/contacts/1", UriKind.Relative));
            using var throttled = await http.GetAsync(new Uri("/crm/v3/objects/contacts/2", UriKind.Relative));
        }

        var callsTook = watch.Elapsed;
        var flushStillHanging = !hangingFlush.IsCompleted;
        _fault.Hang.SetResult();
        await hangingFlush;
        Assert.True(await flusher.FlushAsync(CancellationToken.None));
        var read = await usage.ReadAsync(FiveAm, FiveAm.AddMinutes(1), CancellationToken.None);

        Assert.True(flushStillHanging, "storage hung for the whole time the calls were made");
        Assert.True(callsTook < TimeSpan.FromSeconds(5), $"20 HubSpot calls took {callsTook} while storage hung");
        Assert.Equal([new HubSpotUsageMinute(FiveAm, 22, 10)], read);
    }

    [Fact]
    public void Counter_StorageAwayLongerThanItKeeps_DropsTheOldestMinutes_NotTheNewest()
    {
        var counter = new HubSpotUsageCounter(_time);
        for (var i = 0; i < HubSpotUsageCounter.MaxMinutesKept + 3; i++)
        {
            counter.Count(200);
            _time.Advance(TimeSpan.FromMinutes(1));
        }

        var dropped = counter.Trim();
        var kept = counter.Unwritten();

        Assert.Equal(3, dropped);
        Assert.Equal(HubSpotUsageCounter.MaxMinutesKept, kept.Count);
        Assert.Equal(FiveAm.AddMinutes(3), kept[0].Minute);
    }

    /// <summary><paramref name="calls"/> answered calls, <paramref name="throttled"/> of them 429s.</summary>
    private static void Count(HubSpotUsageCounter counter, int calls, int throttled)
    {
        for (var i = 0; i < calls - throttled; i++)
        {
            counter.Count(200);
        }

        for (var i = 0; i < throttled; i++)
        {
            counter.Count(429);
        }
    }

    private (HubSpotUsageCounter Counter, HubSpotUsageFlusher Flusher) Replica(IHubSpotUsage usage)
    {
        var counter = new HubSpotUsageCounter(_time);
        return (counter, new HubSpotUsageFlusher(counter, usage, Options.Create(new HubSpotOptions()), _time, NullLogger<HubSpotUsageFlusher>.Instance));
    }

    private TableHubSpotUsage Usage()
    {
        var clientOptions = new TableClientOptions();
        clientOptions.Retry.MaxRetries = 0;
        clientOptions.AddPolicy(_fault, HttpPipelinePosition.PerRetry);
        return new TableHubSpotUsage(new TableServiceClient(fixture.Stack.TableConnectionString, clientOptions), Options.Create(new StorageOptions { OperationsTable = _table }));
    }

    public void Dispose() => _hubSpot.Stop();

    /// <summary>Storage as it fails: down (each request sent to a closed port, refused) or hanging (no answer until released).</summary>
    private sealed class StorageFault : HttpPipelinePolicy
    {
        public volatile bool Down;
        public TaskCompletionSource? Hang;
        private int _refused;

        public int Refused => _refused;

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) => throw new NotSupportedException("async only");

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (Hang is { } hang)
            {
                await hang.Task.ConfigureAwait(false);
            }

            if (Down)
            {
                Interlocked.Increment(ref _refused);
                message.Request.Uri.Port = 1;
            }

            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        }
    }
}
