using System.Text.Json.Serialization;

namespace Crm.Integration.Connectors.Auth0;

/// <summary>The parts of an Auth0 user profile the hub uses.</summary>
public sealed record Auth0User(
    [property: JsonPropertyName("user_id")] string UserId,
    [property: JsonPropertyName("email")] string? Email,
    [property: JsonPropertyName("given_name")] string? GivenName,
    [property: JsonPropertyName("family_name")] string? FamilyName,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("created_at")] DateTimeOffset? CreatedAt);

/// <summary>Reads users through the Auth0 Management API.</summary>
public interface IAuth0Users
{
    /// <summary>False when no Auth0 tenant is configured: the hub then works with what the logs carry.</summary>
    bool IsConfigured { get; }

    /// <summary>
    /// The user, or null when Auth0 does not know the id. Throws <see cref="Auth0UnavailableException"/> when Auth0
    /// cannot answer now (unreachable, throttled past the retries, credentials refused).
    /// </summary>
    Task<Auth0User?> GetUserAsync(string userId, CancellationToken cancellationToken);
}

public sealed class Auth0UnavailableException : Exception
{
    public Auth0UnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    public Auth0UnavailableException()
    {
    }

    public Auth0UnavailableException(string message)
        : base(message)
    {
    }
}
