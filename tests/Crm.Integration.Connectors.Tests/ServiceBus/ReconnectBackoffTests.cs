using Crm.Integration.Connectors.ServiceBus;

namespace Crm.Integration.Connectors.Tests.ServiceBus;

public sealed class ReconnectBackoffTests
{
    private static readonly TimeSpan Min = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(2);

    [Theory]
    [InlineData(1, 100)]
    [InlineData(2, 200)]
    [InlineData(4, 800)]
    [InlineData(5, 1600)]
    [InlineData(6, 2000)]
    [InlineData(60, 2000)]
    public void Delay_IsJitteredBetweenMinAndADoublingCeilingCappedAtMax(int failures, double ceilingMs)
    {
        var delays = Enumerable.Range(0, 200).Select(_ => ReconnectBackoff.Delay(failures, Min, Max).TotalMilliseconds).ToList();

        Assert.All(delays, d => Assert.InRange(d, Min.TotalMilliseconds, ceilingMs));
        if (ceilingMs > Min.TotalMilliseconds)
        {
            Assert.True(delays.Distinct().Count() > 1, "no jitter");
        }
    }
}
