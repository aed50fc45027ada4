namespace Crm.Integration.Functions.Auth0Events;

/// <summary>The ledger channel of everything that came from the Auth0 log stream.</summary>
internal static class Auth0Channel
{
    public const string Name = "auth0";
}
