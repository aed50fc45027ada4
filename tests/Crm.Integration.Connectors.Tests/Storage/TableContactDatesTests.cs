using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Crm.Integration.Connectors.Storage;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Connectors.Tests.Storage;

/// <summary>The contact dates against Azurite, as two replicas of the hub would use them.</summary>
[Collection(SharedStackCollection.Name)]
public sealed class TableContactDatesTests(SharedStackFixture fixture) : IDisposable
{
    private readonly string _table = $"Dates{Guid.NewGuid():N}"[..24];
    private readonly List<IDisposable> _replicas = [];

    [Theory]
    [InlineData(50_000)]
    [InlineData(0)]
    public async Task AnotherReplicaMovedTheDate_ARememberedRowDoesNotHideIt(int remembered)
    {
        var (here, _) = Replica(remembered);
        var (there, _) = Replica(remembered);
        var email = Email();

        Assert.Equal(200, await here.AdvanceAsync(email, ContactDate.LastLogin, 200, CancellationToken.None));
        Assert.Equal(300, await there.AdvanceAsync(email, ContactDate.LastLogin, 300, CancellationToken.None));

        // Here still remembers 200 with its ETag: the claim of 250 must fail on the ETag and find 300.
        Assert.Equal(300, await here.AdvanceAsync(email, ContactDate.LastLogin, 250, CancellationToken.None));
        Assert.Equal(400, await here.AdvanceAsync(email, ContactDate.LastLogin, 400, CancellationToken.None));
        Assert.Equal(400, await there.GetAsync(email, ContactDate.LastLogin, CancellationToken.None));
    }

    [Fact]
    public async Task RepeatLogins_NoClaimReadsFirst_ALateOneNeedsNoStorageAtAll()
    {
        var (dates, requests) = Replica(remembered: 50_000);
        var email = Email();
        await dates.AdvanceAsync(email, ContactDate.LastTaskSignup, 1, CancellationToken.None); // creates the table
        requests.Reset();

        await dates.AdvanceAsync(email, ContactDate.LastLogin, 200, CancellationToken.None);
        var firstLogin = requests.Reset();
        await dates.AdvanceAsync(email, ContactDate.LastLogin, 300, CancellationToken.None);
        var laterLogin = requests.Reset();
        var late = await dates.AdvanceAsync(email, ContactDate.LastLogin, 250, CancellationToken.None);
        var lateLogin = requests.Reset();

        Assert.Equal((1, 1, 0), (firstLogin, laterLogin, lateLogin)); // a conditional insert; a replace on the remembered ETag; nothing
        Assert.Equal(300, late);
    }

    /// <summary>
    /// Issue 18: beside another replica most rows this one does not remember exist already, and an insert of one fails
    /// its whole transaction (409). After a few such, claims of unknown rows read first: a read and a replace each.
    /// </summary>
    [Fact]
    public async Task RowsAnotherReplicaWrote_AfterAFewConflicts_ClaimsReadFirst_AndNoInsertFails()
    {
        var (here, requests) = Replica(remembered: 50_000);
        var (there, _) = Replica(remembered: 50_000);
        var emails = Enumerable.Range(0, 20).Select(_ => Email()).ToList();
        foreach (var email in emails)
        {
            await there.AdvanceAsync(email, ContactDate.LastLogin, 200, CancellationToken.None);
        }

        await here.GetAsync(Email(), ContactDate.LastLogin, CancellationToken.None); // opens the table here
        requests.Reset();
        var costs = new List<int>();
        foreach (var email in emails)
        {
            Assert.Equal(300, await here.AdvanceAsync(email, ContactDate.LastLogin, 300, CancellationToken.None));
            costs.Add(requests.Reset());
        }

        Assert.Equal(3, costs[0]); // an insert that fails (409), a read, a replace on the read ETag
        Assert.All(costs.Skip(1), cost => Assert.Equal(2, cost)); // a read, a replace
        Assert.Equal(300, await there.GetAsync(emails[^1], ContactDate.LastLogin, CancellationToken.None));

        // New contacts again: once they outweigh what the estimate remembers (8), claims insert at once, with no read.
        var fresh = Enumerable.Range(0, 9).Select(_ => Email()).ToList();
        foreach (var email in fresh)
        {
            await here.AdvanceAsync(email, ContactDate.LastLogin, 300, CancellationToken.None);
        }

        requests.Reset();
        await here.AdvanceAsync(Email(), ContactDate.LastLogin, 300, CancellationToken.None);
        Assert.Equal(1, requests.Reset());
    }

