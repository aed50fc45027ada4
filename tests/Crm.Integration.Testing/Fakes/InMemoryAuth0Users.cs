using Crm.Integration.Connectors.Auth0;

namespace Crm.Integration.Testing.Fakes;

public sealed class InMemoryAuth0Users : IAuth0Users
{
    public Dictionary<string, Auth0User> Users { get; } = new(StringComparer.Ordinal);

    public bool IsConfigured { get; set; } = true;

    public bool Unavailable { get; set; }

    public int Reads { get; private set; }

    public Task<Auth0User?> GetUserAsync(string userId, CancellationToken cancellationToken)
    {
        Reads++;
        return Unavailable
            ? throw new Auth0UnavailableException("Auth0 is down (test).")
            : Task.FromResult(Users.GetValueOrDefault(userId));
    }
}
