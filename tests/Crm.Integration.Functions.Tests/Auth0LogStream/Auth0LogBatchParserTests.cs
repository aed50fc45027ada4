using System.Text;
using System.Text.Json.Nodes;
using Crm.Integration.Functions.Auth0LogStream;
using Crm.Integration.Testing;

namespace Crm.Integration.Functions.Tests.Auth0LogStream;

public sealed class Auth0LogBatchParserTests
{
    public static TheoryData<string> Fixtures() => new(Auth0Fixtures.LogFileNames);

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void TryParse_FixtureAsSingleObject_YieldsOneEntryWithItsIdTypeAndBytes(string fileName)
    {
        var envelope = Auth0Fixtures.Envelope(fileName);
        var body = Auth0Fixtures.AsObject(envelope);

        var entry = Assert.Single(ParseOk(body).Entries);

        Assert.Equal(Auth0Fixtures.LogIdOf(envelope), entry.LogId);
        Assert.Equal(Auth0Fixtures.TypeOf(fileName), entry.Type);
        Assert.Equal(body, entry.Json.ToArray());
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void TryParse_FixtureInJsonArray_YieldsItsEntryBetweenNeighbours(string fileName)
    {
        var neighbour = Auth0Fixtures.Envelope("ss__elastic__db-signup.json");
        var envelope = Auth0Fixtures.Envelope(fileName);

        var batch = ParseOk(Auth0Fixtures.AsArray([neighbour, envelope, neighbour]));

        Assert.Equal(3, batch.Entries.Count);
        Assert.Equal(Auth0Fixtures.LogIdOf(envelope), batch.Entries[1].LogId);
        Assert.Equal(Auth0Fixtures.TypeOf(fileName), batch.Entries[1].Type);
        Assert.True(JsonNode.DeepEquals(envelope, JsonNode.Parse(batch.Entries[1].Json.Span)));
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void TryParse_FixtureAsJsonLine_YieldsItsEntryWithTheLineAsBytes(string fileName)
    {
        var envelope = Auth0Fixtures.Envelope(fileName);
        var line = envelope.ToJsonString();

        var batch = ParseOk(Encoding.UTF8.GetBytes($"{line}\n{line}\r\n"));

        Assert.Equal(2, batch.Entries.Count);
        Assert.All(batch.Entries, entry =>
        {
            Assert.Equal(Auth0Fixtures.LogIdOf(envelope), entry.LogId);
            Assert.Equal(Auth0Fixtures.TypeOf(fileName), entry.Type);
            Assert.Equal(line, Encoding.UTF8.GetString(entry.Json.Span));
        });
    }

    [Fact]
    public void TryParse_EveryFixtureInEachFormat_YieldsTheSameEntriesInOrder()
    {
        var envelopes = Auth0Fixtures.LogFileNames.Select(Auth0Fixtures.Envelope).ToList();
        var expected = Auth0Fixtures.LogFileNames.Select(f => Auth0Fixtures.TypeOf(f)).ToList();

        foreach (var body in new[] { Auth0Fixtures.AsArray(envelopes), Auth0Fixtures.AsJsonLines(envelopes) })
        {
            var batch = ParseOk(body);
            Assert.Empty(batch.Rejected);
            Assert.Equal(expected, batch.Entries.Select(e => e.Type));
            Assert.Equal(envelopes.Select(Auth0Fixtures.LogIdOf), batch.Entries.Select(e => e.LogId));
        }
    }

    [Fact]
    public void TryParse_ArrayWithSyntaxError_FailsNamingLineAndByte()
    {
        var body = "[\n  {\"log_id\": \"1\", \"data\": {\"type\": \"s\"}},\n  {\"log_id\": \"2\" \"data\": {}}\n]"u8.ToArray();

        Assert.False(Auth0LogBatchParser.TryParse(body, out _, out var error));

        Assert.Equal(3, error.Line);
        Assert.Equal(18, error.BytePositionInLine); // the quote opening "data", 1-based
        Assert.Contains("not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_JsonLinesWithOneBrokenLine_RejectsThatLineAndKeepsTheOthers()
    {
        var body = """
            {"log_id":"1","data":{"type":"s"}}
            {"log_id":"2","data":{"type":"s"
            {"log_id":"3","data":{"type":"ss"}}
            """u8.ToArray();

        var batch = ParseOk(body);

        Assert.Equal(["1", "3"], batch.Entries.Select(e => e.LogId));
        var rejected = Assert.Single(batch.Rejected);
        Assert.StartsWith("Line 2 is not valid JSON", rejected.Reason, StringComparison.Ordinal);
        Assert.StartsWith("sha256-", rejected.SourceId, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  \r\n ")]
    [InlineData("not json at all")]
    [InlineData("{\"log_id\": ")]
    [InlineData("garbage\nmore garbage\n")]
    public void TryParse_NothingReadable_Fails(string body)
    {
        Assert.False(Auth0LogBatchParser.TryParse(Encoding.UTF8.GetBytes(body), out var batch, out var error));

        Assert.Null(batch);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        Assert.True(error.Line >= 1 && error.BytePositionInLine >= 1);
    }

    [Fact]
    public void TryParse_EntryWithoutLogId_IsRejectedUnderAHashOfItsBytes_SameBytesSameId()
    {
        var body = """[{"data":{"type":"s"}}, {"data":{"type":"s"}}, {"log_id":"7","data":{"type":"s"}}]"""u8.ToArray();

        var batch = ParseOk(body);

        Assert.Equal("7", Assert.Single(batch.Entries).LogId);
        Assert.Equal(2, batch.Rejected.Count);
        Assert.Equal(batch.Rejected[0].SourceId, batch.Rejected[1].SourceId);
        Assert.Equal("s", batch.Rejected[0].Type);
        Assert.Equal("Entry 1 has no log_id.", batch.Rejected[0].Reason);
    }

    [Fact]
    public void TryParse_EntryWithoutType_IsRejectedUnderItsLogId()
    {
        var batch = ParseOk("""{"log_id":"42","data":{"date":"2024-01-01T00:00:00Z"}}"""u8.ToArray());

        var rejected = Assert.Single(batch.Rejected);
        Assert.Equal("42", rejected.SourceId);
        Assert.Equal("Entry 1 (log_id 42) has no data.type.", rejected.Reason);
        Assert.Empty(batch.Entries);
    }

    [Fact]
    public void TryParse_EntryThatIsNotAnObject_IsRejected()
    {
        var batch = ParseOk("""[1, "two", {"log_id":"3","data":{"type":"s"}}]"""u8.ToArray());

        Assert.Equal(["Entry 1 is a JSON number, not an object.", "Entry 2 is a JSON string, not an object."], batch.Rejected.Select(r => r.Reason));
        Assert.Single(batch.Entries);
    }

    [Fact]
    public void TryParse_LogIdOnlyInsideData_IsTakenFromThere()
    {
        var entry = Assert.Single(ParseOk("""{"data":{"log_id":"9","type":"ss"}}"""u8.ToArray()).Entries);

        Assert.Equal("9", entry.LogId);
    }

    [Fact]
    public void TryParse_BodyWithUtf8ByteOrderMark_Parses()
    {
        byte[] body = [0xEF, 0xBB, 0xBF, .. """{"log_id":"1","data":{"type":"s"}}"""u8];

        Assert.Equal("1", Assert.Single(ParseOk(body).Entries).LogId);
    }

    /// <summary>Issue 14, defect 2: a lone surrogate or invalid UTF-8 in log_id refused the whole delivery with a 500.</summary>
    [Theory]
    [InlineData("lone high surrogate", """[{"log_id":"a\ud800","data":{"type":"s"}}, {"log_id":"good","data":{"type":"s"}}]""")]
    [InlineData("lone low surrogate", """[{"log_id":"a\udc00b","data":{"type":"s"}}, {"log_id":"good","data":{"type":"s"}}]""")]
    [InlineData("the byte 0xFF", """[{"log_id":"a<FF>","data":{"type":"s"}}, {"log_id":"good","data":{"type":"s"}}]""")]
    public void TryParse_LogIdThatIsNotText_RejectsThatEntryNamingLogId_TheOthersGoOn(string what, string json)
    {
        var body = RawBytes.WithFF(json);

        var batch = ParseOk(body);

        Assert.Equal("good", Assert.Single(batch.Entries).LogId);
        var rejected = Assert.Single(batch.Rejected);
        Assert.Contains("log_id", rejected.Reason, StringComparison.Ordinal);
        Assert.True(rejected.SourceId.StartsWith("sha256-", StringComparison.Ordinal), what);
    }

    /// <summary>Issue 14, defect 1: over-long ids; a 1 MB one without a type was quoted whole in its reason.</summary>
    [Theory]
    [InlineData(1024, true)]
    [InlineData(1025, false)]
    [InlineData(2000, false)]
    [InlineData(1_000_000, false)]
    public void TryParse_LogIdLength_UpTo1024Forwarded_LongerRejectedWithABoundedReason(int length, bool forwarded)
    {
        var id = new string('x', length);
        var body = Encoding.UTF8.GetBytes($$$"""[{"log_id":"{{{id}}}","data":{"type":"s"}},{"log_id":"{{{id}}}","data":{}}]""");

        var batch = ParseOk(body);

        Assert.Equal(forwarded ? 1 : 0, batch.Entries.Count);
        Assert.All(batch.Rejected, r => Assert.True(r.Reason.Length < 400, $"a reason of {r.Reason.Length} characters"));
        var expected = forwarded ? new[] { "has no data.type" } : ["characters; an id has at most 1024", "characters; an id has at most 1024"];
        Assert.Equal(expected.Length, batch.Rejected.Count);
        Assert.All(batch.Rejected.Zip(expected), pair => Assert.Contains(pair.Second, pair.First.Reason, StringComparison.Ordinal));
    }

    /// <summary>Issue 14, defect 3: one bad character in a user's field made the event unreadable on the queue.</summary>
    [Fact]
    public void TryParse_BadTextInNames_IsReplacedInTheForwardedBytes_AndTheEntryGoesOn()
    {
        var body = RawBytes.WithFF("""{"log_id":"n1","data":{"type":"ss","user_name":"x<FF>y","details":{"body":{"given_name":"Ada \ud800","family_name":"L\udfff"}}}}""");

        var entry = Assert.Single(ParseOk(body).Entries);

        var data = JsonNode.Parse(entry.Json.Span)!["data"]!;
        var names = data["details"]!["body"]!;
        Assert.Equal(("Ada \ufffd", "L\ufffd", "x\ufffdy"),
            (names["given_name"]!.GetValue<string>(), names["family_name"]!.GetValue<string>(), data["user_name"]!.GetValue<string>()));
    }

    [Fact]
    public void TryParse_ProperSurrogatePairAndEscapedBackslashes_AreLeftAsTheyAre()
    {
        var body = Encoding.UTF8.GetBytes("""{"log_id":"p1","data":{"type":"s","user_name":"\ud83d\ude00 \\ud800 \\\ud83d\ude00"}}""");

        var entry = Assert.Single(ParseOk(body).Entries);

        Assert.Equal(body, entry.Json.ToArray());
    }


    private static Auth0LogBatch ParseOk(byte[] body)
    {
        Assert.True(Auth0LogBatchParser.TryParse(body, out var batch, out var error), error?.Message);
        return batch;
    }
}
