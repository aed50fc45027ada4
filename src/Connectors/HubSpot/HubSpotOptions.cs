using System.ComponentModel.DataAnnotations;

namespace Crm.Integration.Connectors.HubSpot;

/// <summary>How the hub proves itself to HubSpot.</summary>
public enum HubSpotAuthentication
{
    /// <summary>A private-app access token (secret <c>HubSpotAccessToken</c>).</summary>
    PrivateApp,

    /// <summary>An OAuth app: access tokens from the refresh token (secrets <c>HubSpotClientId</c>, <c>HubSpotClientSecret</c>, <c>HubSpotRefreshToken</c>).</summary>
    OAuth,
}

/// <summary>The HubSpot portal and its budget. Bound from the <c>HubSpot</c> configuration section.</summary>
public sealed class HubSpotOptions
{
    public const string SectionName = "HubSpot";

    /// <summary>API root: <c>https://api.hubapi.com</c>, or the simulator (<c>http://127.0.0.1:7080</c>).</summary>
    [Required]
    public Uri BaseAddress { get; set; } = new("https://api.hubapi.com");

    public HubSpotAuthentication Authentication { get; set; } = HubSpotAuthentication.PrivateApp;

    /// <summary>An OAuth access token is renewed this long before HubSpot says it expires (they live about 30 minutes).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:15:00")]
    public TimeSpan TokenRefreshMargin { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>After HubSpot refused the refresh token, how often the hub tries again (reading the secret anew).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ReauthorizationRetryInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Requests per rolling ten seconds for this app (Free/Starter 100, Professional/Enterprise 190).</summary>
    [Range(1, 10_000)]
    public int RequestsPerTenSeconds { get; set; } = 100;

    /// <summary>Requests per day for the account (Free/Starter 250,000).</summary>
    [Range(1, 100_000_000)]
    public int DailyLimit { get; set; } = 250_000;

    /// <summary>Inputs per batch call; HubSpot allows at most 100.</summary>
    [Range(1, 100)]
    public int MaxBatchSize { get; set; } = 100;

    /// <summary>One attempt's timeout.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Retries after the first attempt for transient answers (429, 423, 477, 5xx, timeouts).</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 4;

    /// <summary>First retry delay; doubles with jitter, unless HubSpot says how long to wait.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How often each replica writes its per-minute usage (calls, 429s) to storage, the running minute included: the
    /// usage chart lags at most this much.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan UsageFlushInterval { get; set; } = TimeSpan.FromSeconds(20);
}
