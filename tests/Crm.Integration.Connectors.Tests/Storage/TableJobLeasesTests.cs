namespace Crm.Integration.Connectors.Tests.Storage;

[Collection(SharedStackCollection.Name)]
public sealed class TableJobLeasesTests(SharedStackFixture fixture)
{
    private static readonly TimeSpan Duration = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task TryAcquireAsync_OneOccurrence_OneReplicaRunsIt_EvenAfterTheFirstReleased()
    {
        await using var tables = new RetentionTables(fixture);
        var occurrence = RetentionTables.Start;

        var first = await tables.Leases.TryAcquireAsync("job", "replica-a", occurrence, Duration, CancellationToken.None);
        var meanwhile = await tables.Leases.TryAcquireAsync("job", "replica-b", occurrence, Duration, CancellationToken.None);
        await tables.Leases.ReleaseAsync("job", "replica-a", CancellationToken.None);
        var late = await tables.Leases.TryAcquireAsync("job", "replica-b", occurrence, Duration, CancellationToken.None);
        var tomorrow = await tables.Leases.TryAcquireAsync("job", "replica-b", occurrence.AddDays(1), Duration, CancellationToken.None);

        Assert.Equal((true, false, false, true), (first, meanwhile, late, tomorrow));
    }

    [Fact]
    public async Task TryAcquireAsync_OnDemand_WaitsForTheHolder_OrItsExpiry()
    {
        await using var tables = new RetentionTables(fixture);
        Assert.True(await tables.Leases.TryAcquireAsync("job", "replica-a", null, Duration, CancellationToken.None));

        var whileHeld = await tables.Leases.TryAcquireAsync("job", "replica-b", null, Duration, CancellationToken.None);
        tables.Time.Advance(Duration + TimeSpan.FromSeconds(1)); // replica-a died without releasing
        var afterExpiry = await tables.Leases.TryAcquireAsync("job", "replica-b", null, Duration, CancellationToken.None);
        var renewedByTheDead = await tables.Leases.RenewAsync("job", "replica-a", Duration, CancellationToken.None);

        Assert.Equal((false, true, false), (whileHeld, afterExpiry, renewedByTheDead));
    }

    [Fact]
    public async Task TryAcquireAsync_ManyAtOnce_ExactlyOneWins()
    {
        await using var tables = new RetentionTables(fixture);

        var wins = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            tables.Leases.TryAcquireAsync("job", $"replica-{i}", RetentionTables.Start, Duration, CancellationToken.None)));

        Assert.Single(wins, won => won);
    }

    [Fact]
    public async Task OperationsAudit_RecentAsync_NewestFirst()
    {
        await using var tables = new RetentionTables(fixture);
        await tables.Audit.RecordAsync(new("erasure", "Ada (auth0|1)", RetentionTables.Start, "h1:aa", "{\"n\":1}"), CancellationToken.None);
        await tables.Audit.RecordAsync(new("erasure", "Ada (auth0|1)", RetentionTables.Start.AddMinutes(1), "h1:bb", "{\"n\":2}"), CancellationToken.None);

        var recent = await tables.Audit.RecentAsync("erasure", 10, CancellationToken.None);

        Assert.Equal(["h1:bb", "h1:aa"], recent.Select(e => e.Subject));
    }
}
