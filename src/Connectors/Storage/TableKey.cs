using System.Buffers.Text;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Crm.Integration.Connectors.Storage;

/// <summary>
/// Turns any id into a table key. Keys may not contain '/', '\', '#', '?' or control characters and may hold at most
/// 1 KiB; ids from outside may be anything. A plain short id stays as it is (readable in Storage Explorer); a short id
/// with forbidden characters is stored base64url-encoded; any other id (long, or not well-formed UTF-16) becomes a
/// SHA-256 of its UTF-16 code units. Each form has a prefix no plain key may start with, so two different ids never
/// share a key. Hashed keys cannot be decoded: rows keep the id itself in a column of their own.
/// </summary>
internal static class TableKey
{
    /// <summary>At most this many characters of key per id, so that a RowKey of two parts stays far below 1 KiB.</summary>
    public const int MaxLength = 240;

    private const char FormPrefix = '~';
    private const string EncodedPrefix = "~b64~";
    private const string HashedPrefix = "~sha256~";
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string Encode(string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var plain = id.Length <= MaxLength
            && id[0] != FormPrefix
            && !id.AsSpan().ContainsAny("/\\#?")
            && !id.Any(c => char.IsControl(c) || char.IsSurrogate(c));
        if (plain)
        {
            return id;
        }

        if (id.Length <= MaxLength && TryEncodeUtf8(id, out var bytes) && EncodedPrefix.Length + Base64Url.GetEncodedLength(bytes.Length) <= MaxLength)
        {
            return EncodedPrefix + Base64Url.EncodeToString(bytes);
        }

        return HashedPrefix + Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(id.AsSpan())));
    }

    /// <summary>The id behind a plain or encoded key; a hashed key is returned as it is.</summary>
    public static string Decode(string key) =>
        key.StartsWith(EncodedPrefix, StringComparison.Ordinal)
            ? Encoding.UTF8.GetString(Base64Url.DecodeFromChars(key.AsSpan(EncodedPrefix.Length)))
            : key;

    private static bool TryEncodeUtf8(string id, out byte[] bytes)
    {
        try
        {
            bytes = StrictUtf8.GetBytes(id);
            return true;
        }
        catch (EncoderFallbackException)
        {
            bytes = [];
            return false; // a lone surrogate: UTF-8 cannot carry it, so two such ids would encode alike
        }
    }
}
