using Crm.Integration.Functions.Retention;
using Microsoft.Extensions.Time.Testing;

namespace Crm.Integration.Functions.Tests.Retention;

/// <summary>The cleanup's pace on a fake clock: the rate bounds it on fast storage, the share of storage's time on slow storage.</summary>
public sealed class RetentionPacerTests
{
    public static TheoryData<string, int, double, int, int, int> Waits => new()
    {
        // because, rows per second, storage share, rows deleted, ms the call took, ms it must wait
        { "fast storage: 20 rows at 200/s wait out the tenth of a second", 200, 0.5, 20, 5, 100 },
        { "storage slower than the rate: the rate alone would not wait, the share waits as long as the call took", 200, 0.5, 20, 400, 400 },
        { "a share of a quarter: three times as long as the call took", 200, 0.25, 20, 400, 1200 },
        { "a page read deletes nothing: only the share makes it wait", 200, 0.5, 0, 1500, 1500 },
        { "a share of 1: the rate alone, as before", 200, 1.0, 20, 400, 100 },
    };

    [Theory]
    [MemberData(nameof(Waits))]
    public async Task AfterACall_WaitsTheLongerOfRateAndShare(string because, int rowsPerSecond, double share, int rows, int tookMs, int waitMs)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 3, 0, 0, TimeSpan.Zero));
        var pacer = new RetentionPacer(rowsPerSecond, share, time);

        var waiting = pacer.AfterAsync(rows, TimeSpan.FromMilliseconds(tookMs), CancellationToken.None);
        time.Advance(TimeSpan.FromMilliseconds(waitMs - 1));
        var doneEarly = waiting.IsCompleted;
        time.Advance(TimeSpan.FromMilliseconds(1));
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.False(doneEarly, because);
    }
}
