using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text.Json;
using Crm.Integration.Functions.Common;

namespace Crm.Integration.Functions.Auth0LogStream;

/// <summary>
/// Reads a log-stream delivery in any of Auth0's content formats: a JSON array, JSON lines, or a single JSON object.
/// Each entry keeps its bytes, so that what goes on the queue is what Auth0 sent — with text that is not text (invalid
/// UTF-8, lone surrogates) replaced by U+FFFD first, so that one bad character in a name cannot make an event unreadable.
/// </summary>
public static class Auth0LogBatchParser
{
    private static readonly JsonReaderOptions ReaderOptions = new() { AllowMultipleValues = true, MaxDepth = 64 };
    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    /// <summary>
    /// Parses the body. A syntax error fails the whole body when it is a JSON array; in JSON lines only the broken lines
    /// are rejected and the rest go on, unless no line at all is JSON.
    /// </summary>
    public static bool TryParse(
        ReadOnlyMemory<byte> body,
        [NotNullWhen(true)] out Auth0LogBatch? batch,
        [NotNullWhen(false)] out LogBatchSyntaxError? error)
    {
        if (body.Span.StartsWith(Utf8Bom))
        {
            body = body[Utf8Bom.Length..];
        }

        body = JsonText.Repair(body);
        batch = null;
        var firstByte = body.Span.IndexOfAnyExcept(" \t\r\n"u8);
        if (firstByte < 0)
        {
            error = new LogBatchSyntaxError("The body is empty; expected a JSON array, JSON lines or a JSON object.", 1, 1);
            return false;
        }

        var entries = new List<Auth0LogEntry>();
        var rejected = new List<RejectedLogEntry>();
        try
        {
            ReadValues(body, "Entry", 0, entries, rejected);
            batch = new Auth0LogBatch(entries, rejected);
            error = null;
            return true;
        }
        catch (JsonException ex)
        {
            error = new LogBatchSyntaxError(
                $"The body is not valid JSON: {WithoutPosition(ex.Message)}", (ex.LineNumber ?? 0) + 1, (ex.BytePositionInLine ?? 0) + 1);
        }

        if (body.Span[firstByte] == (byte)'[' || !TryReadLines(body, out batch))
        {
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>JSON lines, one at a time: a broken line is rejected on its own. False when no line is JSON.</summary>
    private static bool TryReadLines(ReadOnlyMemory<byte> body, [NotNullWhen(true)] out Auth0LogBatch? batch)
    {
        var entries = new List<Auth0LogEntry>();
        var rejected = new List<RejectedLogEntry>();
        var validLines = 0;
        var lineNumber = 0;
        var rest = body;
        while (!rest.IsEmpty)
        {
            lineNumber++;
            var end = rest.Span.IndexOf((byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? ReadOnlyMemory<byte>.Empty : rest[(end + 1)..];
            if (line.Span.IndexOfAnyExcept(" \t\r"u8) < 0)
            {
                continue;
            }

            try
            {
                ReadValues(line, "Line", lineNumber, entries, rejected);
                validLines++;
            }
            catch (JsonException ex)
            {
                rejected.Add(new RejectedLogEntry(
                    HashId(line.Span.TrimEnd((byte)'\r')),
                    null,
                    $"Line {lineNumber} is not valid JSON: {WithoutPosition(ex.Message)} (byte {(ex.BytePositionInLine ?? 0) + 1})"));
            }
        }

        batch = validLines > 0 ? new Auth0LogBatch(entries, rejected) : null;
        return batch is not null;
    }

    /// <summary>Reads every top-level value (the elements, when the value is an array) as one entry.</summary>
    private static void ReadValues(
        ReadOnlyMemory<byte> json, string label, int lineNumber, List<Auth0LogEntry> entries, List<RejectedLogEntry> rejected)
    {
        var reader = new Utf8JsonReader(json.Span, ReaderOptions);
        var index = 0;
        while (reader.Read())
        {
            if (reader.CurrentDepth == 0 && reader.TokenType is JsonTokenType.StartArray or JsonTokenType.EndArray)
            {
                continue;
            }

            index++;
            var start = (int)reader.TokenStartIndex;
            using var document = JsonDocument.ParseValue(ref reader);
            var entryJson = json[start..(int)reader.BytesConsumed];
            var name = lineNumber > 0 ? $"{label} {lineNumber}" : $"{label} {index}";
            Classify(document.RootElement, entryJson, name, entries, rejected);
        }
    }

    private static void Classify(
        JsonElement root, ReadOnlyMemory<byte> json, string name, List<Auth0LogEntry> entries, List<RejectedLogEntry> rejected)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            rejected.Add(new RejectedLogEntry(HashId(json.Span), null, $"{name} is a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not an object."));
            return;
        }

        var data = root.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object ? d : (JsonElement?)null;
        // A stream envelope carries log_id at the top; a Management API log item wrapped as the envelope carries it in data too.
        var logId = StringProperty(root, "log_id") ?? (data is { } inner ? StringProperty(inner, "log_id") : null);
        var type = data is { } payload ? StringProperty(payload, "type") : null;

        if (logId is null)
        {
            rejected.Add(new RejectedLogEntry(HashId(json.Span), Bounded(type), $"{name} has no log_id."));
        }
        else if (SourceIds.Problem("log_id", logId) is { } problem)
        {
            // An id that was repaired is no longer the id Auth0 sent (two bad ids may now read alike): the entry's bytes key it.
            var sourceId = logId.Length > SourceIds.MaxLength ? logId : HashId(json.Span);
            rejected.Add(new RejectedLogEntry(sourceId, Bounded(type), $"{name}: {problem}"));
        }
        else if (type is null)
        {
            rejected.Add(new RejectedLogEntry(logId, null, $"{name} (log_id {Quote.Short(logId)}) has no data.type."));
        }
        else
        {
            entries.Add(new Auth0LogEntry(logId, type, json));
        }
    }

    private static string? StringProperty(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : null;

    private static string? Bounded(string? type) => type is null ? null : Quote.Short(type);

    private static string HashId(ReadOnlySpan<byte> bytes) => "sha256-" + Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static string WithoutPosition(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return cut < 0 ? message : message[..cut];
    }
}
