using System.Buffers.Text;
using System.Text;
using Microsoft.Net.Http.Headers;

namespace Crm.Integration.Functions.TemplatesAdmin;

/// <summary>
/// HTTP entity tags for template versions. The store's version (a Table Storage ETag, itself weak and quoted) is
/// wrapped as an opaque strong tag, because <c>If-Match</c> compares strongly (RFC 9110 §13.1.1).
/// </summary>
internal static class EntityTags
{
    public static string For(string version) => "\"" + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(version)) + "\"";

    /// <summary>
    /// The store version an <c>If-Match</c> header names: "*" for any, null when the header names no tag this API
    /// issued (a weak tag, a stranger's, or several), which can only fail the precondition.
    /// </summary>
    public static string? VersionIn(string ifMatch)
    {
        if (!EntityTagHeaderValue.TryParseList([ifMatch], out var tags) || tags.Count != 1)
        {
            return null;
        }

        var tag = tags[0];
        if (tag == EntityTagHeaderValue.Any)
        {
            return "*";
        }

        if (tag.IsWeak)
        {
            return null;
        }

        try
        {
            return Encoding.UTF8.GetString(Base64Url.DecodeFromChars(tag.Tag.AsSpan(1, tag.Tag.Length - 2)));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
