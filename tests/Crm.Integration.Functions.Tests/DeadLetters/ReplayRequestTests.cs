using System.Text.Json;
using Crm.Integration.Connectors.ServiceBus;
using Crm.Integration.Functions.DeadLetters;

namespace Crm.Integration.Functions.Tests.DeadLetters;

/// <summary>The replay filter's body: every field optional, a dry run unless asked otherwise, a specific problem for each bad field.</summary>
public sealed class ReplayRequestTests
{
    private static readonly DateTimeOffset Enqueued = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Read_EmptyObject_IsADryRunOfEveryQueue()
    {
        var request = Read("{}", out var problem);

        Assert.Null(problem);
        Assert.True(request!.DryRun);
        Assert.Equal(["auth0-log-events", "platform-events"], request.Queues);
        Assert.True(request.Matches(Letter("any", reason: null)));
    }

    [Fact]
    public void Read_EveryField_IsKept()
    {
        var request = Read("""{"queue":"platform-events","reasons":["UndeclaredProperty"],"ids":["a","b"],"before":"2026-12-02T10:00:00Z","dryRun":false}""", out _);

        Assert.Equal(("platform-events", false, new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero)), (request!.Queue, request.DryRun, request.Before));
        Assert.Equal(["UndeclaredProperty"], request.Reasons);
        Assert.Equal(["a", "b"], request.Ids);
        Assert.Equal(["platform-events"], request.Queues);
    }

    [Theory]
    [InlineData("[]", "must be a JSON object")]
    [InlineData("""{"queue":"orders"}""", "'queue' must be one of auth0-log-events, platform-events")]
    [InlineData("""{"queue":7}""", "'queue' must be one of")]
    [InlineData("""{"reasons":"UndeclaredProperty"}""", "'reasons' must be an array")]
    [InlineData("""{"reasons":[]}""", "'reasons' must be an array of 1 to 1000")]
    [InlineData("""{"ids":[1]}""", "'ids' must be an array")]
    [InlineData("""{"ids":[""]}""", "non-empty strings")]
    [InlineData("""{"before":"yesterday"}""", "'before' must be a date and time with its offset")]
    [InlineData("""{"before":"2026-12-02T10:00:00"}""", "'before' must be a date and time with its offset")]
    [InlineData("""{"dryRun":"false"}""", "'dryRun' must be true or false")]
    [InlineData("""{"dry_run":false}""", "'dry_run' is not a replay field")]
    public void Read_BadField_NamesTheFieldAndWhatItMustBe(string body, string said)
    {
        Assert.Null(Read(body, out var problem));
        Assert.Contains(said, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Matches_EveryGivenCondition_MustHold()
    {
        var request = Read("""{"reasons":["UndeclaredProperty"],"ids":["a","b"],"before":"2026-12-02T10:00:00+01:00"}""", out _)!;

        Assert.False(request.Matches(Letter("a", "UndeclaredProperty"))); // 09:00Z is not before 09:00Z
        Assert.True(request.Matches(Letter("a", "UndeclaredProperty", Enqueued.AddMinutes(-1))));
        Assert.False(request.Matches(Letter("c", "UndeclaredProperty", Enqueued.AddMinutes(-1))));
        Assert.False(request.Matches(Letter("b", "UnknownTemplate", Enqueued.AddMinutes(-1))));
        Assert.False(request.Matches(Letter("b", null, Enqueued.AddMinutes(-1)))); // a reason nobody knows matches no reason
    }

    private static ReplayRequest? Read(string json, out string? problem)
    {
        using var document = JsonDocument.Parse(json);
        return ReplayRequest.Read(document.RootElement, out problem);
    }

    private static DeadLetter Letter(string id, string? reason, DateTimeOffset? enqueued = null) =>
        new("platform-events", 1, id, "transactional_email", "application/json", reason, null, enqueued ?? Enqueued, 0, ReadOnlyMemory<byte>.Empty);
}
