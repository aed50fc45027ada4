namespace Crm.Integration.HubSpotSimulator;

/// <summary>
/// <c>dotnet run --project tests/Crm.Integration.HubSpotSimulator [--urls http://127.0.0.1:7080] [--Simulator:TenSecondlyLimit 100]</c>.
/// A named entry point, not top-level statements, so that it does not clash with the hub's <c>Program</c> in tests that load both.
/// </summary>
public static class SimulatorProgram
{
    public static Task Main(string[] args) => Simulator.Build(args).RunAsync();
}
