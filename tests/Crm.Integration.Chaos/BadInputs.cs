using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Crm.Integration.Benchmark;

namespace Crm.Integration.Chaos;

/// <summary>
/// The bad inputs of issue 14, each in a delivery beside a good login (as Auth0 batches them). The odd but valid ones
/// (a lone surrogate in a name, invalid UTF-8 in a user name, a newline or ANSI escape in a log id, a 4 MiB body in
/// 16-byte chunks) are good events: their contacts must appear. The rest must be rejected with a reason.
/// </summary>
internal static class BadInputs
{
    public static async Task SendAsync(Traffic traffic, ChaosWorkload workload)
    {
        var run = workload.Run;
        var n = 0;

        // Each delivery: the bad part and a good login of a new contact, in one JSON array.
        async Task Mixed(string what, string badEntries, int bad, string? extraGood = null, string? extraGoodEmail = null, string? extraGoodId = null)
        {
            var id = $"{run}-burst-{n++}";
            var email = $"burst.{run}.{n}@example.com";
            workload.ExtraContacts[email] = id;
            if (extraGoodEmail is not null)
            {
                workload.ExtraContacts[extraGoodEmail] = extraGoodId!;
            }

            var good = $$$"""{"log_id":"{{{id}}}","data":{"type":"s","date":"2026-11-02T10:00:00Z","user_id":"auth0|{{{run}}}-burst{{{n}}}","user_name":"{{{email}}}"}}""";
            var body = Encoding.UTF8.GetBytes("[" + string.Join(",", new[] { good, badEntries, extraGood }.Where(p => !string.IsNullOrEmpty(p))) + "]");
            await traffic.PostMixedAsync(what, () => Drivers.LogStreamPost(body), bad, extraGood is null ? 1 : 2);
        }

        await Mixed("600-char id, no data", $$$"""{"log_id":"{{{run}}}-{{{new string('x', 600)}}}","data":{}}""", 1);
        await Mixed("2000-char id, valid login", $$$"""{"log_id":"{{{run}}}-{{{new string('y', 2000)}}}","data":{"type":"s","date":"2026-11-02T10:00:00Z","user_id":"auth0|{{{run}}}-long","user_name":"long.{{{run}}}@example.com"}}""", 1);
        await Mixed("1 MB id without type", $$$"""{"log_id":"{{{run}}}-{{{new string('z', 1_000_000)}}}","data":{}}""", 1);
        await Mixed("lone surrogate in log_id", $$$"""{"log_id":"{{{run}}}-a\ud800","data":{"type":"s","date":"2026-11-02T10:00:00Z","user_id":"auth0|{{{run}}}-sur","user_name":"sur.{{{run}}}@example.com"}}""", 1);

        var nameId = $"{run}-burst-name";
        var nameEmail = $"name.{run}@example.com";
        await Mixed("lone surrogate in given_name (good)", "", 0,
            $$$"""{"log_id":"{{{nameId}}}","data":{"type":"ss","date":"2026-11-02T10:00:00Z","user_id":"auth0|{{{run}}}-name","user_name":"{{{nameEmail}}}","details":{"body":{"email":"{{{nameEmail}}}","given_name":"Ada \ud800"}}""" + "}}",
            nameEmail, nameId);

        var injectionId = $"{run}-inject";
        var injectionEmail = $"inject.{run}@example.com";
        await Mixed("newline and ANSI in log_id (good)", "", 0,
            $$$"""{"log_id":"{{{injectionId}}}\n\u001b[31mFORGED fail: line","data":{"type":"s","date":"2026-11-02T10:00:00Z","user_id":"auth0|{{{run}}}-inject","user_name":"{{{injectionEmail}}}"}}""",
            injectionEmail, injectionId + "\n\u001b[31mFORGED fail: line");

        // Invalid UTF-8: in a log id (bad), and in the user name of a signup whose body has the email (good).
        var invalidId = Concat(Encoding.UTF8.GetBytes($$$"""[{"log_id":"{{{run}}}-bytes"""), [0xff, 0xfe], Encoding.UTF8.GetBytes("\"" + $$$""","data":{"type":"s","date":"2026-11-02T10:00:00Z","user_id":"auth0|{{{run}}}-bytes","user_name":"bytes.{{{run}}}@example.com"}}]"""));
        await traffic.PostMixedAsync("invalid UTF-8 in log_id", () => Drivers.LogStreamPost(invalidId), 1, 0);
        var utf8Id = $"{run}-burst-utf8";
        var utf8Email = $"utf8.{run}@example.com";
        workload.ExtraContacts[utf8Email] = utf8Id;
        var invalidName = Concat(Encoding.UTF8.GetBytes($$$"""[{"log_id":"{{{utf8Id}}}","data":{"type":"ss","date":"2026-11-02T10:00:00Z","user_id":"auth0|{{{run}}}-utf8","user_name":"Ada """), [0xc3, 0x28], Encoding.UTF8.GetBytes("\"" + $$$""","details":{"body":{"email":"{{{utf8Email}}}"}}""" + "}}]"));
        await traffic.PostMixedAsync("invalid UTF-8 in user_name (good)", () => Drivers.LogStreamPost(invalidName), 0, 1);

        // 4 MiB in 16-byte chunks: within the promised 5 MiB, so its login must go through.
        var chunkedId = $"{run}-burst-chunked";
        var chunkedEmail = $"chunked.{run}@example.com";
        workload.ExtraContacts[chunkedEmail] = chunkedId;
        var chunked = Encoding.UTF8.GetBytes($$$"""[{"log_id":"{{{chunkedId}}}","data":{"type":"s","date":"2026-11-02T10:00:00Z","user_id":"auth0|{{{run}}}-chunked","user_name":"{{{chunkedEmail}}}","description":"{{{new string('p', 4 * 1024 * 1024 - 300)}}}"}}]""");
        await traffic.PostMixedAsync("4 MiB body in 16-byte chunks (good)", () =>
        {
            var request = Drivers.LogStreamPost([]);
            request.Content = new SmallChunks(chunked);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            return request;
        }, 0, 1);
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    /// <summary>A body without Content-Length, written 16 bytes at a time, so that it goes out in 16-byte chunks.</summary>
    private sealed class SmallChunks(byte[] body) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var offset = 0; offset < body.Length; offset += 16)
            {
                await stream.WriteAsync(body.AsMemory(offset, Math.Min(16, body.Length - offset)));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
