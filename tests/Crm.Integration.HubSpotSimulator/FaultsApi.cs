using System.Text.Json;

namespace Crm.Integration.HubSpotSimulator;

/// <summary>
/// Fault injection for the chaos suite, changing only what is named and keeping the rest of the settings:
/// <c>PATCH /_simulator/faults</c> with any of <c>faultRate</c> (share of calls answered 503), <c>latencyMilliseconds</c>
/// (added to every call) and <c>tenSecondlyLimit</c> (the portal's budget, e.g. cut to a fifth for a 429 storm);
/// <c>GET /_simulator/faults</c> shows them. <c>DELETE /_simulator/contacts/{email}</c> removes a contact, so that a
/// checker can prove it notices a loss.
/// </summary>
public static class FaultsApi
{
    public sealed record Faults(double? FaultRate, int? LatencyMilliseconds, int? TenSecondlyLimit);

    public static void MapFaultsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/_simulator");
        group.MapGet("/faults", (SimulatorSettings settings) => Describe(settings.Current));
        group.MapPatch("/faults", (Faults faults, SimulatorSettings settings) =>
        {
            if (faults.FaultRate is < 0 or > 1 || faults.LatencyMilliseconds is < 0 or > 60_000 || faults.TenSecondlyLimit is < 1 or > 100_000)
            {
                return Results.BadRequest(new { message = "faultRate in [0, 1], latencyMilliseconds in [0, 60000], tenSecondlyLimit in [1, 100000]" });
            }

            // The options are replaced whole (readers see one consistent set): a copy with the named values changed.
            var next = JsonSerializer.Deserialize<SimulatorOptions>(JsonSerializer.Serialize(settings.Current))!;
            next.FaultRate = faults.FaultRate ?? next.FaultRate;
            next.LatencyMilliseconds = faults.LatencyMilliseconds ?? next.LatencyMilliseconds;
            next.TenSecondlyLimit = faults.TenSecondlyLimit ?? next.TenSecondlyLimit;
            settings.Replace(next);
            return Results.Ok(Describe(next));
        });
        group.MapDelete("/contacts/{email}", (string email, Portal portal) =>
            portal.Contacts.TryRemove(email.Trim().ToLowerInvariant(), out _) ? Results.NoContent() : Results.NotFound());
    }

    private static Faults Describe(SimulatorOptions options) => new(options.FaultRate, options.LatencyMilliseconds, options.TenSecondlyLimit);
}
