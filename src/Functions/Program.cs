using Crm.Integration.Connectors.Auth0;
using Crm.Integration.Connectors.HubSpot;
using Crm.Integration.Connectors.Identity;
using Crm.Integration.Connectors.Secrets;
using Crm.Integration.Connectors.ServiceBus;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.Auth0Events;
using Crm.Integration.Functions.Auth0LogStream;
using Crm.Integration.Functions.Contacts;
using Crm.Integration.Functions.Execution;
using Crm.Integration.Functions.Health;
using Crm.Integration.Functions.Hosting;
using Crm.Integration.Functions.Operations;
using Crm.Integration.Functions.PlatformEvents;
using Crm.Integration.Functions.Summaries;
using Crm.Integration.Functions.TemplatesAdmin;

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddHostJson();
builder.AddHubTelemetry();

builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, FunctionsJsonContext.Default));
builder.Services.AddProblemDetails();
builder.Services.AddAzureCredential(builder.Configuration);
builder.Services.AddSecrets(builder.Configuration);
builder.Services.AddTableStorage(builder.Configuration);
builder.Services.AddServiceBus(builder.Configuration);
builder.Services.AddHubSpot(builder.Configuration);
builder.Services.AddAuth0Management(builder.Configuration);
builder.Services.AddContacts(builder.Configuration);
builder.Services.AddAuth0LogStream(builder.Configuration);
builder.Services.AddAuth0Events(builder.Configuration);
builder.Services.AddPlatformEvents(builder.Configuration);
builder.Services.AddExecution();
builder.Services.AddTemplatesAdmin(builder.Configuration);
builder.Services.AddOperations(builder.Configuration);
builder.Services.AddSummaries(builder.Configuration);
builder.Services.AddHostedService<HubSpotLaneGuard>();

var app = builder.Build();
FunctionSwitches.LogDisabled(app.Configuration, app.Logger);
app.MapHealthApi();
app.MapHubTelemetry();
if (!FunctionSwitches.IsDisabled(app.Configuration, FunctionSwitches.Auth0LogStream))
{
    app.MapAuth0LogStreamApi();
}

app.UseTemplatesAdmin();
app.Run();

/// <summary>The host; public so that end-to-end tests can start it in process.</summary>
public partial class Program;
