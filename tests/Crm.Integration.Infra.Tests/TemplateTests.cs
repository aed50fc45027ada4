using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml;
using Crm.Integration.Connectors.Diagnostics;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.PlatformEvents;
using Crm.Integration.Testing;

namespace Crm.Integration.Infra.Tests;

/// <summary>
/// The compiled deployment (infra/bicep → ARM JSON) against the hub's code, so that neither can drift from the other:
/// queues as the hub assumes them, every setting a real option, Entra ID only, least-privilege role assignments on
/// each resource, no secret anywhere in the template, probes the hub answers.
/// </summary>
public sealed partial class TemplateTests
{
    private static readonly string[] HubQueues = ["auth0-log-events", "platform-events"];

    // Settings of issue 16's Service Bus SDK transport (ServiceBus:Transport = AzureServiceBus with the managed
    // identity), which the deployment already sets. When that transport lands they bind, and this list must go.
    [Fact]
    public void Lint_EveryRule_FindsNothing()
    {
        foreach (var file in new[] { "main.bicep", "main.bicepparam" })
        {
            var (exitCode, _, diagnostics) = CompiledTemplate.Bicep("lint", file);

            Assert.True(exitCode == 0 && diagnostics.Length == 0, $"bicep lint {file}:\n{diagnostics}");
        }
    }

    [Fact]
    public void Parameters_TheExampleFileCompiles_WithEveryParameterDocumented()
    {
        var compiled = JsonNode.Parse(CompiledTemplate.Bicep("build-params", "main.bicepparam", "--stdout").Output)!;
        var parameters = JsonNode.Parse((string)compiled["parametersJson"]!)!["parameters"]!;

        Assert.Equal("Professional", (string?)parameters["hubSpotTier"]!["value"]);
        var undocumented = ((JsonObject)CompiledTemplate.Root["parameters"]!)
            .Where(p => p.Value!["metadata"]?["description"] is null)
            .Select(p => p.Key);
        Assert.Empty(undocumented);
    }

    [Fact]
    public void Queues_AreTheHubsEntities_WithItsDeliveryLimitLockAndDuplicateDetection()
    {
        var serviceBus = CompiledTemplate.Module("serviceBus");
        var queues = CompiledTemplate.OfType(serviceBus, "Microsoft.ServiceBus/namespaces/queues").ToList();
        var properties = (JsonObject)serviceBus["variables"]!["queueProperties"]!;
        var localLimits = LocalBrokerDeliveryLimits();

        Assert.Equal(HubQueues, queues.Select(q => LastLiteral((string)q["name"]!)).Order());
        Assert.All(queues, q => Assert.Equal("[variables('queueProperties')]", (string?)q["properties"]));
        // The local broker's x-delivery-limit stands for Service Bus' MaxDeliveryCount everywhere the hub is tested.
        Assert.All(HubQueues, q => Assert.Equal(localLimits[q], (int)properties["maxDeliveryCount"]!));
        var lockDuration = XmlConvert.ToTimeSpan((string)properties["lockDuration"]!);
        var defaults = new PlatformEventsOptions();
        Assert.Equal(TimeSpan.FromMinutes(1), lockDuration);
        Assert.True(defaults.ContactWaitDelay * 2 <= lockDuration, "a task signup's wait for its contact must stay well inside one lock");
        Assert.True(defaults.ContactWaitAttempts < (int)properties["maxDeliveryCount"]!, "the hub, not the broker, must name the reason");
        Assert.True((bool)properties["requiresDuplicateDetection"]!);
        // Auth0 pauses a stream only after 7 days of failed deliveries, so a log id can come back that late.
        Assert.Equal(TimeSpan.FromDays(7), XmlConvert.ToTimeSpan((string)properties["duplicateDetectionHistoryTimeWindow"]!));
        Assert.True((bool)properties["deadLetteringOnMessageExpiration"]!);
    }

    [Fact]
    public void Namespace_StandardWithLocalAuthOff_AndTls12()
    {
        var ns = CompiledTemplate.OfType(CompiledTemplate.Module("serviceBus"), "Microsoft.ServiceBus/namespaces").Single();

        Assert.Equal("Standard", (string?)ns["sku"]!["name"]);
        Assert.True((bool)ns["properties"]!["disableLocalAuth"]!);
        Assert.Equal("1.2", (string?)ns["properties"]!["minimumTlsVersion"]);
    }

