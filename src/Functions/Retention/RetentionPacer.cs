namespace Crm.Integration.Functions.Retention;

/// <summary>
/// Keeps the cleanup's use of storage bounded two ways: deletions at or under a rate (after each batch it waits until
/// the rows deleted so far would have taken that long at the rate), and at most a share of storage's time (after each
/// call it waits in proportion to how long the call took). The rate alone never waits once storage is slower than the
/// rate — then the share is what leaves storage to the live path. On the <see cref="TimeProvider"/>, so tests move
/// the clock instead of sleeping.
/// </summary>
internal sealed class RetentionPacer(int rowsPerSecond, double storageShare, TimeProvider time)
{
    private readonly long _started = time.GetTimestamp();
    private long _rows;

    /// <param name="rows">Rows the call deleted (0 for a page read).</param>
    /// <param name="storageTook">How long the call held storage.</param>
    public async Task AfterAsync(int rows, TimeSpan storageTook, CancellationToken cancellationToken)
    {
        _rows += rows;
        var byRate = TimeSpan.FromSeconds((double)_rows / rowsPerSecond) - time.GetElapsedTime(_started);
        var byShare = storageTook * ((1 - storageShare) / storageShare);
        var due = byRate > byShare ? byRate : byShare;
        if (due >= TimeSpan.FromMilliseconds(1)) // a shorter wait is below any timer's resolution
        {
            await Task.Delay(due, time, cancellationToken).ConfigureAwait(false);
        }
    }
}
