namespace Crm.Integration.HubSpotSimulator;

/// <summary>
/// <c>POST /oauth/v1/token</c> with the refresh-token grant (form-encoded), as HubSpot answers it: an access token that
/// lives <see cref="SimulatorOptions.OAuthTokenLifetimeSeconds"/>, or 400 <c>BAD_REFRESH_TOKEN</c> / <c>BAD_CLIENT_ID</c>.
/// </summary>
public static class OAuthApi
{
    public static void MapOAuthApi(this IEndpointRouteBuilder app) =>
        app.MapPost("/oauth/v1/token", async (HttpRequest request, Portal portal, SimulatorSettings settings) =>
        {
            Interlocked.Increment(ref portal.TokenRequests);
            var options = settings.Current;
            var form = request.HasFormContentType ? await request.ReadFormAsync() : null;
            if (form?["grant_type"].ToString() != "refresh_token")
            {
                return Refused("BAD_GRANT_TYPE", "grant_type must be refresh_token here.");
            }

            if (form["client_id"].ToString() != options.OAuthClientId || form["client_secret"].ToString() != options.OAuthClientSecret)
            {
                return Refused("BAD_CLIENT_ID", "missing or unknown client id or secret");
            }

            if (options.OAuthRefreshToken is null || form["refresh_token"].ToString() != options.OAuthRefreshToken)
            {
                return Refused("BAD_REFRESH_TOKEN", "missing or unknown refresh token");
            }

            var token = "sim-oauth-" + Guid.NewGuid().ToString("N");
            portal.IssuedTokens[token] = portal.Time.GetUtcNow().AddSeconds(options.OAuthTokenLifetimeSeconds);
            return Results.Json(new Dictionary<string, object>
            {
                ["token_type"] = "bearer",
                ["access_token"] = token,
                ["refresh_token"] = options.OAuthRefreshToken,
                ["expires_in"] = options.OAuthTokenLifetimeSeconds,
            });
        });

    private static IResult Refused(string status, string message) =>
        Results.Json(new { status, message, correlationId = Guid.NewGuid() }, statusCode: 400);
}
