using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Crm.Integration.HubSpotSimulator;

/// <summary>
/// <c>POST /crm/v3/objects/contacts/batch/upsert</c> with <c>idProperty=email</c>. As in HubSpot, partial upserts are not
/// supported by email: an invalid email or an unknown property fails the whole batch with 400, and two inputs for the
/// same email with 409; nothing of such a batch is written.
/// </summary>
public static partial class ContactsApi
{
    public static void MapContactsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/crm/v3/objects/contacts/batch/upsert", UpsertAsync);
        app.MapPost("/crm/v3/objects/contacts/gdpr-delete", GdprDeleteAsync);
        app.MapGet("/crm/v3/objects/contacts/{contactId}", (string contactId, string? idProperty, Portal portal) =>
        {
            var contact = idProperty switch
            {
                "email" => portal.Contacts.GetValueOrDefault(contactId.Trim().ToLowerInvariant()),
                null or "" or "hs_object_id" => portal.Contacts.Values.FirstOrDefault(c => c.Id == contactId),
                _ => null,
            };
            return contact is null
                ? HubSpotErrors.Error(404, "OBJECT_NOT_FOUND", "Object not found.")
                : Results.Json(new
                {
                    id = contact.Id,
                    properties = new Dictionary<string, string>(contact.Properties) { ["email"] = contact.Email, ["hs_object_id"] = contact.Id },
                    createdAt = contact.CreatedAt,
                    updatedAt = contact.UpdatedAt,
                    archived = false,
                });
        });
    }

    private static async Task<IResult> UpsertAsync(HttpRequest request, Portal portal, SimulatorSettings settings)
    {
        var options = settings.Current;
        if (await ReadObjectAsync(request) is not { } body || body["inputs"] is not JsonArray inputs)
        {
            return HubSpotErrors.Error(400, "VALIDATION_ERROR", "Invalid input JSON: expected an object with an 'inputs' array.");
        }

        if (inputs.Count == 0 || inputs.Count > options.MaxBatchSize)
        {
            return HubSpotErrors.Error(400, "VALIDATION_ERROR", $"Batch size must be between 1 and {options.MaxBatchSize}; got {inputs.Count}.");
        }

        var parsed = new List<(string Email, Dictionary<string, string> Properties)>();
        var invalid = new JsonArray();
        var unknownProperties = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var input in inputs.OfType<JsonObject>())
        {
            if (input["idProperty"]?.GetValue<string>() != "email")
            {
                return HubSpotErrors.Error(400, "VALIDATION_ERROR", "This simulator upserts contacts by idProperty 'email' only.");
            }

            var id = input["id"]?.GetValue<string>() ?? "";
            if (!EmailPattern().IsMatch(id))
            {
                invalid.Add(new JsonObject { ["message"] = $"Email address {id} is invalid", ["code"] = "INVALID_EMAIL", ["context"] = new JsonObject { ["id"] = id } });
                continue;
            }

            var properties = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (name, value) in input["properties"] as JsonObject ?? [])
            {
                if (!options.ContactProperties.Contains(name, StringComparer.Ordinal))
                {
                    unknownProperties.Add(name);
                }

                properties[name] = value?.ToString() ?? "";
            }

            parsed.Add((id.Trim().ToLowerInvariant(), properties));
        }

        if (invalid.Count > 0)
        {
            return HubSpotErrors.Error(400, "VALIDATION_ERROR", "Some inputs have invalid email addresses; nothing was written.", invalid);
        }

        if (unknownProperties.Count > 0)
        {
            return HubSpotErrors.Error(400, "VALIDATION_ERROR", $"Property values were not valid: properties do not exist: {string.Join(", ", unknownProperties)}",
                [.. unknownProperties.Select(p => (JsonNode)new JsonObject { ["message"] = $"Property \"{p}\" does not exist", ["code"] = "PROPERTY_DOESNT_EXIST" })]);
        }

        var duplicates = parsed.GroupBy(p => p.Email).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
        {
            return HubSpotErrors.Error(409, "CONFLICT", $"Duplicate IDs found in batch input: [{string.Join(", ", duplicates)}]. IDs must be unique.");
        }

        var started = portal.Time.GetUtcNow();
        portal.Traffic.RecordUpsertBatch(parsed.Count);
        var results = new JsonArray();
        foreach (var (email, properties) in parsed)
        {
            var created = false;
            var contact = portal.Contacts.AddOrUpdate(
                email,
                _ =>
                {
                    created = true;
                    return new Contact(portal.NewContactId(), email, new Dictionary<string, string>(properties) { ["email"] = email }, started, started);
                },
                (_, existing) =>
                {
                    var merged = new Dictionary<string, string>(existing.Properties);
                    foreach (var (name, value) in properties)
                    {
                        merged[name] = value;
                    }

                    merged["email"] = email;
                    return existing with { Properties = merged, UpdatedAt = started };
                });
            results.Add(new JsonObject
            {
                ["id"] = contact.Id,
                ["properties"] = new JsonObject(contact.Properties.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
                ["createdAt"] = contact.CreatedAt,
                ["updatedAt"] = contact.UpdatedAt,
                ["archived"] = false,
                ["new"] = created,
            });
        }

        return Results.Json(new JsonObject
        {
            ["status"] = "COMPLETE",
            ["results"] = results,
            ["startedAt"] = started,
            ["completedAt"] = portal.Time.GetUtcNow(),
        });
    }

    /// <summary>
    /// As HubSpot documents it: 204 whether or not the contact existed; by email, an address with no contact is
    /// blocklisted. The request is recorded (<c>/_simulator/gdpr-deletes</c>) so tests can see it was asked.
    /// </summary>
    private static async Task<IResult> GdprDeleteAsync(HttpRequest request, Portal portal)
    {
        if (await ReadObjectAsync(request) is not { } body || body["objectId"]?.GetValue<string>() is not { Length: > 0 } objectId)
        {
            return HubSpotErrors.Error(400, "VALIDATION_ERROR", "Invalid input JSON: expected an object with 'objectId'.");
        }

        var byEmail = body["idProperty"]?.GetValue<string>() == "email";
        var contact = byEmail
            ? portal.Contacts.GetValueOrDefault(objectId.Trim().ToLowerInvariant())
            : portal.Contacts.Values.FirstOrDefault(c => c.Id == objectId);
        if (contact is not null)
        {
            portal.Contacts.TryRemove(contact.Email, out _);
        }

        portal.GdprDeletes.Enqueue(new GdprDelete(objectId, byEmail ? "email" : "hs_object_id", contact?.Id, portal.Time.GetUtcNow()));
        return Results.NoContent();
    }

    internal static async Task<JsonObject?> ReadObjectAsync(HttpRequest request)
    {
        try
        {
            return await JsonNode.ParseAsync(request.Body) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    internal static partial Regex EmailPattern();
}