    [Fact]
    public async Task ConcurrentClaimsOfOneContact_TheLatestDateStays()
    {
        var (here, _) = Replica(remembered: 50_000);
        var (there, _) = Replica(remembered: 50_000);
        var email = Email();

        await Task.WhenAll(Enumerable.Range(1, 5).Select(i =>
            (i % 2 == 0 ? here : there).AdvanceAsync(email, ContactDate.LastLogin, i * 100, CancellationToken.None)));

        Assert.Equal(500, await here.GetAsync(email, ContactDate.LastLogin, CancellationToken.None));
    }

    /// <summary>
    /// Issue 18: two replicas, many contacts at once, so that the claims leave as entity-group transactions. One replica
    /// claims every contact, the other raises them all, and the first — remembering its own, now stale, ETags — claims
    /// dates between the two: in the transactions every stale replace must fail on its own, and no date go back.
    /// </summary>
    [Fact]
    public async Task ManyContactsAtOnce_StaleClaimsInOneTransaction_EachFailsAlone_AndNoDateGoesBack()
    {
        var (here, requests) = Replica(remembered: 50_000);
        var (there, _) = Replica(remembered: 50_000);
        var emails = Enumerable.Range(0, 400).Select(_ => Email()).ToList();

        await Task.WhenAll(emails.Select(email => here.AdvanceAsync(email, ContactDate.LastLogin, 200, CancellationToken.None)));
        var firstClaims = requests.Reset();
        await Task.WhenAll(emails.Select(email => there.AdvanceAsync(email, ContactDate.LastLogin, 300, CancellationToken.None)));
        var stale = await Task.WhenAll(emails.Select((email, i) => here.AdvanceAsync(email, ContactDate.LastLogin, i % 2 == 0 ? 250 : 350, CancellationToken.None)));
        var stored = await Task.WhenAll(emails.Select(email => there.GetAsync(email, ContactDate.LastLogin, CancellationToken.None)));

        Assert.True(firstClaims < emails.Count / 2, $"{firstClaims} requests for {emails.Count} first claims: they did not share transactions");
        Assert.Equal(emails.Select((_, i) => i % 2 == 0 ? 300L : 350L), stale);
        Assert.Equal(emails.Select((_, i) => (long?)(i % 2 == 0 ? 300L : 350L)), stored);
    }

    /// <summary>
    /// Issue 14, defect 5: logins of one contact racing (20,000 logins of 20 users) met 412s beyond five tries and were
    /// abandoned as "storage unavailable". Here a rival replica moves the row (to an earlier date) just before each of
    /// the claimer's first twelve writes: the claimer loses twelve rounds in a row and must still settle, on top.
    /// </summary>
    [Fact]
    public async Task ClaimThatLosesTwelveRoundsInARow_StillSettles_WithoutAnOutage()
    {
        var email = Email();
        var (rival, _) = Replica(remembered: 0);
        var interference = new RivalWrites(rival, email, rounds: 12);
        var (claimer, _) = Replica(remembered: 0, interference);

        var stored = await claimer.AdvanceAsync(email, ContactDate.LastLogin, 1_000_000, CancellationToken.None);

        Assert.Equal((1_000_000, 12), (stored, interference.Done));
        Assert.Equal(1_000_000, await rival.GetAsync(email, ContactDate.LastLogin, CancellationToken.None));
    }

    private (IContactDates Dates, RequestCounter Requests) Replica(int remembered, HttpPipelinePolicy? interference = null)
    {
        var requests = new RequestCounter();
        var clientOptions = new TableClientOptions();
        clientOptions.AddPolicy(requests, HttpPipelinePosition.PerCall);
        if (interference is not null)
        {
            clientOptions.AddPolicy(interference, HttpPipelinePosition.PerCall);
        }

        var dates = new TableContactDates(
            new TableServiceClient(fixture.Stack.TableConnectionString, clientOptions),
            Options.Create(new StorageOptions { ContactDatesTable = _table, ContactDatesRemembered = remembered }),
            TimeProvider.System);
        _replicas.Add(dates);
        return (dates, requests);
    }

    private static string Email() => $"{Guid.NewGuid():N}@example.com";

    public void Dispose() => _replicas.ForEach(r => r.Dispose());

    /// <summary>Before each write of the claimer (an insert or a conditional replace), the rival raises the row by one.</summary>
    private sealed class RivalWrites(IContactDates rival, string email, int rounds) : HttpPipelinePolicy
    {
        public int Done { get; private set; }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            throw new NotSupportedException("The contact dates are used asynchronously.");

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (Done < rounds && (message.Request.Method == RequestMethod.Post || message.Request.Method == RequestMethod.Put))
            {
                Done++;
                await rival.AdvanceAsync(email, ContactDate.LastLogin, Done, CancellationToken.None);
            }

            await ProcessNextAsync(message, pipeline);
        }
    }
}
