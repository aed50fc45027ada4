using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Crm.Integration.Functions.Common;

/// <summary>
/// Makes JSON from outside readable as text. System.Text.Json parses invalid UTF-8 and lone surrogate escapes
/// (<c>"\ud800"</c>) but refuses to turn them into strings, so one bad character in a name would make a whole event
/// unreadable. Both are replaced with U+FFFD, the Unicode replacement character, and the event goes on; a field that
/// must be exact (an id) is checked for U+FFFD by whoever needs it to be exact.
/// </summary>
internal static class JsonText
{
    private static readonly byte[] Replacement = "\\ufffd"u8.ToArray();

    /// <summary>The same memory when it is clean (the usual case, no copy), else a repaired copy.</summary>
    public static ReadOnlyMemory<byte> Repair(ReadOnlyMemory<byte> json)
    {
        if (!Utf8.IsValid(json.Span))
        {
            // The decoder's replacement fallback turns every invalid sequence into U+FFFD.
            json = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(json.Span));
        }

        return json.Span.IndexOf("\\u"u8) < 0 ? json : RepairSurrogateEscapes(json);
    }

    /// <summary>True when the text holds U+FFFD: a character that was, or stood for, something unreadable.</summary>
    public static bool HasReplacement(string text) => text.Contains('\uFFFD', StringComparison.Ordinal);

    private static ReadOnlyMemory<byte> RepairSurrogateEscapes(ReadOnlyMemory<byte> json)
    {
        var span = json.Span;
        ArrayBufferWriter<byte>? repaired = null;
        var copiedUpTo = 0;
        var inString = false;
        for (var i = 0; i < span.Length; i++)
        {
            var b = span[i];
            if (!inString)
            {
                inString = b == (byte)'"';
                continue;
            }

            if (b == (byte)'"')
            {
                inString = false;
                continue;
            }

            if (b != (byte)'\\' || i + 1 >= span.Length)
            {
                continue;
            }

            if (span[i + 1] != (byte)'u' || !TryHex(span, i + 2, out var unit))
            {
                i++; // an escape of one character: \" \\ \n …
                continue;
            }

            var isHigh = unit is >= 0xD800 and <= 0xDBFF;
            var isLow = unit is >= 0xDC00 and <= 0xDFFF;
            if (isHigh && i + 7 < span.Length && span[i + 6] == (byte)'\\' && span[i + 7] == (byte)'u'
                && TryHex(span, i + 8, out var next) && next is >= 0xDC00 and <= 0xDFFF)
            {
                i += 11; // a proper pair
                continue;
            }

            if (isHigh || isLow)
            {
                repaired ??= new ArrayBufferWriter<byte>(span.Length);
                repaired.Write(span[copiedUpTo..i]);
                repaired.Write(Replacement);
                copiedUpTo = i + 6;
            }

            i += 5;
        }

        if (repaired is null)
        {
            return json;
        }

        repaired.Write(span[copiedUpTo..]);
        return repaired.WrittenMemory;
    }

    private static bool TryHex(ReadOnlySpan<byte> span, int start, out int value)
    {
        value = 0;
        if (start + 4 > span.Length)
        {
            return false;
        }

        foreach (var b in span.Slice(start, 4))
        {
            var digit = b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
                _ => -1,
            };
            if (digit < 0)
            {
                return false;
            }

            value = (value << 4) | digit;
        }

        return true;
    }
}