    [Fact]
    public void StorageAccount_SharedKeysOff_NoPublicBlobs_HttpsTls12_WithTheHubsTables()
    {
        var account = CompiledTemplate.OfType(CompiledTemplate.Module("storage"), "Microsoft.Storage/storageAccounts").Single()["properties"]!;
        var defaults = new StorageOptions();

        Assert.Equal((false, false, true, "TLS1_2"), ((bool)account["allowSharedKeyAccess"]!, (bool)account["allowBlobPublicAccess"]!,
            (bool)account["supportsHttpsTrafficOnly"]!, (string?)account["minimumTlsVersion"]));
        Assert.Equal("[variables('tableNames')]", (string?)CompiledTemplate.ModuleParameters("storage")["tableNames"]!["value"]);
        var tables = ((JsonArray)CompiledTemplate.Root["variables"]!["tableNames"]!).Select(t => (string)t!).Order();
        // Every table the hub names in its options, so that a new one cannot be forgotten here.
        var hubTables = typeof(StorageOptions).GetProperties()
            .Where(p => p.PropertyType == typeof(string) && p.Name.EndsWith("Table", StringComparison.Ordinal))
            .Select(p => (string)p.GetValue(defaults)!);
        Assert.Equal(hubTables.Order(), tables);
    }

    [Fact]
    public void KeyVault_RbacOnly_SoftDeleteAndPurgeProtection()
    {
        var vault = CompiledTemplate.OfType(CompiledTemplate.Module("keyVault"), "Microsoft.KeyVault/vaults").Single()["properties"]!;

        Assert.True((bool)vault["enableRbacAuthorization"]!);
        Assert.True((bool)vault["enableSoftDelete"]!);
        Assert.True((bool)vault["enablePurgeProtection"]!);
        Assert.Null(vault["accessPolicies"]);
    }

    [Fact]
    public void RoleAssignments_EachIsTheExpectedRoleOnTheExpectedResource()
    {
        const string sender = "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39", receiver = "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0",
            owner = "090c5cfd-751d-490a-894a-3ce6f1109419", tableContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
            secretsUser = "4633458b-17de-408a-b874-0445c86b69e6", metricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";
        var expected = new[]
        {
            ("queue auth0-log-events", sender, "hub"), ("queue auth0-log-events", receiver, "hub"),
            ("queue platform-events", receiver, "hub"), ("queue platform-events", sender, "publishers"),
            ("queue auth0-log-events", owner, "scaler"), ("queue platform-events", owner, "scaler"),
            ("storage account", tableContributor, "hub"), ("key vault", secretsUser, "hub"),
            ("application insights", metricsPublisher, "hub"),
        };

        var actual = CompiledTemplate.AllTemplates().SelectMany(template =>
            CompiledTemplate.OfType(template, "Microsoft.Authorization/roleAssignments").Select(assignment =>
                (Scope(assignment), RoleOf(template, assignment), Principal(assignment)))).ToList();

        Assert.Equal(expected.Order(), actual.Order());
    }

    [Fact]
    public void AppSettings_EachBindsToAnOptionsProperty()
    {
        var names = AppEnvironments().SelectMany(app => app.Value).Select(e => (string)e["name"]!).Distinct().ToList();

        Assert.Contains("Storage__TableEndpoint", names);
        Assert.Contains("AzureIdentity__ManagedIdentityClientId", names);
        var unbound = names.Select(HubSettings.WhyItDoesNotBind).OfType<string>();
        Assert.Empty(unbound);
        // A typo is caught: the check itself refuses a name the hub does not have.
        Assert.NotNull(HubSettings.WhyItDoesNotBind("Storage__TableEndpiont"));
        Assert.NotNull(HubSettings.WhyItDoesNotBind("AzureWebJobs__Auth0Event__Disabled"));
    }

    [Fact]
    public void Apps_SplitByFunctionSwitches_WebhookBehindHttps_ConsumersWithoutIngress()
    {
        var environments = AppEnvironments();
        var switches = environments.ToDictionary(app => app.Key, app => app.Value
            .Where(e => ((string)e["name"]!).StartsWith("AzureWebJobs__", StringComparison.Ordinal))
            .Select(e => ((string)e["name"]!, (string?)e["value"])).Order().ToList());

        Assert.Equal([("AzureWebJobs__Auth0Events__Disabled", "true"), ("AzureWebJobs__PlatformEvents__Disabled", "true")], switches["webhook"]);
        Assert.Equal([("AzureWebJobs__Auth0LogStream__Disabled", "true")], switches["consumers"]);
        var ingress = App("webhook")["properties"]!["configuration"]!["ingress"]!;
        Assert.Equal((true, false, "[variables('port')]"), ((bool)ingress["external"]!, (bool)ingress["allowInsecure"]!, (string?)ingress["targetPort"]));
        // The port the image listens on (Dockerfile) is the one ingress and probes use.
        var port = (int)CompiledTemplate.Module("containerApps")["variables"]!["port"]!;
        Assert.Contains($"ASPNETCORE_HTTP_PORTS={port}", File.ReadAllText(Path.Combine(RepositoryPaths.Root, "Dockerfile")), StringComparison.Ordinal);
        Assert.Null(App("consumers")["properties"]!["configuration"]!["ingress"]);
    }

