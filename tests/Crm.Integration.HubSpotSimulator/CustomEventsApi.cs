using System.Text.Json.Nodes;

namespace Crm.Integration.HubSpotSimulator;

/// <summary>
/// <c>POST /events/v3/send</c>: a custom event occurrence on a contact, by <c>email</c> or <c>objectId</c>. An
/// occurrence whose <c>uuid</c> was seen before is answered 204 and not recorded again.
/// </summary>
public static class CustomEventsApi
{
    public static void MapCustomEventsApi(this IEndpointRouteBuilder app) =>
        app.MapPost("/events/v3/send", async (HttpRequest request, Portal portal) =>
        {
            var body = await ContactsApi.ReadObjectAsync(request);
            var eventName = body?["eventName"]?.GetValue<string>();
            var email = body?["email"]?.GetValue<string>();
            var objectId = body?["objectId"]?.ToString();
            if (string.IsNullOrEmpty(eventName) || (email is null && objectId is null))
            {
                return HubSpotErrors.Error(400, "VALIDATION_ERROR", "eventName and one of email or objectId are required.");
            }

            var known = objectId is not null
                ? portal.Contacts.Values.Any(c => c.Id == objectId)
                : portal.Contacts.ContainsKey(email!.Trim().ToLowerInvariant());
            if (!known)
            {
                return HubSpotErrors.Error(404, "OBJECT_NOT_FOUND", "No contact matches the event's email or objectId.");
            }

            if (body!["uuid"]?.GetValue<string>() is { } uuid && !portal.EventUuids.TryAdd(uuid, 0))
            {
                return Results.NoContent();
            }

            portal.Events.Enqueue(new CustomEvent(eventName, email, objectId, body!["occurredAt"]?.ToString(), body["properties"] as JsonObject, portal.Time.GetUtcNow()));
            return Results.NoContent();
        });
}
