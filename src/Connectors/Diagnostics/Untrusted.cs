using System.Globalization;
using System.Text;

namespace Crm.Integration.Connectors.Diagnostics;

/// <summary>
/// A value from outside (an id, a reason quoting a publisher, a broker's error text) on its way into a log line. It
/// prints at most <see cref="MaxLength"/> characters, with control characters, lone surrogates and the escape
/// character shown as <c>\uXXXX</c>, so that a crafted id can neither forge log lines (newlines, ANSI escapes) nor
/// flood the log (a 1 MB id).
/// </summary>
public readonly struct Untrusted(string? value) : IEquatable<Untrusted>
{
    public const int MaxLength = 200;

    public string? Value { get; } = value;

    public static implicit operator Untrusted(string? value) => new(value);

    public static Untrusted FromString(string? value) => new(value);

    public override string ToString() => Escape(Value);

    public static string Escape(string? value)
    {
        if (value is null)
        {
            return "(none)";
        }

        var visible = value.Length <= MaxLength ? value : value[..MaxLength];
        if (visible.Length > 0 && char.IsHighSurrogate(visible[^1]))
        {
            visible = visible[..^1]; // the cut must not leave half a pair
        }

        var builder = new StringBuilder(visible.Length + 16);
        for (var i = 0; i < visible.Length; i++)
        {
            var c = visible[i];
            var paired = char.IsHighSurrogate(c) && i + 1 < visible.Length && char.IsLowSurrogate(visible[i + 1]);
            if (paired)
            {
                builder.Append(c).Append(visible[++i]);
            }
            else if (char.IsControl(c) || char.IsSurrogate(c) || c is '\u2028' or '\u2029')
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        if (value.Length > MaxLength)
        {
            builder.Append(CultureInfo.InvariantCulture, $"… ({value.Length} characters)");
        }

        return builder.ToString();
    }

    public bool Equals(Untrusted other) => string.Equals(Value, other.Value, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is Untrusted other && Equals(other);

    public override int GetHashCode() => Value is null ? 0 : StringComparer.Ordinal.GetHashCode(Value);

    public static bool operator ==(Untrusted left, Untrusted right) => left.Equals(right);

    public static bool operator !=(Untrusted left, Untrusted right) => !left.Equals(right);
}
