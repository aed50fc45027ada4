using System.Diagnostics;
using Crm.Integration.Connectors.HubSpot;
using Microsoft.Extensions.Time.Testing;

using Crm.Integration.Testing;

namespace Crm.Integration.Connectors.Tests.HubSpot;

public sealed class HubSpotRateLimiterTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void AttemptAcquire_CountsAnExactRollingTenSeconds()
    {
        var limiter = new HubSpotRateLimiter(3, 1000, _time);

        Assert.True(limiter.AttemptAcquire().IsAcquired);
        _time.Advance(TimeSpan.FromSeconds(9.5));
        Assert.True(limiter.AttemptAcquire().IsAcquired);
        Assert.True(limiter.AttemptAcquire().IsAcquired);
        Assert.False(limiter.AttemptAcquire().IsAcquired);
        _time.Advance(TimeSpan.FromSeconds(0.4)); // 9.9 s after the first: still inside HubSpot's window
        Assert.False(limiter.AttemptAcquire().IsAcquired);
        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.True(limiter.AttemptAcquire().IsAcquired);
    }

    /// <summary>Issue 18: a share holds only until the others could count this replica gone; the portal's header never raises it.</summary>
    [Fact]
    public void Share_LimitsCalls_ExpiresUnlessRenewed_AndHubSpotsMaxDoesNotUndoIt()
    {
        var limiter = new HubSpotRateLimiter(100, 1000, _time);
        limiter.SetShare(2, _time.GetUtcNow() + TimeSpan.FromSeconds(3));
        limiter.Correct(max: 100, remaining: 98);

        Assert.True(limiter.AttemptAcquire().IsAcquired);
        Assert.True(limiter.AttemptAcquire().IsAcquired);
        Assert.False(limiter.AttemptAcquire().IsAcquired);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.False(limiter.AttemptAcquire().IsAcquired); // the share ran out 7 s ago: paused, not 100
        limiter.SetShare(2, _time.GetUtcNow() + TimeSpan.FromSeconds(3));
        Assert.True(limiter.AttemptAcquire().IsAcquired);
        Assert.Equal((2, 100), (limiter.Limit, limiter.PortalLimit));
    }

    /// <summary>Issue 18: HubSpot's remaining count holds every replica's calls; only what eats into this share's free part counts here.</summary>
    [Fact]
    public void Correct_RemainingOfTheWholePortal_DoesNotCountTheOtherSharesTwice()
    {
        var limiter = new HubSpotRateLimiter(20, 1000, _time);
        limiter.SetShare(10, DateTimeOffset.MaxValue);
        Assert.True(limiter.AttemptAcquire().IsAcquired);

        limiter.Correct(max: 20, remaining: 9); // the other replica spent its 10: this one still has 9 of its own
        Assert.Equal(9, limiter.GetStatistics()!.CurrentAvailablePermits);
        limiter.Correct(max: 20, remaining: 5); // someone spent 4 of this share's part: those count here
        Assert.Equal(5, limiter.GetStatistics()!.CurrentAvailablePermits);
    }

    [Fact]
    public async Task AcquireAsync_WaitsUntilTheOldestCallLeavesTheWindow()
    {
        var limiter = new HubSpotRateLimiter(1, 1000, _time);
        Assert.True(limiter.AttemptAcquire().IsAcquired);

        var waiting = limiter.AcquireAsync().AsTask();
        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(waiting.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.True((await waiting.WaitAsync(TimeSpan.FromSeconds(5))).IsAcquired);
    }

    [Fact]
    public async Task AcquireYieldingAsync_WhileAWriteWaits_GetsATenthOfTheRoom_AndLeavesTheRestToTheWrite()
    {
        var limiter = new HubSpotRateLimiter(20, 1000, _time);
        limiter.SetShare(10, DateTimeOffset.MaxValue);
        for (var i = 0; i < 10; i++)
        {
            Assert.True(limiter.AttemptAcquire().IsAcquired); // contact writes: the whole share
        }

        var write = limiter.AcquireAsync().AsTask(); // waits for the window
        Assert.False(write.IsCompleted);
        limiter.SetShare(20, DateTimeOffset.MaxValue); // room appears while the write still sleeps

        var yielding = new[] { limiter.AcquireYieldingAsync(CancellationToken.None).AsTask(), limiter.AcquireYieldingAsync(CancellationToken.None).AsTask() };
        var third = limiter.AcquireYieldingAsync(CancellationToken.None).AsTask();

        Assert.All(yielding, y => Assert.True(y.IsCompletedSuccessfully)); // a tenth of 20
        Assert.False(third.IsCompleted); // the rest is the waiting write's
        Assert.True(limiter.AttemptAcquire().IsAcquired); // a write is not held back by the waiting status read
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.True((await write.WaitAsync(TimeSpan.FromSeconds(5))).IsAcquired);
        Assert.True((await third.WaitAsync(TimeSpan.FromSeconds(5))).IsAcquired);
    }

    [Fact]
    public async Task AcquireYieldingAsync_WithNothingElseWaiting_TakesTheFreeRoom_ButATenth()
    {
        var limiter = new HubSpotRateLimiter(20, 1000, _time);

        var taken = await TakeYieldingAsync(limiter);

        Assert.Equal(18, taken); // a drain's last status reads are not held to half a budget nobody else wants
        Assert.Equal(2, limiter.GetStatistics()!.CurrentAvailablePermits); // a tenth stays free for a write that comes
        Assert.True(limiter.AttemptAcquire().IsAcquired);
    }

    [Fact]
    public async Task AcquireYieldingAsync_WhileWritesGo_TakesUpToHalfTheWindow_AndTheFreeRoomButATenthOnceTheyStop()
    {
        var limiter = new HubSpotRateLimiter(20, 1000, _time);
        Assert.True(limiter.AttemptAcquire().IsAcquired); // a write went just now

        Assert.Equal(9, await TakeYieldingAsync(limiter)); // 10 of 20 left free for the writes
        _time.Advance(HubSpotRateLimiter.OthersIdleAfter);
        Assert.Equal(8, await TakeYieldingAsync(limiter)); // the writes have stopped: all but a tenth
        Assert.Equal(2, limiter.GetStatistics()!.CurrentAvailablePermits);
    }

    [Fact]
    public async Task AcquireYieldingAsync_WhileABatchWaitsForCapacity_TakesNoMoreThanHalfTheWindow()
    {
        var limiter = new HubSpotRateLimiter(20, 1000, _time);
        limiter.SetShare(0, DateTimeOffset.MaxValue); // no share yet: the batcher waits for capacity
        using var stop = new CancellationTokenSource();
        var batch = limiter.WaitForCapacityAsync(stop.Token).AsTask();
        limiter.SetShare(20, DateTimeOffset.MaxValue); // the share comes while the batcher sleeps

        Assert.Equal(10, await TakeYieldingAsync(limiter)); // no write went yet, but one is waiting
        Assert.False(batch.IsCompleted);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => batch);
        Assert.Equal(8, await TakeYieldingAsync(limiter)); // nobody else wants the room: all but a tenth
    }

    [Fact]
    public void Correct_FewerRemainingThanCounted_TakesHubSpotsWord()
    {
        var limiter = new HubSpotRateLimiter(10, 1000, _time);
        limiter.AttemptAcquire();

        limiter.Correct(max: 10, remaining: 2);

        Assert.Equal(2, limiter.GetStatistics()!.CurrentAvailablePermits);
    }

    [Fact]
    public void Correct_AHigherLimit_RaisesTheBudget()
    {
        var limiter = new HubSpotRateLimiter(100, 1000, _time);

        limiter.Correct(max: 190, remaining: 189);

        Assert.Equal(189, limiter.GetStatistics()!.CurrentAvailablePermits);
    }

    [Fact]
    public void Throttled_TenSecondly_PausesForRetryAfter()
    {
        var limiter = new HubSpotRateLimiter(10, 1000, _time);

        limiter.Throttled("TEN_SECONDLY_ROLLING", TimeSpan.FromSeconds(2));

        Assert.False(limiter.AttemptAcquire().IsAcquired);
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(limiter.AttemptAcquire().IsAcquired);
    }

    [Fact]
    public void DailyCap_SpentUntilTheNextUtcDay()
    {
        var limiter = new HubSpotRateLimiter(10, 2, _time);
        limiter.AttemptAcquire();
        limiter.AttemptAcquire();

        Assert.True(limiter.DailyBudgetSpent);
        _time.Advance(TimeSpan.FromHours(12));
        Assert.False(limiter.DailyBudgetSpent);
    }

    [Fact]
    public async Task AgainstTheSimulator_ABurstLargerThanTheBudget_DrawsNo429AndWaitsForTheWindow()
    {
        await using var simulator = await RunningSimulator.StartAsync(o => o.TenSecondlyLimit = 4);
        await using var connector = new HubSpotConnector(simulator.BaseAddress, settings: new() { ["HubSpot:RequestsPerTenSeconds"] = "4" });
        var clock = Stopwatch.StartNew();

        var calls = Enumerable.Range(0, 6).Select(i =>
            connector.Contacts.UpsertByEmailAsync([new ContactChange($"user{i}@example.com", new Dictionary<string, string> { ["firstname"] = "U" })], CancellationToken.None));
        var outcomes = (await Task.WhenAll(calls)).SelectMany(o => o).ToList();

        Assert.All(outcomes, o => Assert.Equal(UpsertOutcomeKind.Succeeded, o.Kind));
        Assert.Equal(6, simulator.Portal.Contacts.Count);
        Assert.Contains("\"throttled\":0", System.Text.Json.JsonSerializer.Serialize(simulator.Portal.Traffic.Snapshot()), StringComparison.Ordinal);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(9.5), $"6 calls at 4 per 10 s took only {clock.Elapsed}");
    }

    /// <summary>How many status reads go at once, one after another, until one must wait.</summary>
    private static async Task<int> TakeYieldingAsync(HubSpotRateLimiter limiter)
    {
        var taken = 0;
        while (limiter.AcquireYieldingAsync(CancellationToken.None) is { IsCompleted: true } acquired && (await acquired).IsAcquired)
        {
            taken++;
        }

        return taken;
    }
}
