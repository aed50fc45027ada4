namespace Crm.Integration.Connectors.ServiceBus;

/// <summary>Exponential backoff with full jitter, so that many receivers do not reconnect in step.</summary>
internal static class ReconnectBackoff
{
    public static TimeSpan Delay(int failures, TimeSpan min, TimeSpan max)
    {
        var exponent = Math.Clamp(failures - 1, 0, 16);
        var ceiling = Math.Min(max.TotalMilliseconds, min.TotalMilliseconds * Math.Pow(2, exponent));
        var jittered = min.TotalMilliseconds + (Random.Shared.NextDouble() * (ceiling - min.TotalMilliseconds));
        return TimeSpan.FromMilliseconds(jittered);
    }
}
