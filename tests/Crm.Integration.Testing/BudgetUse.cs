using System.Text.Json.Nodes;

namespace Crm.Integration.Testing;

/// <summary>
/// How much of the portal's budget a drain used, from the simulator's per-second traffic: calls that count against the
/// budget, over the most HubSpot's rolling window lets through from the first such call's second to the last's — the
/// limit once for each ten seconds begun (a limit's worth may go at once). Over a long drain that is the limit per ten
/// seconds; over a drain of a few windows it does not count the first window's burst as overspending. The benchmark's
/// <c>drain.budgetUtilisation</c> and the several-replica tests measure it this one way.
/// </summary>
public sealed record BudgetUse(int Calls, long ActiveSeconds, double Allowed)
{
    public double Utilisation => Allowed == 0 ? 0 : Calls / Allowed;

    /// <param name="traffic">The simulator's <c>Portal.Traffic.Snapshot()</c>, serialised.</param>
    public static BudgetUse Of(JsonNode traffic, int limitPerTenSeconds)
    {
        ArgumentNullException.ThrowIfNull(traffic);
        var seconds = traffic["perSecond"]!.AsArray()
            .Select(s => (Second: s!["unixSecond"]!.GetValue<long>(), Calls: s["budget"]!.GetValue<int>()))
            .Where(s => s.Calls > 0)
            .ToList();
        var active = seconds.Count == 0 ? 1 : seconds.Max(s => s.Second) - seconds.Min(s => s.Second) + 1;
        return new BudgetUse(seconds.Sum(s => s.Calls), active, limitPerTenSeconds * Math.Ceiling(active / 10.0));
    }
}
