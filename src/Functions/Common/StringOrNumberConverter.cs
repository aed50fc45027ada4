using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Crm.Integration.Functions.Common;

/// <summary>Ids that publishers send as strings or as numbers, read as text either way.</summary>
internal sealed class StringOrNumberConverter : JsonConverter<string?>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Number => reader.TryGetInt64(out var whole)
            ? whole.ToString(CultureInfo.InvariantCulture)
            : reader.GetDecimal().ToString(CultureInfo.InvariantCulture),
        JsonTokenType.Null => null,
        _ => throw new JsonException($"Expected a string or a number, found {reader.TokenType}."),
    };

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
