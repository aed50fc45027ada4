using System.Globalization;
using System.Text.Json;
using Crm.Integration.Connectors.ServiceBus;
using Crm.Integration.Functions.Common;
using Crm.Integration.Functions.Execution;

namespace Crm.Integration.Functions.PlatformEvents;

/// <summary>
/// Takes a platform event out of whichever envelope its publisher used. A JSON object with <c>specversion</c> is a
/// structured CloudEvent, one with <c>detail-type</c> the EventBridge envelope; anything else is binary mode, where the
/// message's <c>subject</c> and <c>message-id</c> carry type and id and the whole body is the data.
/// </summary>
internal static class PlatformEventReader
{
    /// <summary>The event, or the reason it cannot be read (a permanent outcome: the same bytes will never read better).</summary>
    public static (PlatformEvent? Event, HandlerOutcome Rejection) Read(InboundMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        JsonElement body;
        try
        {
            using var document = JsonDocument.Parse(JsonText.Repair(message.Body));
            body = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            return Reject(Reasons.MalformedEvent, $"The body is not JSON (line {ex.LineNumber}, byte {ex.BytePositionInLine}).");
        }

        if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty("specversion", out var version))
        {
            return version.ValueKind == JsonValueKind.String && version.GetString() == "1.0"
                ? FromEnvelope(body, EventEnvelope.CloudEvent, "type", "data")
                : Reject(Reasons.UnsupportedEnvelope, $"CloudEvents specversion {Quote.Short(version.ToString())} is not supported; 1.0 is.");
        }

        if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty("detail-type", out _))
        {
            return FromEnvelope(body, EventEnvelope.EventBridge, "detail-type", "detail");
        }

        return Checked(message.Subject, message.MessageId, source: null, time: null, body, EventEnvelope.Binary);
    }

    private static (PlatformEvent?, HandlerOutcome) FromEnvelope(JsonElement envelope, EventEnvelope kind, string typeField, string dataField)
    {
        var time = Text(envelope, "time");
        DateTimeOffset? parsedTime = null;
        if (time is not null)
        {
            if (!DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
            {
                return Reject(Reasons.MalformedEvent, $"The envelope's time '{Quote.Short(time)}' is not a date and time (RFC 3339).");
            }

            parsedTime = t;
        }

        var data = envelope.TryGetProperty(dataField, out var d) ? d : default;
        return Checked(Text(envelope, typeField), Text(envelope, "id"), Text(envelope, "source"), parsedTime, data, kind);
    }

    private static (PlatformEvent?, HandlerOutcome) Checked(
        string? type, string? id, string? source, DateTimeOffset? time, JsonElement data, EventEnvelope kind)
    {
        var where = kind == EventEnvelope.Binary ? "message subject" : "envelope";
        if (string.IsNullOrWhiteSpace(type))
        {
            return Reject(Reasons.MissingEventType, kind == EventEnvelope.Binary
                ? "The message has no subject and its body is neither a CloudEvent (specversion) nor an EventBridge event (detail-type): its type is unknown."
                : $"The {where} has no event type.");
        }

        if (!PlatformEventTypes.Handled.Contains(type, StringComparer.Ordinal))
        {
            return Reject(Reasons.UnknownEventType, $"Event type '{Quote.Short(type)}' (from the {where}) has no handler; handled: {string.Join(", ", PlatformEventTypes.Handled)}.");
        }

        if (string.IsNullOrWhiteSpace(id))
        {
            return Reject(Reasons.MissingEventId, kind == EventEnvelope.Binary
                ? "The message has no message-id: a binary-mode event needs one as its id."
                : $"The {where} has no id.");
        }

        if (SourceIds.Problem(kind == EventEnvelope.Binary ? "message-id" : "event id", id) is { } problem)
        {
            return Reject(Reasons.InvalidEventId, problem);
        }

        if (data.ValueKind != JsonValueKind.Object)
        {
            return Reject(Reasons.MalformedEvent, $"The event's data is {(data.ValueKind == JsonValueKind.Undefined ? "missing" : $"a JSON {data.ValueKind}")}, not an object.");
        }

        return (new PlatformEvent(type, id, source, time, data, kind), HandlerOutcome.Success);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;


    private static (PlatformEvent?, HandlerOutcome) Reject(Reason reason, string description) => (null, reason.Because(description));
}
