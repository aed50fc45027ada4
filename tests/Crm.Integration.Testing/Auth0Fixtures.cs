using System.Text;
using System.Text.Json.Nodes;

namespace Crm.Integration.Testing;

/// <summary>
/// The published Auth0 log events in <c>shared/fixtures/auth0/logs</c>, as stream envelopes: a Management API log item
/// is wrapped as <c>{"log_id": item.log_id, "data": item}</c>, as the fixtures' README says.
/// </summary>
public static class Auth0Fixtures
{
    public static IReadOnlyList<string> LogFileNames { get; } =
        Directory.GetFiles(Path.Combine(RepositoryPaths.Auth0Fixtures, "logs"), "*.json")
            .Select(Path.GetFileName)
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>The log type named by the file: the part before the first <c>__</c>.</summary>
    public static string TypeOf(string fileName) => fileName[..fileName.IndexOf("__", StringComparison.Ordinal)];

    public static JsonObject Envelope(string fileName)
    {
        var node = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Auth0Fixtures, "logs", fileName)))!.AsObject();
        return node["data"] is JsonObject
            ? node
            : new JsonObject { ["log_id"] = node["log_id"]!.GetValue<string>(), ["data"] = node };
    }

    public static string LogIdOf(JsonObject envelope) => envelope["log_id"]!.GetValue<string>();

    /// <summary>The envelope as a pretty-printed single object (one of Auth0's three content formats).</summary>
    public static byte[] AsObject(JsonObject envelope) => Encoding.UTF8.GetBytes(envelope.ToJsonString(Indented));

    public static byte[] AsArray(IEnumerable<JsonObject> envelopes) =>
        Encoding.UTF8.GetBytes(new JsonArray(envelopes.Select(e => (JsonNode)e.DeepClone()).ToArray()).ToJsonString(Indented));

    public static byte[] AsJsonLines(IEnumerable<JsonObject> envelopes) =>
        Encoding.UTF8.GetBytes(string.Join('\n', envelopes.Select(e => e.ToJsonString())) + "\n");

    private static readonly System.Text.Json.JsonSerializerOptions Indented = new() { WriteIndented = true };
}
