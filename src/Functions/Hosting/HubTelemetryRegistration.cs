using System.Diagnostics;
using Azure.Core;
using Azure.Monitor.OpenTelemetry.Exporter;
using Crm.Integration.Connectors.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Crm.Integration.Functions.Hosting;

/// <summary>
/// OpenTelemetry for the host, the one place that wires it: traces of ASP.NET Core, HttpClient (HubSpot, Auth0, Key
/// Vault), the Azure SDKs and the hub's own sources (<see cref="HubTelemetry"/>); the hub's meters and the framework's;
/// logs with trace and span ids. Exporters by their standard settings: OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is
/// set, Azure Monitor when <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set, a Prometheus scrape endpoint at
/// <c>/metrics</c> when <see cref="PrometheusEndpointSetting"/> is true. Without any, nothing leaves the process.
/// </summary>
internal static class HubTelemetryRegistration
{
    public const string ServiceName = "crm-integration-hub";
    public const string PrometheusEndpointSetting = "Telemetry:PrometheusEndpoint";
    public const string PrometheusPath = "/metrics";
    private const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";
    private const string AzureMonitorSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    public static WebApplicationBuilder AddHubTelemetry(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;

        // The Azure SDKs (Service Bus, Tables, Key Vault, Identity) publish ActivitySources only with this switch on.
        AppContext.SetSwitch(HubTelemetry.AzureActivitySourceSwitch, true);
        // Trace context crosses every boundary; baggage crosses none: it could carry anything a caller put in it.
        var propagator = new TraceContextOnlyPropagator();
        DistributedContextPropagator.Current = propagator;
        builder.Services.AddSingleton<DistributedContextPropagator>(propagator);
        Sdk.SetDefaultTextMapPropagator(new TraceContextPropagator());

        // Log lines carry the trace and span ids of the work they describe (console: as a scope; OTLP: as fields).
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        // Named, so that the console logger's legacy options (IncludeScopes false) do not overwrite the formatter's.
        builder.Logging.AddSimpleConsole(o => o.IncludeScopes = true);
        builder.Logging.AddOpenTelemetry(o =>
        {
            o.IncludeScopes = true;
            o.IncludeFormattedMessage = true;
        });

        var prometheus = configuration.GetValue(PrometheusEndpointSetting, defaultValue: false);
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithTracing(tracing => tracing
                .AddSource(HubTelemetry.SourceWildcard, HubTelemetry.AzureSdkWildcard)
                .AddProcessor(new PersonalDataRedactor())
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !IsScrapeOrProbe(http.Request.Path))
                .AddHttpClientInstrumentation())
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(HubTelemetry.SourceWildcard).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
                if (prometheus)
                {
                    metrics.AddPrometheusExporter();
                }
            });

        if (!string.IsNullOrWhiteSpace(configuration[OtlpEndpointSetting]))
        {
            otel.UseOtlpExporter();
        }

        if (configuration[AzureMonitorSetting] is { Length: > 0 } connectionString)
        {
            // The component takes no key (DisableLocalAuth): the exporters authenticate as the hub's identity.
            builder.Services.AddOptions<AzureMonitorExporterOptions>().Configure<IServiceProvider>((o, services) =>
            {
                o.ConnectionString = connectionString;
                o.Credential ??= services.GetService<TokenCredential>();
            });
            otel.WithTracing(t => t.AddAzureMonitorTraceExporter())
                .WithMetrics(m => m.AddAzureMonitorMetricExporter())
                .WithLogging(l => l.AddAzureMonitorLogExporter());
        }

        return builder;
    }

    /// <summary>The Prometheus scrape endpoint, when <see cref="PrometheusEndpointSetting"/> enables it.</summary>
    public static WebApplication MapHubTelemetry(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Configuration.GetValue(PrometheusEndpointSetting, defaultValue: false))
        {
            app.MapPrometheusScrapingEndpoint(PrometheusPath);
        }

        return app;
    }

    /// <summary>Scrapes and probes come every few seconds and say nothing about the hub's work.</summary>
    private static bool IsScrapeOrProbe(PathString path) =>
        path.StartsWithSegments(PrometheusPath, StringComparison.Ordinal) || path.StartsWithSegments("/api/health", StringComparison.Ordinal);
}
