using System.Net.Http.Json;
using System.Text.Json;
using Crm.Integration.Connectors.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Connectors.HubSpot;

/// <summary>
/// <c>POST /crm/v3/objects/contacts/batch/upsert</c> by email. HubSpot does not do partial upserts by email: one bad
/// input can fail the whole batch with 400 or 409, so such a batch is split in halves until the bad input stands alone.
/// </summary>
internal sealed class HubSpotContactsClient(IHttpClientFactory clients, IOptions<HubSpotOptions> options, HubMetrics metrics, ILogger<HubSpotContactsClient> logger)
    : IHubSpotContacts
{    // Asked of the factory per call: the client is a singleton, and a captured HttpClient would keep one handler
    // (its DNS answers and connections) for ever.
    public const string HttpClientName = "hubspot-contacts";


    private const string UpsertPath = "crm/v3/objects/contacts/batch/upsert";

    public async Task<IReadOnlyList<ContactUpsertOutcome>> UpsertByEmailAsync(IReadOnlyList<ContactChange> inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var outcomes = new ContactUpsertOutcome[inputs.Count];
        var contacts = Merge(inputs, outcomes);
        var byEmail = new Dictionary<string, ContactUpsertOutcome>(StringComparer.Ordinal);
        foreach (var chunk in contacts.Chunk(options.Value.MaxBatchSize))
        {
            await UpsertChunkAsync(chunk, byEmail, cancellationToken).ConfigureAwait(false);
        }

        for (var i = 0; i < inputs.Count; i++)
        {
            if (outcomes[i] is null && EmailAddress.TryNormalize(inputs[i].Email, out var email))
            {
                outcomes[i] = byEmail[email];
            }
        }

        return outcomes;
    }

    /// <summary>
    /// One input per normalised email, merged by <see cref="ContactChange.Merge"/> (the batcher's rule); invalid
    /// emails answered at once without a call.
    /// </summary>
    private static List<ContactChange> Merge(IReadOnlyList<ContactChange> inputs, ContactUpsertOutcome[] outcomes)
    {
        var merged = new Dictionary<string, ContactChange>(StringComparer.Ordinal);
        for (var i = 0; i < inputs.Count; i++)
        {
            if (!EmailAddress.TryNormalize(inputs[i].Email, out var email))
            {
                outcomes[i] = ContactUpsertOutcome.Permanent(new HubSpotError(400, "Not a valid email address; not sent to HubSpot.", "INVALID_EMAIL"));
                continue;
            }

            var input = inputs[i] with { Email = email };
            merged[email] = merged.TryGetValue(email, out var earlier) ? earlier.Merge(input) : input;
        }

        return [.. merged.Values];
    }

    private async Task UpsertChunkAsync(IReadOnlyList<ContactChange> chunk, Dictionary<string, ContactUpsertOutcome> outcomes, CancellationToken cancellationToken)
    {
        var request = new BatchUpsertRequest(chunk.Select(c => new BatchUpsertInput("email", c.Email, c.Properties)).ToList());
        metrics.BatchSent(chunk.Count);
        HttpResponseMessage response;
        try
        {
            response = await clients.CreateClient(HttpClientName).PostAsJsonAsync(UpsertPath, request, HubSpotJsonContext.Default.BatchUpsertRequest, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (HubSpotResponses.IsUnanswered(ex, cancellationToken))
        {
            Log.UpsertUnreachable(logger, chunk.Count, ex.GetType().Name);
            SetAll(chunk, outcomes, ContactUpsertOutcome.Transient(new HubSpotError(0, $"HubSpot did not answer: {ex.GetType().Name}.")));
            return;
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            switch (status)
            {
                case 200 or 201 or 207:
                    await ReadResultsAsync(chunk, response, outcomes, cancellationToken).ConfigureAwait(false);
                    break;
                case 400 or 409 when chunk.Count > 1:
                    // The whole batch failed for (at least) one input: find it by halves, the rest still goes through.
                    Log.UpsertSplitting(logger, chunk.Count, status);
                    var half = chunk.Count / 2;
                    await UpsertChunkAsync(chunk.Take(half).ToList(), outcomes, cancellationToken).ConfigureAwait(false);
                    await UpsertChunkAsync(chunk.Skip(half).ToList(), outcomes, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    var error = await HubSpotResponses.ReadErrorAsync(response, cancellationToken).ConfigureAwait(false);
                    Log.UpsertFailed(logger, chunk.Count, status, error.Category, error.CorrelationId);
                    SetAll(chunk, outcomes, HubSpotResponses.IsTransient(status) ? ContactUpsertOutcome.Transient(error) : ContactUpsertOutcome.Permanent(error));
                    break;
            }
        }
    }

    private static async Task ReadResultsAsync(
        IReadOnlyList<ContactChange> chunk, HttpResponseMessage response, Dictionary<string, ContactUpsertOutcome> outcomes, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadFromJsonAsync(HubSpotJsonContext.Default.BatchResponse, cancellationToken).ConfigureAwait(false);
        var ids = (body?.Results ?? [])
            .Where(r => r.Properties?.GetValueOrDefault("email") is not null)
            .ToDictionary(r => r.Properties!["email"]!.ToLowerInvariant(), r => r.Id, StringComparer.Ordinal);
        var failed = new Dictionary<string, HubSpotError>(StringComparer.Ordinal);
        foreach (var error in body?.Errors ?? [])
        {
            foreach (var id in ContextIds(error.Context))
            {
                failed[id.ToLowerInvariant()] = new HubSpotError(207, error.Message ?? "Rejected in a multi-status answer.", error.Category);
            }
        }

        foreach (var contact in chunk)
        {
            outcomes[contact.Email] = failed.TryGetValue(contact.Email, out var error)
                ? ContactUpsertOutcome.Permanent(error)
                : ids.TryGetValue(contact.Email, out var id) || (int)response.StatusCode != 207
                    ? ContactUpsertOutcome.Succeeded(ids.GetValueOrDefault(contact.Email))
                    : ContactUpsertOutcome.Transient(new HubSpotError(207, "Neither in the results nor in the errors of a multi-status answer."));
        }
    }

    private static IEnumerable<string> ContextIds(JsonElement? context) =>
        context is { ValueKind: JsonValueKind.Object } c && c.TryGetProperty("ids", out var ids) && ids.ValueKind == JsonValueKind.Array
            ? ids.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.String).Select(i => i.GetString()!)
            : [];

    public async Task<ContactLookup> FindAsync(ContactKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var path = $"crm/v3/objects/contacts/{Uri.EscapeDataString(key.Value)}?properties=email{(key.IsEmail ? "&idProperty=email" : "")}";
        HttpResponseMessage response;
        try
        {
            response = await clients.CreateClient(HttpClientName).GetAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (HubSpotResponses.IsUnanswered(ex, cancellationToken))
        {
            return new ContactLookup(ContactLookupKind.Transient, Error: new HubSpotError(0, $"HubSpot did not answer: {ex.GetType().Name}."));
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (status == 200)
            {
                var contact = await response.Content.ReadFromJsonAsync(HubSpotJsonContext.Default.BatchResult, cancellationToken).ConfigureAwait(false);
                return new ContactLookup(ContactLookupKind.Found, contact?.Id, contact?.Properties?.GetValueOrDefault("email"));
            }

            if (status == 404)
            {
                return ContactLookup.NotFound;
            }

            var error = await HubSpotResponses.ReadErrorAsync(response, cancellationToken).ConfigureAwait(false);
            Log.LookupFailed(logger, status, error.Category, error.CorrelationId);
            return new ContactLookup(HubSpotResponses.IsTransient(status) ? ContactLookupKind.Transient : ContactLookupKind.Permanent, Error: error);
        }
    }

    private static void SetAll(IEnumerable<ContactChange> chunk, Dictionary<string, ContactUpsertOutcome> outcomes, ContactUpsertOutcome outcome)
    {
        foreach (var contact in chunk)
        {
            outcomes[contact.Email] = outcome;
        }
    }
}
