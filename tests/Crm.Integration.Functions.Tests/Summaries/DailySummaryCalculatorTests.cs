using Crm.Integration.Connectors.HubSpot;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.Summaries;

namespace Crm.Integration.Functions.Tests.Summaries;

/// <summary>The daily summary as data: ledger rows and usage minutes in, the summary out.</summary>
public sealed class DailySummaryCalculatorTests
{
    private static readonly DateOnly Day = new(2026, 12, 1);
    private static readonly DateTimeOffset Midnight = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset NextDay = Midnight.AddDays(1).AddMinutes(10);

    private static NotificationRecord Row(
        string id, string channel = "auth0", string type = "user-login", NotificationStatus status = NotificationStatus.Delivered,
        double receivedMinutes = 60, double tookMs = 100, string? error = null, string? result = null) =>
        new(id, channel, type, status, Midnight.AddMinutes(receivedMinutes), Midnight.AddMinutes(receivedMinutes).AddMilliseconds(tookMs), 1, 0, error, Result: result);

    public static TheoryData<string?, string> ReasonCodes() => new()
    {
        { "UndeclaredProperty: The event carries 'coupon', which template 'welcome' does not declare.", "UndeclaredProperty" },
        { "HubSpotRejected: HubSpot refused the send: 400 INVALID_EMAIL: more: colons", "HubSpotRejected" },
        { "NoEmail", "NoEmail" },
        { "no code here, only a sentence", "no code here, only a sentence" },
        { "  Padded  : text", "Padded" },
        { "a:b without the space", "a:b without the space" },
        { ": starts with the separator", "unknown" },
        { "", "unknown" },
        { null, "unknown" },
        { new string('x', 200), new string('x', 63) + "…" },
    };

    [Theory]
    [MemberData(nameof(ReasonCodes))]
    public void ReasonCode_IsTheTextBeforeTheFirstColonSpace(string? lastError, string expected) =>
        Assert.Equal(expected, DailySummaryCalculator.ReasonCode(lastError));

    public static TheoryData<long[], long?, long?> Percentiles() => new()
    {
        { [], null, null },
        { [42], 42, 42 },
        { [10, 20], 10, 20 },
        { [30, 10, 20], 20, 30 },
        { [.. Enumerable.Range(1, 100).Select(i => (long)i)], 50, 95 },
        { [.. Enumerable.Range(1, 20).Select(i => i * 10L)], 100, 190 },
        { [5, 5, 5, 5, 1000], 5, 1000 },
    };

    [Theory]
    [MemberData(nameof(Percentiles))]
    public void TimeToHubSpot_NearestRankPercentilesOfDeliveredRows(long[] milliseconds, long? p50, long? p95)
    {
        var rows = milliseconds.Select((ms, i) => Row($"d{i}", tookMs: ms))
            .Append(Row("rejected-slow", status: NotificationStatus.Rejected, tookMs: 999_999, error: "NoEmail: none"))
            .Append(Row("failed-slow", status: NotificationStatus.Failed, tookMs: 999_999));

        var summary = DailySummaryCalculator.Calculate(Day, NextDay, rows, [], 250_000);

        Assert.Equal(new TimeToHubSpot(milliseconds.Length, p50, p95), summary.TimeToHubSpot);
    }

    [Fact]
    public void Events_GroupedByTypeAndStatus_OverEveryChannel_SortedByTypeThenStatus()
    {
        NotificationRecord[] rows =
        [
            Row("1"), Row("2"), Row("3", status: NotificationStatus.Failed),
            Row("4", type: "user-registration"), Row("5", type: "user-registration", status: NotificationStatus.Rejected, error: "NoEmail: x"),
            Row("6", channel: "platform", type: "task_signup", status: NotificationStatus.Received),
            Row("7", channel: "email", type: "transactional_email", result: "SENT"),
        ];

        var summary = DailySummaryCalculator.Calculate(Day, NextDay, rows, [], 250_000);

        Assert.Equal(
            [
                new EventCount("task_signup", "Received", 1),
                new EventCount("transactional_email", "Delivered", 1),
                new EventCount("user-login", "Delivered", 2),
                new EventCount("user-login", "Failed", 1),
                new EventCount("user-registration", "Delivered", 1),
                new EventCount("user-registration", "Rejected", 1),
            ],
            summary.Events);
    }

    [Fact]
    public void Events_ManyTypes_TheRareOnesFoldedIntoOther_PerStatus()
    {
        var rows = Enumerable.Range(0, DailySummaryCalculator.MaxEventGroups + 5)
            .SelectMany(t => Enumerable.Range(0, t < DailySummaryCalculator.MaxEventGroups ? 3 : 1).Select(i => Row($"{t}-{i}", type: $"type-{t:D3}")));

        var summary = DailySummaryCalculator.Calculate(Day, NextDay, rows, [], 250_000);

        Assert.Equal(DailySummaryCalculator.MaxEventGroups + 1, summary.Events.Count);
        Assert.Equal(new EventCount("other", "Delivered", 5), summary.Events.Single(e => e.Type == "other"));
        Assert.Equal((DailySummaryCalculator.MaxEventGroups * 3) + 5, summary.Events.Sum(e => e.Count));
    }

