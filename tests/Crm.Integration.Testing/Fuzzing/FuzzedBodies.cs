using System.Text;
using System.Text.Json.Nodes;

namespace Crm.Integration.Testing.Fuzzing;

/// <summary>One fuzzed body and how it was made, so that a failing case names its mutation.</summary>
public sealed record FuzzedBody(int Index, string Mutation, byte[] Bytes)
{
    public override string ToString() => $"#{Index} {Mutation} ({Bytes.Length} bytes)";
}

/// <summary>
/// A fixed-seed corpus of damaged bodies made from valid ones: truncated, bit-flipped, re-encoded (UTF-16, Latin-1,
/// BOMs), nested past any sane depth, with oversized or wrongly typed fields, and with text that is not text (lone
/// surrogates, invalid UTF-8). The same seed makes the same corpus on every machine, so a failure can be replayed.
/// </summary>
public static class FuzzedBodies
{
    private const string LoneHigh = "LONE-HIGH-SURROGATE";
    private const string LoneLow = "LONE-LOW-SURROGATE";

    private static readonly string[] Mutations =
    [
        "truncated", "bit-flipped", "utf16", "latin1", "bom", "nested", "oversized-field", "wrong-type", "lone-surrogate",
        "invalid-utf8", "duplicated-keys", "control-characters",
    ];

    /// <summary><paramref name="count"/> bodies from the seeds, cycling through the mutations.</summary>
    public static IReadOnlyList<FuzzedBody> Make(IReadOnlyList<byte[]> seeds, int count, int seed)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(i =>
        {
            var mutation = Mutations[i % Mutations.Length];
            var source = seeds[random.Next(seeds.Count)];
            return new FuzzedBody(i, mutation, Mutate(mutation, source, random));
        }).ToList();
    }

    private static byte[] Mutate(string mutation, byte[] source, Random random) => mutation switch
    {
        "truncated" => source[..random.Next(0, source.Length)],
        "bit-flipped" => FlipBits(source, random),
        "utf16" => Encoding.Unicode.GetBytes(Encoding.UTF8.GetString(source)),
        "latin1" => Encoding.Latin1.GetBytes(Encoding.UTF8.GetString(source).Replace("a", "ä", StringComparison.Ordinal)),
        "bom" => [0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF, .. source],
        "nested" => Encoding.UTF8.GetBytes(new string('[', 200 + random.Next(800)) + Encoding.UTF8.GetString(source) + new string(']', 200)),
        "oversized-field" => ReplaceStrings(source, random, _ => new string('x', 100_000 + random.Next(200_000))),
        "wrong-type" => ReplaceStrings(source, random, _ => null),
        "lone-surrogate" => ReplaceStrings(source, random, s => s + (random.Next(2) == 0 ? LoneHigh : LoneLow)),
        "invalid-utf8" => InsertBytes(source, random, [0xFF, 0xC3, 0x28, 0xED, 0xA0, 0x80]),
        "duplicated-keys" => Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(source).Replace("\"log_id\":", "\"log_id\":1,\"log_id\":", StringComparison.Ordinal)),
        "control-characters" => ReplaceStrings(source, random, s => s + "\n\u001b[2J\r\0"),
        _ => throw new ArgumentOutOfRangeException(nameof(mutation), mutation, "Unknown mutation."),
    };

    private static byte[] FlipBits(byte[] source, Random random)
    {
        var copy = source.ToArray();
        for (var flips = 1 + random.Next(6); flips > 0 && copy.Length > 0; flips--)
        {
            copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
        }

        return copy;
    }

    private static byte[] InsertBytes(byte[] source, Random random, byte[] bad)
    {
        // Inside a string value when there is one: the reader must take the body, and the text must still be repaired.
        var text = Encoding.UTF8.GetString(source);
        var quote = text.IndexOf("\":\"", random.Next(Math.Max(1, text.Length / 2)), StringComparison.Ordinal);
        var at = quote < 0 ? random.Next(source.Length) : Encoding.UTF8.GetByteCount(text[..(quote + 3)]);
        return [.. source[..at], .. bad.AsSpan(0, 1 + random.Next(bad.Length)), .. source[at..]];
    }

    /// <summary>Replaces some string values (null: by a number, or by an array) and serialises, escapes and all.</summary>
    private static byte[] ReplaceStrings(byte[] source, Random random, Func<string, string?> replace)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(source);
        }
        catch (System.Text.Json.JsonException)
        {
            return source;
        }

        var strings = new List<JsonValue>();
        Collect(root, strings);
        foreach (var value in strings.Where(_ => random.Next(3) == 0).DefaultIfEmpty(strings.FirstOrDefault()).OfType<JsonValue>())
        {
            var replacement = replace(value.GetValue<string>());
            JsonNode? node = replacement is not null ? JsonValue.Create(replacement) : random.Next(2) == 0 ? JsonValue.Create(42) : new JsonArray(1, 2);
            switch (value.Parent)
            {
                case JsonObject parent:
                    parent[value.GetPropertyName()] = node;
                    break;
                case JsonArray array:
                    array[value.GetElementIndex()] = node;
                    break;
                default:
                    break;
            }
        }

        // Lone surrogates cannot go through the writer: markers stand in for them, written as the JSON escapes a sender sends.
        return Encoding.UTF8.GetBytes((root?.ToJsonString() ?? "null")
            .Replace(LoneHigh, "\\ud800", StringComparison.Ordinal).Replace(LoneLow, "\\udc00x", StringComparison.Ordinal));
    }

    private static void Collect(JsonNode? node, List<JsonValue> strings)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, child) in obj.ToList())
                {
                    Collect(child, strings);
                }

                break;
            case JsonArray array:
                foreach (var child in array.ToList())
                {
                    Collect(child, strings);
                }

                break;
            case JsonValue value when value.GetValueKind() == System.Text.Json.JsonValueKind.String:
                strings.Add(value);
                break;
            default:
                break;
        }
    }
}
