using Crm.Integration.HubSpotSimulator;

// dotnet run --project tests/Crm.Integration.HubSpotSimulator [--urls http://127.0.0.1:7080] [--Simulator:TenSecondlyLimit 100]
await Simulator.Build(args).RunAsync();
