using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Crm.Integration.Testing.ServiceBusDouble;

/// <summary>
/// Service Bus shared access signatures: <c>SharedAccessSignature sr=&lt;url-encoded resource&gt;&amp;sig=&lt;signature&gt;&amp;se=&lt;expiry&gt;&amp;skn=&lt;key name&gt;</c>,
/// the signature being the base64 HMAC-SHA256, keyed with the key's UTF-8 bytes, of the encoded resource, a newline
/// and the expiry in Unix seconds.
/// </summary>
public static class SasTokens
{
    private const string Prefix = "SharedAccessSignature ";

    /// <summary>Null when the token is valid for <paramref name="keyName"/>/<paramref name="key"/> at <paramref name="now"/>; otherwise why not.</summary>
    public static string? Problem(string token, string keyName, string key, DateTimeOffset now)
    {
        if (!token.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return "not a shared access signature";
        }

        var fields = token[Prefix.Length..].Split('&')
            .Select(pair => pair.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
        if (!fields.TryGetValue("sr", out var resource) || !fields.TryGetValue("sig", out var signature)
            || !fields.TryGetValue("se", out var expiry) || !fields.TryGetValue("skn", out var tokenKeyName))
        {
            return "a field of sr, sig, se, skn is missing";
        }

        if (!string.Equals(tokenKeyName, keyName, StringComparison.Ordinal))
        {
            return $"unknown key name '{tokenKeyName}'";
        }

        if (!long.TryParse(expiry, NumberStyles.None, CultureInfo.InvariantCulture, out var expirySeconds)
            || DateTimeOffset.FromUnixTimeSeconds(expirySeconds) <= now)
        {
            return "expired";
        }

        var expected = Sign(resource, expiry, key);
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(WebUtility.UrlDecode(signature)))
            ? null
            : "signature does not match the key";
    }

    private static string Sign(string encodedResource, string expiry, string key) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes($"{encodedResource}\n{expiry}")));
}