    [Fact]
    public void Scaling_WebhookOnHttpConcurrency_ConsumersOnQueueLengthWithTheScalerIdentity_AFewReplicasSharingTheBudget()
    {
        var webhookRules = (JsonArray)App("webhook")["properties"]!["template"]!["scale"]!["rules"]!;
        var consumerScale = App("consumers")["properties"]!["template"]!["scale"]!;
        var consumerRules = ((JsonArray)consumerScale["rules"]!).Select(r => r!["custom"]!).ToList();
        var main = (JsonObject)CompiledTemplate.Root["parameters"]!;

        Assert.NotNull(Assert.Single(webhookRules)!["http"]!["metadata"]!["concurrentRequests"]);
        Assert.Equal(["[parameters('auth0LogEventsQueue')]", "[parameters('platformEventsQueue')]"],
            consumerRules.Select(r => (string)r["metadata"]!["queueName"]!).Order());
        Assert.All(consumerRules, r => Assert.Equal(("azure-servicebus", "[parameters('scalerIdentityId')]"), ((string?)r["type"], (string?)r["identity"])));
        // One replica handles host.json's maxConcurrentCalls at once: a longer queue asks for another.
        var maxConcurrentCalls = (int)JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "host.json")))!["extensions"]!["serviceBus"]!["maxConcurrentCalls"]!;
        Assert.Equal(maxConcurrentCalls, (int)CompiledTemplate.Root["variables"]!["consumerMessagesPerReplica"]!);
        // Replicas split one HubSpot budget: a few add availability; many would each hold messages their share serves later.
        Assert.Equal((5, 2), ((int)main["consumerMaxReplicas"]!["maxValue"]!, (int)main["consumerMaxReplicas"]!["defaultValue"]!));
        var identities = (JsonObject)App("consumers")["identity"]!["userAssignedIdentities"]!;
        Assert.Equal(2, identities.Count);
    }

    [Fact]
    public void Probes_AreRoutesTheHubServes()
    {
        var probes = ((JsonArray)CompiledTemplate.Module("containerApps")["variables"]!["probes"]!)
            .ToDictionary(p => (string)p!["type"]!, p => (string)p!["httpGet"]!["path"]!);
        var routes = HealthRoutes().Matches(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "src", "Functions", "Health", "HealthApi.cs")))
            .Select(m => m.Groups[1].Value).ToHashSet();

        Assert.Equal(("/api/health", "/api/health/ready"), (probes["Liveness"], probes["Readiness"]));
        Assert.All(probes.Values, path => Assert.Contains(path, routes));
        Assert.All(new[] { "webhook", "consumers" }, app =>
            Assert.Equal("[variables('probes')]", (string?)App(app)["properties"]!["template"]!["containers"]![0]!["probes"]));
    }

    [Fact]
    public void Alerts_QueryTheHubsOwnMetricNames_AndServiceBusDeadLetters()
    {
        var alerts = CompiledTemplate.Module("alerts");
        var queries = ((JsonArray)alerts["variables"]!["logAlerts"]!).Select(rule => (string)rule!["query"]!).ToList();

        // The names are the ones the hub records (src/Connectors/Diagnostics/HubMetrics.cs): a renamed metric turns this red.
        foreach (var metric in new[] { HubMetrics.HubSpotThrottled, HubMetrics.QueueTime, HubMetrics.EmailSendResults })
        {
            Assert.Contains(queries, query => query.Contains($"name == \"{metric}\"", StringComparison.Ordinal));
        }

        var deadLetters = Assert.Single(CompiledTemplate.OfType(alerts, "Microsoft.Insights/metricAlerts"));
        Assert.Equal("DeadletteredMessages", (string?)deadLetters["properties"]!["criteria"]!["allOf"]![0]!["metricName"]);
        Assert.Single(CompiledTemplate.OfType(alerts, "Microsoft.Insights/scheduledQueryRules"));
    }

    [Fact]
    public void Secrets_NoneInSettingsOutputsOrDefaults()
    {
        foreach (var template in CompiledTemplate.AllTemplates())
        {
            foreach (var (name, parameter) in (JsonObject?)template["parameters"] ?? [])
            {
                var type = (string?)parameter!["type"];
                Assert.False(type is "securestring" or "secureObject" && parameter["defaultValue"] is not null, $"secure parameter {name} has a default");
                Assert.DoesNotMatch(SecretLike(), name == AppInsightsParameter ? $"{parameter["defaultValue"]?.ToJsonString()}" : $"{name}={parameter["defaultValue"]?.ToJsonString()}");
            }

            foreach (var (name, output) in (JsonObject?)template["outputs"] ?? [])
            {
                Assert.DoesNotMatch(SecretLike(), $"{name}={output!["value"]?.ToJsonString()}");
                Assert.DoesNotContain("list", output!["value"]?.ToJsonString() ?? "", StringComparison.OrdinalIgnoreCase);
            }
        }

        foreach (var (app, env) in AppEnvironments())
        {
            Assert.Null(App(app)["properties"]!["configuration"]!["secrets"]);
            Assert.All(env, e => Assert.Null(e["secretRef"]));
            Assert.All(env.Where(e => (string?)e["name"] != AppInsightsConnectionString), e => Assert.DoesNotMatch(SecretLike(), e.ToJsonString()));
            Assert.All(env.Where(e => (string?)e["name"] == AppInsightsConnectionString), e =>
                Assert.Equal($"[parameters('{AppInsightsParameter}')]", (string?)e["value"]));
        }
    }

    private static JsonObject App(string name) =>
        CompiledTemplate.OfType(CompiledTemplate.Module("containerApps"), "Microsoft.App/containerApps")
            .Single(a => (string?)a["name"] == $"[format('{{0}}-{name}', parameters('namePrefix'))]");

    /// <summary>Each app's environment as deployed: the variables its container's <c>env</c> expression concatenates.</summary>
    private static Dictionary<string, List<JsonObject>> AppEnvironments()
    {
        var variables = (JsonObject)CompiledTemplate.Module("containerApps")["variables"]!;
        return new[] { "webhook", "consumers" }.ToDictionary(app => app, app =>
        {
            var expression = (string)App(app)["properties"]!["template"]!["containers"]![0]!["env"]!;
            return VariableReferences().Matches(expression)
                .SelectMany(m => ((JsonArray)variables[m.Groups[1].Value]!).Select(e => (JsonObject)e!)).ToList();
        });
    }

    private static Dictionary<string, int> LocalBrokerDeliveryLimits() =>
        ((JsonArray)JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "scripts", "stack", "definitions.json")))!["queues"]!)
            .Where(q => q!["arguments"]!["x-delivery-limit"] is not null)
            .ToDictionary(q => (string)q!["name"]!, q => (int)q!["arguments"]!["x-delivery-limit"]!);

    private static string Scope(JsonObject assignment)
    {
        var scope = (string?)assignment["scope"] ?? throw new InvalidOperationException("A role assignment without a scope applies to the whole resource group.");
        return scope switch
        {
            _ when scope.Contains("'Microsoft.ServiceBus/namespaces/queues'", StringComparison.Ordinal) => $"queue {LastLiteral(scope)}",
            _ when scope.Contains("'Microsoft.Storage/storageAccounts'", StringComparison.Ordinal) => "storage account",
            _ when scope.Contains("'Microsoft.KeyVault/vaults'", StringComparison.Ordinal) => "key vault",
            _ when scope.Contains("'Microsoft.Insights/components'", StringComparison.Ordinal) => "application insights",
            _ => scope,
        };
    }

    private static string RoleOf(JsonObject template, JsonObject assignment)
    {
        var role = (string)assignment["properties"]!["roleDefinitionId"]!;
        var variable = VariableReferences().Match(role);
        var definition = variable.Success ? (string)template["variables"]![variable.Groups[1].Value]! : role;
        return Guid().Match(definition).Value;
    }

    private static string Principal(JsonObject assignment)
    {
        var principal = (string)assignment["properties"]!["principalId"]!;
        return principal switch
        {
            _ when principal.Contains("parameters('hubIdentityName')", StringComparison.Ordinal) => "hub",
            _ when principal.Contains("parameters('scalerIdentityName')", StringComparison.Ordinal) => "scaler",
            _ when principal.Contains("parameters('platformPublisherPrincipalIds')", StringComparison.Ordinal) => "publishers",
            _ => principal,
        };
    }

    private static string LastLiteral(string expression) => Literals().Matches(expression)[^1].Groups[1].Value;

    [GeneratedRegex(@"variables\('([^']+)'\)")]
    private static partial Regex VariableReferences();

    [GeneratedRegex(@"'([^']*)'")]
    private static partial Regex Literals();

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Guid();

    [GeneratedRegex(@"MapHealthChecks\(""([^""]+)""")]
    private static partial Regex HealthRoutes();

    // Application Insights' connection string: an address and an instrumentation key that authenticates nothing, since
    // the component takes no key (DisableLocalAuth) and the hub sends as its identity. Its name alone is exempt; its value
    // must still come from the component, never a literal or a default.
    private const string AppInsightsConnectionString = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    private const string AppInsightsParameter = "appInsightsConnectionString";

    /// <summary>What a secret looks like by name or value: keys, passwords, tokens, connection strings, SAS.</summary>
    [GeneratedRegex("(?i)(password|secret|token|connectionstring|accountkey|sharedaccess|instrumentationkey|sig=)")]
    private static partial Regex SecretLike();
}
