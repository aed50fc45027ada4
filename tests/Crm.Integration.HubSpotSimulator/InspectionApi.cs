namespace Crm.Integration.HubSpotSimulator;

/// <summary>What the simulator holds and saw, for tests and people: everything under <c>/_simulator</c>.</summary>
public static class InspectionApi
{
    public static void MapInspectionApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/_simulator");
        group.MapGet("/contacts", (Portal portal) => portal.Contacts.Values.OrderBy(c => c.Email, StringComparer.Ordinal));
        group.MapGet("/contacts/{email}", (string email, Portal portal) =>
            portal.Contacts.TryGetValue(email.Trim().ToLowerInvariant(), out var contact) ? Results.Ok(contact) : Results.NotFound());
        group.MapGet("/emails", (Portal portal) => portal.Emails.Select(e => new { e.StatusId, e.EmailId, e.To, e.SendId, e.RequestedAt, request = e.Request }));
        group.MapGet("/events", (Portal portal) => portal.Events);
        group.MapGet("/gdpr-deletes", (Portal portal) => portal.GdprDeletes);
        group.MapGet("/stats", (Portal portal) => portal.Traffic.Snapshot());
        group.MapGet("/settings", (SimulatorSettings settings) => settings.Current);
        group.MapPut("/settings", (SimulatorOptions options, SimulatorSettings settings) =>
        {
            settings.Replace(options);
            return Results.Ok(options);
        });
        group.MapPost("/reset", (Portal portal, RollingWindowLimiter limiter) =>
        {
            portal.Reset();
            limiter.Reset();
            return Results.NoContent();
        });
        app.MapGet("/", () => Results.Text(
            "HubSpot simulator. API: /crm/v3/objects/contacts/batch/upsert, /marketing/v3/transactional/single-email/send, " +
            "/marketing/v3/email/send-statuses/{id}, /events/v3/send, GET /crm/v3/objects/contacts/{id}, /crm/v3/objects/contacts/gdpr-delete. Inspect: /_simulator/contacts, /emails, /events, /gdpr-deletes, /stats, /settings; faults: PATCH /_simulator/faults.\n"));
    }
}
