using System.Diagnostics.Metrics;
using Crm.Integration.Connectors.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Integration.Testing.Fakes;

/// <summary>Real instruments on a meter factory of their own, for components built by hand in tests.</summary>
public static class TestMetrics
{
    public static HubMetrics Hub() => new(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>());
}
