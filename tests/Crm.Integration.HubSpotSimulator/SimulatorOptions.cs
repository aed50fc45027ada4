using System.ComponentModel.DataAnnotations;

namespace Crm.Integration.HubSpotSimulator;

/// <summary>The portal being simulated. Bound from section <c>Simulator</c>; changeable at run time through <c>PUT /_simulator/settings</c>.</summary>
public sealed class SimulatorOptions
{
    /// <summary>Requests per rolling ten seconds (HubSpot: 100 Free/Starter, 190 Professional/Enterprise).</summary>
    [Range(1, 100_000)]
    public int TenSecondlyLimit { get; set; } = 100;

    [Range(1, 100_000_000)]
    public int DailyLimit { get; set; } = 250_000;

    [Range(1, 1000)]
    public int MaxBatchSize { get; set; } = 100;

    /// <summary>Added to every API call, to look like a remote service.</summary>
    [Range(0, 60_000)]
    public int LatencyMilliseconds { get; set; }

    /// <summary>Share of API calls answered 502/503 before doing anything, to exercise retries.</summary>
    [Range(0.0, 1.0)]
    public double FaultRate { get; set; }

    /// <summary>When set, the only private-app token accepted (tokens issued through OAuth are accepted too); otherwise any bearer token is.</summary>
    public string? AccessToken { get; set; }

    /// <summary>The OAuth app and the refresh token <c>POST /oauth/v1/token</c> accepts; no refresh token set: every refresh is refused.</summary>
    public string OAuthClientId { get; set; } = "simulator-client";

    public string OAuthClientSecret { get; set; } = "simulator-secret";

    public string? OAuthRefreshToken { get; set; }

    /// <summary>Lifetime of issued access tokens (HubSpot: 1800 s).</summary>
    [Range(1, 86_400)]
    public int OAuthTokenLifetimeSeconds { get; set; } = 1800;

    /// <summary>Contact properties that exist in the portal; writing another is rejected as HubSpot does.</summary>
    public string[] ContactProperties { get; set; } =
    [
        "email", "firstname", "lastname", "platform_user_id", "auth0_user_id", "registration_date", "last_login_date",
        "last_task_signup_date", "last_task_name", "last_task_project_name",
    ];

    /// <summary>The portal's marketing emails (id → name), which <c>GET /marketing/v3/emails/{id}</c> finds.</summary>
    public Dictionary<string, string> MarketingEmails { get; set; } = new()
    {
        ["4242"] = "Welcome (the sample template's email)",
        ["13"] = "Retired welcome (disabled)",
    };
}
