using Crm.Integration.Connectors.Http;

namespace Crm.Integration.Connectors.HubSpot;

/// <summary>Where the bearer token comes from: a private-app token, or OAuth access tokens from a refresh token.</summary>
public interface IHubSpotTokenSource : IBearerTokenSource
{
    // GetTokenAsync (IBearerTokenSource) throws HubSpotAuthorizationException when no token can be had until someone
    // re-authorises the app.

    /// <summary>Why the hub cannot call HubSpot until someone acts (e.g. a refused refresh token), or null.</summary>
    string? AuthorizationProblem { get; }

    /// <summary>
    /// Completes when <see cref="AuthorizationProblem"/> next appears or clears. Take it before reading the problem,
    /// so that a change in between is not missed: who reacts to the problem waits on this instead of polling.
    /// </summary>
    Task AuthorizationChanged { get; }
}

/// <summary>HubSpot will not issue tokens to the hub until the app is re-authorised; retrying now is pointless.</summary>
public sealed class HubSpotAuthorizationException : Exception
{
    public HubSpotAuthorizationException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public HubSpotAuthorizationException()
    {
    }

    public HubSpotAuthorizationException(string message)
        : base(message)
    {
    }
}
