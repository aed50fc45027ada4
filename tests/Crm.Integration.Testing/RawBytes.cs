using System.Text;

namespace Crm.Integration.Testing;

/// <summary>Bodies that are not valid UTF-8, written readably in tests.</summary>
public static class RawBytes
{
    /// <summary>The text as UTF-8, with each <c>&lt;FF&gt;</c> standing for the single byte 0xFF, which is not UTF-8.</summary>
    public static byte[] WithFF(string text) =>
        [.. text.Split("<FF>").SelectMany((part, i) => i == 0 ? Encoding.UTF8.GetBytes(part) : [0xFF, .. Encoding.UTF8.GetBytes(part)])];
}