    [Fact]
    public void Emails_OnlyTheEmailChannel_BySendResult_NoneWithoutOne()
    {
        NotificationRecord[] rows =
        [
            Row("e1", channel: "email", type: "transactional_email", result: "SENT"),
            Row("e2", channel: "email", type: "transactional_email", result: "SENT"),
            Row("e3", channel: "email", type: "transactional_email", result: "BOUNCED"),
            Row("e4", channel: "email", type: "transactional_email", status: NotificationStatus.Rejected, error: "UnknownTemplate: no 'x'"),
            Row("a1", result: "SENT"), // not an email row
        ];

        var summary = DailySummaryCalculator.Calculate(Day, NextDay, rows, [], 250_000);

        Assert.Equal([new EmailCount("SENT", 2), new EmailCount("BOUNCED", 1), new EmailCount("none", 1)], summary.Emails);
    }

    [Fact]
    public void TopRejections_CountedByCode_MostFirst_TenAtMost_ExampleIsTheEarliestRow()
    {
        var rows = new List<NotificationRecord>
        {
            Row("late", channel: "email", status: NotificationStatus.Rejected, receivedMinutes: 900, error: "UndeclaredProperty: 'coupon'"),
            Row("early", channel: "email", status: NotificationStatus.Rejected, receivedMinutes: 5, error: "UndeclaredProperty: 'voucher'"),
            Row("mid", channel: "platform", status: NotificationStatus.Rejected, receivedMinutes: 50, error: "UndeclaredProperty: 'x'"),
            Row("noemail", status: NotificationStatus.Rejected, error: "NoEmail: none in the log nor the profile"),
            Row("noemail-2", status: NotificationStatus.Rejected, error: "NoEmail: none in the log nor the profile"),
            Row("plain", status: NotificationStatus.Rejected, error: "a reason without a code"),
            Row("failed", status: NotificationStatus.Failed, error: "HubSpotUnavailable: 503"), // failing is not rejected
        };
        rows.AddRange(Enumerable.Range(0, 12).Select(i => Row($"r{i}", status: NotificationStatus.Rejected, error: $"Code{i:D2}: once")));

        var summary = DailySummaryCalculator.Calculate(Day, NextDay, rows, [], 250_000);

        Assert.Equal(DailySummaryCalculator.TopRejections, summary.TopRejections.Count);
        Assert.Equal(new RejectionCount("UndeclaredProperty", 3, "early", "email"), summary.TopRejections[0]);
        Assert.Equal(new RejectionCount("NoEmail", 2, "noemail", "auth0"), summary.TopRejections[1]);
        Assert.Equal(["Code00", "Code01", "Code02", "Code03", "Code04", "Code05", "Code06", "Code07"], summary.TopRejections.Skip(2).Select(r => r.Reason)); // ties by code
        Assert.DoesNotContain(summary.TopRejections, r => r.Reason == "HubSpotUnavailable");
    }

    [Theory]
    [InlineData(1234, 250_000, 0.004936)]
    [InlineData(0, 250_000, 0.0)]
    [InlineData(250_000, 250_000, 1.0)]
    public void HubSpot_CallsAndThrottledSummedOverMinutes_BudgetIsCallsOverTheDailyLimit(long calls, long limit, double budgetUsed)
    {
        HubSpotUsageMinute[] usage = calls == 0 ? [] : [new(Midnight, calls - 4, 3), new(Midnight.AddHours(23).AddMinutes(59), 4, 1)];

        var summary = DailySummaryCalculator.Calculate(Day, NextDay, [], usage, limit);

        Assert.Equal(new HubSpotDay(calls, calls == 0 ? 0 : 4, limit, budgetUsed), summary.HubSpot);
    }

    [Theory]
    [InlineData("2026-12-02T00:00:00Z", true)]
    [InlineData("2026-12-02T00:10:00Z", true)]
    [InlineData("2026-12-01T23:59:59Z", false)]
    [InlineData("2026-12-01T12:00:00Z", false)]
    public void Complete_OnlyOnceTheDayIsOver(string computedAt, bool complete)
    {
        var summary = DailySummaryCalculator.Calculate(Day, DateTimeOffset.Parse(computedAt, System.Globalization.CultureInfo.InvariantCulture), [], [], 250_000);

        Assert.Equal((complete, "2026-12-01"), (summary.Complete, summary.Date));
    }

    [Fact]
    public void Json_KeepsTheNamesThePageReads()
    {
        var summary = DailySummaryCalculator.Calculate(Day, NextDay,
            [Row("e1", channel: "email", type: "transactional_email", status: NotificationStatus.Rejected, error: "UndeclaredProperty: x")], [new(Midnight, 10, 1)], 1000);

        var json = System.Text.Json.JsonSerializer.Serialize(summary, SummariesJsonContext.Default.DailySummary);

        Assert.Equal(
            """
            {"date":"2026-12-01","computedAt":"2026-12-02T00:10:00Z","complete":true,"events":[{"type":"transactional_email","status":"Rejected","count":1}],"emails":[{"sendResult":"none","count":1}],"topRejections":[{"reason":"UndeclaredProperty","count":1,"exampleId":"e1","exampleChannel":"email"}],"timeToHubSpot":{"count":0,"p50Ms":null,"p95Ms":null},"hubSpot":{"calls":10,"throttled":1,"dailyLimit":1000,"budgetUsed":0.01}}
            """,
            json);
    }
}
