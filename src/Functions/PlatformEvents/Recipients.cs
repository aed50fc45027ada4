using Crm.Integration.Connectors.Auth0;
using Crm.Integration.Functions.Common;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Functions.PlatformEvents;

/// <summary>
/// Auth0 users by id, kept for <see cref="PlatformEventsOptions.RecipientCacheFor"/> so that a burst of emails to one
/// user reads the Management API once. Unknown users are not kept: they may sign up any moment.
/// </summary>
internal sealed class Recipients(IAuth0Users auth0, IOptions<PlatformEventsOptions> options, TimeProvider time)
{
    private readonly TimedCache<string, Auth0User> _users = new(options.Value.RecipientCacheFor, time);

    public bool CanResolve => auth0.IsConfigured;

    /// <summary>The user, or null when Auth0 does not know the id. Throws <see cref="Auth0UnavailableException"/>.</summary>
    public async Task<Auth0User?> FindAsync(string userId, CancellationToken cancellationToken)
    {
        if (_users.TryGet(userId, out var cached))
        {
            return cached;
        }

        var user = await auth0.GetUserAsync(userId, cancellationToken).ConfigureAwait(false);
        if (user is not null)
        {
            _users.Set(userId, user);
        }

        return user;
    }

    /// <summary>Forgets the cached profiles of a person (an erasure): by user id, and any whose email is theirs.</summary>
    public int Forget(string? userId, string? normalizedEmail) =>
        _users.RemoveWhere((id, user) => id == userId || (normalizedEmail is not null && string.Equals(user.Email?.Trim(), normalizedEmail, StringComparison.OrdinalIgnoreCase)));
}
