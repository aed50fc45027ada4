using System.Diagnostics;

namespace Crm.Integration.Testing;

/// <summary>Polls for a condition that asynchronous work makes true, failing with a message when it does not come.</summary>
public static class Eventually
{
    public static async Task<T> GetAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what)
        where T : class
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"Waited {timeout.TotalSeconds:F0} s for {what}.");
            }

            await Task.Delay(50);
        }
    }

    public static async Task TrueAsync(Func<Task<bool>> probe, TimeSpan timeout, string what)
    {
        await GetAsync<object>(async () => await probe() ? new object() : null, timeout, what);
    }
}
