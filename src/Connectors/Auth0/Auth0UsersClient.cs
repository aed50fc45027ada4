using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Crm.Integration.Connectors.Auth0;

/// <summary><c>GET /api/v2/users/{id}</c> with a cached Management API token; a 401 fetches a new token once.</summary>
internal sealed class Auth0UsersClient(HttpClient http, Auth0ManagementToken token) : IAuth0Users
{
    public bool IsConfigured => true;

    public async Task<Auth0User?> GetUserAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        // The user id is not recorded: the span says that a profile was read, and how Auth0 answered.
        using var activity = Diagnostics.HubTelemetry.Auth0.StartActivity("auth0 get user");
        try
        {
            using var response = await SendAsync(userId, afterRejection: false, cancellationToken).ConfigureAwait(false);
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

    private async Task<HttpResponseMessage> SendAsync(string userId, bool afterRejection, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/v2/users/{Uri.EscapeDataString(userId)}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await token.GetAsync(afterRejection, cancellationToken).ConfigureAwait(false));
        var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Unauthorized && !afterRejection)
        {
            response.Dispose();
            return await SendAsync(userId, afterRejection: true, cancellationToken).ConfigureAwait(false);
        }

        return response;
    }
}

/// <summary>No Auth0 tenant configured (<c>Auth0:BaseAddress</c> empty): no profile can be read.</summary>
internal sealed class UnconfiguredAuth0Users : IAuth0Users
{
    public bool IsConfigured => false;

    public Task<Auth0User?> GetUserAsync(string userId, CancellationToken cancellationToken) => Task.FromResult<Auth0User?>(null);
}
