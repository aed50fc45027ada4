using System.Net;
using System.Net.Http.Json;

namespace Crm.Integration.Connectors.Auth0;

/// <summary>
/// <c>GET /api/v2/users/{id}</c>; the Management API token (cached, fetched anew once after a 401) is the bearer
/// handler's (<see cref="Http.BearerTokenHandler"/>). A singleton that asks the factory for its client per call.
/// </summary>
internal sealed class Auth0UsersClient(IHttpClientFactory clients) : IAuth0Users
{
    public const string HttpClientName = "auth0-users";

    public bool IsConfigured => true;

    public async Task<Auth0User?> GetUserAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        // The user id is not recorded: the span says that a profile was read, and how Auth0 answered.
        using var activity = Diagnostics.HubTelemetry.Auth0.StartActivity("auth0 get user");
        try
        {
            using var response = await clients.CreateClient(HttpClientName).GetAsync($"api/v2/users/{Uri.EscapeDataString(userId)}", cancellationToken).ConfigureAwait(false);
            return response.StatusCode switch
            {
                HttpStatusCode.OK => await response.Content.ReadFromJsonAsync(Auth0JsonContext.Default.Auth0User, cancellationToken).ConfigureAwait(false),
                HttpStatusCode.NotFound => null,
                _ => throw new Auth0UnavailableException($"Auth0 answered {(int)response.StatusCode} {response.ReasonPhrase} for a user read."),
            };
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException or Polly.Timeout.TimeoutRejectedException)
        {
            throw new Auth0UnavailableException($"Auth0 did not answer a user read: {ex.GetType().Name}.", ex);
        }
    }
}

/// <summary>No Auth0 tenant configured (<c>Auth0:BaseAddress</c> empty): no profile can be read.</summary>
internal sealed class UnconfiguredAuth0Users : IAuth0Users
{
    public bool IsConfigured => false;

    public Task<Auth0User?> GetUserAsync(string userId, CancellationToken cancellationToken) => Task.FromResult<Auth0User?>(null);
}
