using Azure;

namespace Crm.Integration.Connectors.Storage;

/// <summary>
/// The one rule for what a failed storage request means: no answer, a timeout, throttling or a 5xx is an outage (try
/// again later); any other refusal is permanent. Callers handle the answers they expect (404, 409, 412) before this.
/// </summary>
internal static class StorageFailures
{
    public static Exception Classify(RequestFailedException ex, string what)
    {
        ArgumentNullException.ThrowIfNull(ex);
        var message = $"{what} ({ex.Status} {ex.ErrorCode}): {ex.Message.Split('\n')[0]}";
        return IsOutage(ex.Status) ? new StorageUnavailableException(message, ex) : new StorageRefusedException(message, ex);
    }

    /// <summary>
    /// The SDK's answer when every one of its retries failed without a response (connection refused while Azurite or
    /// the account is down): an outage, as the chaos run's Azurite kill showed — uncaught, each message was abandoned at once.
    /// </summary>
    public static StorageUnavailableException Unreachable(AggregateException ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        return new StorageUnavailableException($"Table Storage cannot be reached: {ex.InnerExceptions.LastOrDefault()?.Message ?? ex.Message}", ex);
    }

    /// <summary>0 is the SDK's "no response" (connection refused, reset, DNS).</summary>
    public static bool IsOutage(int status) => status is 0 or 408 or 429 or >= 500;
}
