namespace Crm.Integration.Functions.Retention;

/// <summary>
/// Keeps deletions at or under a rate: after each batch it waits until the rows deleted so far would have taken that
/// long at the rate. On the <see cref="TimeProvider"/>, so tests move the clock instead of sleeping.
/// </summary>
internal sealed class RetentionPacer(int rowsPerSecond, TimeProvider time)
{
    private readonly long _started = time.GetTimestamp();
    private long _rows;

    public async Task AfterAsync(int rows, CancellationToken cancellationToken)
    {
        _rows += rows;
        var due = TimeSpan.FromSeconds((double)_rows / rowsPerSecond) - time.GetElapsedTime(_started);
        if (due >= TimeSpan.FromMilliseconds(1)) // a shorter wait is below any timer's resolution
        {
            await Task.Delay(due, time, cancellationToken).ConfigureAwait(false);
        }
    }
}
