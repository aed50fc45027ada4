using Crm.Integration.Connectors.HubSpot;
using Crm.Integration.Testing;
using Crm.Integration.Testing.Fakes;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Crm.Integration.Connectors.Tests.HubSpot;

public sealed class ContactBatcherTests
{
    private static readonly HashSet<string> LastLogin = new(StringComparer.Ordinal) { "last_login_date" };
    private static readonly HashSet<string> TaskSignup = new(StringComparer.Ordinal) { "last_task_signup_date" };
    private readonly InMemoryHubSpotContacts _hubSpot = new();
    private readonly UnlimitedBudget _budget = new();

    [Fact]
    public async Task UpsertAsync_ManyConcurrentChanges_LeaveInFullBatches_EachCallerGetsItsOwnOutcome()
    {
        await using var batcher = Batcher(TimeSpan.FromMilliseconds(50));

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 250).Select(i => batcher.UpsertAsync(Change($"u{i}@example.com", "1"), CancellationToken.None)));

        Assert.Equal([50, 100, 100], _hubSpot.Calls.Select(c => c.Count).Order());
        Assert.Equal(Enumerable.Range(0, 250).Select(i => $"id-u{i}@example.com"), outcomes.Select(o => o.ContactId));
    }

    [Fact]
    public async Task UpsertAsync_ManyLoginsOfOneUser_BecomeOneInputWithTheLatestDate()
    {
        await using var batcher = Batcher(TimeSpan.FromMilliseconds(100));

        var outcomes = await Task.WhenAll(new[] { "1700000000300", "1700000000900", "1700000000100" }
            .Select(date => batcher.UpsertAsync(Change("ada@example.com", date), CancellationToken.None)));

        var input = Assert.Single(Assert.Single(_hubSpot.Calls));
        Assert.Equal("1700000000900", input.Properties["last_login_date"]);
        Assert.All(outcomes, o => Assert.Equal("id-ada@example.com", o.ContactId));
    }

    [Fact]
    public async Task UpsertAsync_ALoneChange_WaitsForTheWindowThenLeaves()
    {
        var time = new FakeTimeProvider();
        await using var batcher = Batcher(TimeSpan.FromMilliseconds(200), time);

        var outcome = batcher.UpsertAsync(Change("ada@example.com", "1"), CancellationToken.None);
        await Task.Delay(100);
        Assert.Empty(_hubSpot.Calls); // the fake clock has not moved: the window is still open

        // The batcher opens its window when it picks the change up; keep the clock moving until the window closes.
        for (var i = 0; i < 100 && !outcome.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(200));
            await Task.Delay(20);
        }

        Assert.Equal(UpsertOutcomeKind.Succeeded, (await outcome.WaitAsync(TimeSpan.FromSeconds(5))).Kind);
        Assert.Single(_hubSpot.Calls);
    }

    [Fact]
    public async Task UpsertAsync_OneContactRejected_OnlyItsCallersHearIt()
    {
        _hubSpot.Reject.Add("bad@example.com");
        await using var batcher = Batcher(TimeSpan.FromMilliseconds(50));

        var outcomes = await Task.WhenAll(
            batcher.UpsertAsync(Change("good@example.com", "1"), CancellationToken.None),
            batcher.UpsertAsync(Change("bad@example.com", "1"), CancellationToken.None));

        Assert.Equal([UpsertOutcomeKind.Succeeded, UpsertOutcomeKind.Permanent], outcomes.Select(o => o.Kind));
    }

    [Fact]
    public async Task UpsertAsync_HubSpotClientThrows_EveryCallerGetsTransient()
    {
        _hubSpot.Throw = true;
        await using var batcher = Batcher(TimeSpan.FromMilliseconds(50));

        var outcome = await batcher.UpsertAsync(Change("ada@example.com", "1"), CancellationToken.None);

        Assert.Equal(UpsertOutcomeKind.Transient, outcome.Kind);
    }

    [Fact]
    public async Task UpsertAsync_WhileTheBudgetIsSpent_TheBatchKeepsFillingPastItsWindow()
    {
        _budget.Spent = true;
        await using var batcher = Batcher(TimeSpan.FromMilliseconds(20));

        var first = batcher.UpsertAsync(Change("early@example.com", "1"), CancellationToken.None);
        await Task.Delay(200); // well past the window
        Assert.Equal(1, batcher.Waiting); // the crm.hubspot.contacts.waiting gauge: held while the budget is spent
        var later = Enumerable.Range(0, 99).Select(i => batcher.UpsertAsync(Change($"late{i}@example.com", "1"), CancellationToken.None)).ToList();
        await Eventually.TrueAsync(() => Task.FromResult(_hubSpot.Calls.Count == 1), TimeSpan.FromSeconds(5), "the full batch");

        Assert.Equal(100, Assert.Single(_hubSpot.Calls).Count);
        await Task.WhenAll(later.Append(first));
        Assert.Equal(0, batcher.Waiting);
    }

    [Fact]
    public async Task CoalescingOff_EveryChangeIsACallOfItsOwn_AsThePredecessorDid()
    {
        await using var batcher = new ContactBatcher(
            _hubSpot, _budget, Options.Create(new ContactBatchingOptions { Window = TimeSpan.FromMilliseconds(50), Coalesce = false }), Options.Create(new HubSpotOptions { MaxBatchSize = 1 }), TimeProvider.System);

        await Task.WhenAll(Enumerable.Range(1, 3).Select(i => batcher.UpsertAsync(Change("same@example.com", $"{i}"), CancellationToken.None)));

        Assert.Equal(3, _hubSpot.Calls.Count);
        Assert.All(_hubSpot.Calls, call => Assert.Single(call));
    }

    [Theory]
    [InlineData("100", "200", "200", "B")]
    [InlineData("200", "100", "200", "A")]
    public void Merge_TheChangeWithTheLaterDateWins_ItsDateAndTheOtherPropertiesBothSet(string first, string second, string expectedDate, string expectedName)
    {
        var merged = new ContactChange("a@b.co", new Dictionary<string, string> { ["last_task_signup_date"] = first, ["last_task_name"] = "A" }, TaskSignup)
            .Merge(new ContactChange("a@b.co", new Dictionary<string, string> { ["last_task_signup_date"] = second, ["last_task_name"] = "B" }, TaskSignup));

        Assert.Equal((expectedDate, expectedName), (merged.Properties["last_task_signup_date"], merged.Properties["last_task_name"]));
    }

    [Fact]
    public void Merge_WithoutASharedDate_TheLastChangeWins_AndNothingIsLost()
    {
        var merged = new ContactChange("a@b.co", new Dictionary<string, string> { ["last_login_date"] = "200", ["firstname"] = "A" }, LastLogin)
            .Merge(new ContactChange("a@b.co", new Dictionary<string, string> { ["firstname"] = "B", ["registration_date"] = "100" }, new HashSet<string>()));

        Assert.Equal(("200", "B", "100"), (merged.Properties["last_login_date"], merged.Properties["firstname"], merged.Properties["registration_date"]));
    }

    private ContactBatcher Batcher(TimeSpan window, TimeProvider? time = null) =>
        new(_hubSpot, _budget, Options.Create(new ContactBatchingOptions { Window = window, MaxConcurrentBatches = 2 }), Options.Create(new HubSpotOptions { MaxBatchSize = 100 }), time ?? TimeProvider.System);

    private static ContactChange Change(string email, string lastLogin) =>
        new(email, new Dictionary<string, string> { ["last_login_date"] = lastLogin }, LastLogin);
}
