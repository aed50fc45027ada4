using System.Buffers.Text;
using System.Text;

namespace Crm.Integration.Connectors.Storage;

/// <summary>
/// Table keys may not contain '/', '\', '#', '?' or control characters. Ids that do are stored base64url-encoded
/// behind a prefix, so that two different ids can never map to the same key.
/// </summary>
internal static class TableKey
{
    private const string EncodedPrefix = "~b64~";

    public static string Encode(string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var safe = !id.StartsWith(EncodedPrefix, StringComparison.Ordinal)
            && !id.AsSpan().ContainsAny("/\\#?")
            && !id.Any(char.IsControl);
        return safe ? id : EncodedPrefix + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(id));
    }

    public static string Decode(string key) =>
        key.StartsWith(EncodedPrefix, StringComparison.Ordinal)
            ? Encoding.UTF8.GetString(Base64Url.DecodeFromChars(key.AsSpan(EncodedPrefix.Length)))
            : key;
}
