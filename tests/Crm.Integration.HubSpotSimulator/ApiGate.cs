using System.Text.Json;

namespace Crm.Integration.HubSpotSimulator;

/// <summary>
/// What every HubSpot API call goes through, in HubSpot's order: authentication, then the rate limit (with the
/// <c>X-HubSpot-RateLimit-*</c> headers on every answer), plus the configured latency and share of 5xx faults.
/// Transactional single-send is exempt from the general budget, as in HubSpot.
/// </summary>
public sealed class ApiGate(RequestDelegate next, SimulatorSettings settings, RollingWindowLimiter limiter, Portal portal)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "";
        if (path.StartsWith("/_simulator", StringComparison.Ordinal) || path.StartsWith("/oauth/", StringComparison.Ordinal) || path == "/")
        {
            await next(http);
            return;
        }

        var options = settings.Current;
        var authorization = http.Request.Headers.Authorization.ToString();
        var bearer = authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization["Bearer ".Length..] : null;
        if (bearer is not null && portal.IssuedTokens.TryGetValue(bearer, out var expires) && portal.Time.GetUtcNow() >= expires)
        {
            portal.Traffic.Record(path, 401);
            await HubSpotErrors.Error(401, "EXPIRED_AUTHENTICATION", "The OAuth token used to make this call expired.").ExecuteAsync(http);
            return;
        }

        if (bearer is null || (options.AccessToken is { } token && bearer != token && !portal.IssuedTokens.ContainsKey(bearer)))
        {
            portal.Traffic.Record(path, 401);
            await HubSpotErrors.Error(401, "INVALID_AUTHENTICATION", "Authentication credentials not found or not valid.").ExecuteAsync(http);
            return;
        }

        if (options.LatencyMilliseconds > 0)
        {
            await Task.Delay(options.LatencyMilliseconds, http.RequestAborted);
        }

        if (!IsExempt(path))
        {
            var verdict = limiter.TryAcquire(options.TenSecondlyLimit, options.DailyLimit);
            http.Response.Headers["X-HubSpot-RateLimit-Max"] = options.TenSecondlyLimit.ToString(System.Globalization.CultureInfo.InvariantCulture);
            http.Response.Headers["X-HubSpot-RateLimit-Remaining"] = verdict.Remaining.ToString(System.Globalization.CultureInfo.InvariantCulture);
            http.Response.Headers["X-HubSpot-RateLimit-Interval-Milliseconds"] = "10000";
            http.Response.Headers["X-HubSpot-RateLimit-Daily"] = options.DailyLimit.ToString(System.Globalization.CultureInfo.InvariantCulture);
            http.Response.Headers["X-HubSpot-RateLimit-Daily-Remaining"] = verdict.DailyRemaining.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!verdict.Allowed)
            {
                portal.Traffic.Record(path, 429);
                http.Response.StatusCode = 429;
                http.Response.ContentType = "application/json";
                await http.Response.WriteAsync(JsonSerializer.Serialize(HubSpotErrors.RateLimited(verdict.Policy!)), http.RequestAborted);
                return;
            }
        }

        if (options.FaultRate > 0 && Random.Shared.NextDouble() < options.FaultRate)
        {
            portal.Traffic.Record(path, 503);
            await HubSpotErrors.Error(503, "SERVICE_UNAVAILABLE", "The service is temporarily unavailable (simulated fault).").ExecuteAsync(http);
            return;
        }

        await next(http);
        portal.Traffic.Record(path, http.Response.StatusCode);
    }

    /// <summary>Transactional single-send, which HubSpot counts apart from the portal's ten-second budget.</summary>
    public static bool IsExempt(string path) => path.StartsWith("/marketing/v3/transactional/", StringComparison.Ordinal);
}

/// <summary>The options in force; replaced whole by <c>PUT /_simulator/settings</c>.</summary>
public sealed class SimulatorSettings(SimulatorOptions initial)
{
    private SimulatorOptions _current = initial;

    public SimulatorOptions Current => Volatile.Read(ref _current);

    public void Replace(SimulatorOptions options) => Volatile.Write(ref _current, options);
}
