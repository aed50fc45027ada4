namespace Crm.Integration.Connectors.HubSpot;

/// <summary>Where the bearer token comes from: a private-app token now; OAuth access tokens later.</summary>
public interface IHubSpotTokenSource
{
    /// <summary>The token to send. With <paramref name="afterRejection"/>, HubSpot refused the last one: get a fresh one.</summary>
    ValueTask<string> GetTokenAsync(bool afterRejection, CancellationToken cancellationToken);
}
