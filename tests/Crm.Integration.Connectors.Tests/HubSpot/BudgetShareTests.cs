using Crm.Integration.Connectors.HubSpot;

namespace Crm.Integration.Connectors.Tests.HubSpot;

/// <summary>Issue 18: the share arithmetic, on a clock the test moves.</summary>
public sealed class BudgetShareTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(16);

    [Fact]
    public void OneReplicaAlone_TakesTheWholeLimitAtOnce()
    {
        Assert.Equal(100, BudgetShare.For("a", [Beat("a", T0, T0)], 100, T0, Ttl, Settle));
    }

    [Theory]
    [InlineData(100, 2, new[] { 50, 50 })]
    [InlineData(100, 3, new[] { 34, 33, 33 })]
    [InlineData(20, 3, new[] { 7, 7, 6 })]
    [InlineData(2, 3, new[] { 1, 1, 0 })]
    public void SettledReplicas_SplitTheLimit_SharesAddUpToIt(int limit, int replicas, int[] expected)
    {
        var now = T0 + TimeSpan.FromMinutes(1);
        var beats = Enumerable.Range(0, replicas).Select(i => Beat($"r{i}", T0, now)).ToList();

        var shares = beats.Select(b => BudgetShare.For(b.ReplicaId, beats, limit, now, Ttl, Settle)).ToArray();

        Assert.Equal(expected, shares);
        Assert.Equal(limit, shares.Sum());
    }

    [Fact]
    public void ANewReplica_SpendsNothingUntilSettled_WhileTheOthersShrinkAtOnce()
    {
        var now = T0 + TimeSpan.FromMinutes(1);
        var beats = new[] { Beat("a", T0, now), Beat("b", now, now) };

        Assert.Equal((50, 0), (BudgetShare.For("a", beats, 100, now, Ttl, Settle), BudgetShare.For("b", beats, 100, now, Ttl, Settle)));
        var later = now + Settle;
        beats = [Beat("a", T0, later), Beat("b", now, later)];
        Assert.Equal((50, 50), (BudgetShare.For("a", beats, 100, later, Ttl, Settle), BudgetShare.For("b", beats, 100, later, Ttl, Settle)));
    }

    [Fact]
    public void TwoStartingTogether_WhoseFirstHeartbeatsCross_NeitherSpendsBesideTheOthersWholeLimit()
    {
        // b stamps its first sighting before a does but writes it after a has read the register and found itself alone.
        var aFirst = T0 + TimeSpan.FromMilliseconds(500);
        Assert.Equal(100, BudgetShare.For("a", [Beat("a", aFirst, aFirst)], 100, aFirst, Ttl, Settle));
        var bReads = T0 + TimeSpan.FromMilliseconds(600);
        var beats = new[] { Beat("a", aFirst, aFirst), Beat("b", T0, bReads) };

        Assert.Equal(0, BudgetShare.For("b", beats, 100, bReads, Ttl, Settle)); // b first by its clock, but a took 100
        Assert.Equal(0, BudgetShare.For("a", beats, 100, aFirst + TimeSpan.FromSeconds(1), Ttl, Settle)); // a, seeing b
        var settled = aFirst + Settle;
        beats = [Beat("a", aFirst, settled), Beat("b", T0, settled)];
        Assert.Equal((50, 50), (BudgetShare.For("a", beats, 100, settled, Ttl, Settle), BudgetShare.For("b", beats, 100, settled, Ttl, Settle)));
    }

    [Fact]
    public void AReplicaKilled_ItsShareIsFreedOnceItsHeartbeatIsOlderThanTheTtl()
    {
        var lastBeatOfB = T0 + TimeSpan.FromMinutes(1);
        var beats = new List<ReplicaBeat> { Beat("a", T0, lastBeatOfB), Beat("b", T0, lastBeatOfB) };

        var justBefore = lastBeatOfB + Ttl - TimeSpan.FromMilliseconds(1);
        beats[0] = Beat("a", T0, justBefore);
        Assert.Equal(50, BudgetShare.For("a", beats, 100, justBefore, Ttl, Settle));
        var after = lastBeatOfB + Ttl;
        beats[0] = Beat("a", T0, after);
        Assert.Equal(100, BudgetShare.For("a", beats, 100, after, Ttl, Settle));
    }

    [Fact]
    public void OwnHeartbeatStale_TakesNothing_TheOthersMayHaveTakenItsShare()
    {
        var now = T0 + TimeSpan.FromMinutes(1);

        Assert.Equal(0, BudgetShare.For("a", [Beat("a", T0, now - Ttl), Beat("b", T0, now)], 100, now, Ttl, Settle));
    }

    [Theory]
    [InlineData(null, 0.0, false)] // the first heartbeat: a newcomer anyway
    [InlineData(0.0, 5.0, false)]
    [InlineData(0.0, 14.9, false)]
    [InlineData(0.0, 15.0, true)] // TTL 20 s less a heartbeat of 5 s: the others may count it gone
    [InlineData(0.0, 60.0, true)]
    public void MustRejoin_OnceTheLastHeartbeatThatGotThroughIsNearlyATtlOld(double? lastBeatAt, double nowAt, bool expected)
    {
        DateTimeOffset? lastBeat = lastBeatAt is { } at ? T0.AddSeconds(at) : null;

        Assert.Equal(expected, BudgetShare.MustRejoin(lastBeat, T0.AddSeconds(nowAt), Ttl, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void AReplicaBackFromAnOutage_WithAFreshFirstSeen_SpendsNothingUntilSettled()
    {
        // The coordinator restarts FirstSeen when MustRejoin: the replica then counts as one arriving beside the other.
        var back = T0 + TimeSpan.FromMinutes(5);
        var beats = new[] { Beat("a", T0, back), Beat("b", back, back) };

        Assert.Equal((50, 0), (BudgetShare.For("a", beats, 100, back, Ttl, Settle), BudgetShare.For("b", beats, 100, back, Ttl, Settle)));
    }

    [Fact]
    public void DailySpent_ByAnyReplicaToday_CountsForAll_YesterdaysDoesNot()
    {
        var today = DateOnly.FromDateTime(T0.UtcDateTime);

        Assert.True(BudgetShare.DailySpent([Beat("a", T0, T0), Beat("b", T0, T0) with { DailySpent = today }], today));
        Assert.False(BudgetShare.DailySpent([Beat("a", T0, T0) with { DailySpent = today.AddDays(-1) }], today));
    }

    private static ReplicaBeat Beat(string id, DateTimeOffset first, DateTimeOffset last) => new(id, first, last, null);
}
