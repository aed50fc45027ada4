namespace Crm.Integration.HubSpotSimulator;

/// <summary>Builds the simulator, so that tests can run it in process on a port of their choosing.</summary>
public static class Simulator
{
    public const string DefaultUrl = "http://127.0.0.1:7080";

    public static WebApplication Build(string[] args, Action<SimulatorOptions>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        var options = builder.Configuration.GetSection("Simulator").Get<SimulatorOptions>() ?? new SimulatorOptions();
        configure?.Invoke(options);
        builder.Services.AddSingleton(new SimulatorSettings(options));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<RollingWindowLimiter>();
        builder.Services.AddSingleton<Portal>();

        var app = builder.Build();
        app.UseMiddleware<ApiGate>();
        app.MapContactsApi();
        app.MapTransactionalEmailApi();
        app.MapCustomEventsApi();
        app.MapMarketingEmailsApi();
        app.MapOAuthApi();
        app.MapInspectionApi();
        app.MapFaultsApi();
        return app;
    }
}
