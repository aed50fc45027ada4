using System.ComponentModel.DataAnnotations;

namespace Crm.Integration.Connectors.Auth0;

/// <summary>The Auth0 tenant whose Management API the hub reads users from. Section <c>Auth0</c>.</summary>
public sealed class Auth0Options
{
    public const string SectionName = "Auth0";

    /// <summary>
    /// The tenant's address, e.g. <c>https://my-tenant.eu.auth0.com/</c>; token and API calls go there. Empty: no user
    /// is read, and events are handled with what their logs carry.
    /// </summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>The Management API audience; by default <c>{BaseAddress}api/v2/</c>.</summary>
    public string? Audience { get; set; }

    /// <summary>How long before its expiry a cached token is replaced.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan TokenRefreshMargin { get; set; } = TimeSpan.FromMinutes(5);

    public string EffectiveAudience => Audience ?? new Uri(BaseAddress ?? throw new InvalidOperationException("Auth0:BaseAddress is not set."), "api/v2/").ToString();
}
