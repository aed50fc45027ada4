// The Container Apps environment (logs to the workspace) and the hub as two container apps of one image, told apart
// by the function switches (AzureWebJobs:<name>:Disabled, src/Functions/Hosting/FunctionSwitches.cs):
// - webhook: Auth0's log stream and the admin page behind HTTPS ingress, scaled on concurrent requests. Stateless:
//   any number of replicas, and its answers are not slowed by a drain on the same cores (the benchmark measured the
//   webhook's p99 at 40 ms alone and 117 ms beside a 100,000-event drain).
// - consumers: the queue triggers, scaled by KEDA's azure-servicebus scaler on queue length. Their replicas share one
//   HubSpot budget per portal, split between them through heartbeats in the Replicas table (the hub's README,
//   "Several replicas, one HubSpot budget"); a few add availability, not HubSpot throughput (main.bicep bounds them to 5).
// Every endpoint is an environment setting; no secret is: the hub reads its secrets from Key Vault as its identity.

@description('Azure region of the environment and the apps.')
param location string

@description('Prefix of every resource name, e.g. crm-prod.')
param namePrefix string

@description('Tags put on every resource.')
param tags object

@description('The Log Analytics workspace the environment sends console and system logs to.')
param workspaceName string

@description('Resource id of the hub\'s user-assigned identity (attached to both apps; the hub authenticates as it).')
param hubIdentityId string

@description('Client id of the hub\'s identity: AzureIdentity:ManagedIdentityClientId.')
param hubClientId string

@description('Resource id of the identity KEDA reads queue lengths with (attached to the consumers, used only by the scale rules).')
param scalerIdentityId string

@description('The hub\'s image, e.g. myregistry.azurecr.io/crm-integration:1.0.0.')
param image string

@description('Registry server to pull the image from as the hub\'s identity (it needs AcrPull there); empty for a public image.')
param registryServer string

@description('Connection string of the Application Insights component the hub exports its telemetry to (OpenTelemetry\'s Azure Monitor exporter). Not a secret: the component takes no key, the hub sends as its identity.')
param appInsightsConnectionString string

@description('The vault\'s URI.')
param vaultUri string

@description('The storage account\'s table endpoint.')
param tableEndpoint string

@description('Service Bus namespace name (KEDA) and its fully qualified name (the hub).')
param serviceBusNamespace string
param serviceBusFullyQualifiedNamespace string

@description('Queue names.')
param auth0LogEventsQueue string
param platformEventsQueue string

@description('HubSpot settings: how the hub authenticates, and the portal\'s budget.')
param hubSpotAuthentication string
param hubSpotRequestsPerTenSeconds int
param hubSpotDailyLimit int

@description('The admin API\'s token issuer and audience.')
param adminApiAuthority string
param adminApiAudience string

@description('The Auth0 tenant (Management API) the hub reads users from.')
param auth0BaseAddress string

@description('Webhook replica bounds and the concurrent requests per replica that add one.')
param webhookMinReplicas int
param webhookMaxReplicas int
param webhookConcurrentRequests int

@description('Consumer replica bounds and the queued messages per replica that add one.')
param consumerMinReplicas int
param consumerMaxReplicas int
param consumerMessagesPerReplica int

// The port the image listens on (Dockerfile: ASPNETCORE_HTTP_PORTS).
var port = 8080

// Settings both apps run with; each name is Section__Key of an options type of the hub (checked by the infra tests).
var commonEnv = [
  { name: 'AzureIdentity__ManagedIdentityClientId', value: hubClientId }
  { name: 'KeyVault__VaultUri', value: vaultUri }
  { name: 'Storage__TableEndpoint', value: tableEndpoint }
  { name: 'ServiceBus__Transport', value: 'AzureServiceBus' }
  { name: 'ServiceBus__FullyQualifiedNamespace', value: serviceBusFullyQualifiedNamespace }
  { name: 'ServiceBus__Entities__auth0-log-events', value: auth0LogEventsQueue }
  { name: 'ServiceBus__Entities__platform-events', value: platformEventsQueue }
  { name: 'HubSpot__Authentication', value: hubSpotAuthentication }
  { name: 'HubSpot__RequestsPerTenSeconds', value: string(hubSpotRequestsPerTenSeconds) }
  { name: 'HubSpot__DailyLimit', value: string(hubSpotDailyLimit) }
  { name: 'AdminApi__Authority', value: adminApiAuthority }
  { name: 'AdminApi__Audience', value: adminApiAudience }
  { name: 'Auth0__BaseAddress', value: auth0BaseAddress }
  // Read by the Azure Monitor exporter by its standard name. It holds the component's address and instrumentation key,
  // which authenticates nothing: the component takes no key (DisableLocalAuth), the hub sends as its identity.
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsightsConnectionString }
]

var webhookEnv = [
  { name: 'AzureWebJobs__Auth0Events__Disabled', value: 'true' }
  { name: 'AzureWebJobs__PlatformEvents__Disabled', value: 'true' }
]

var consumerEnv = [
  { name: 'AzureWebJobs__Auth0LogStream__Disabled', value: 'true' }
]

// Liveness never looks at dependencies (a broker outage must not restart the hub); readiness does. Startup allows
// 50 s (the vault is read and the connections opened before the host listens); Container Apps caps thresholds at 10.
var probes = [
  { type: 'Startup', httpGet: { path: '/api/health', port: port }, periodSeconds: 5, failureThreshold: 10 }
  { type: 'Liveness', httpGet: { path: '/api/health', port: port }, periodSeconds: 10, failureThreshold: 3 }
  { type: 'Readiness', httpGet: { path: '/api/health/ready', port: port }, periodSeconds: 10, failureThreshold: 3 }
]

var registries = empty(registryServer) ? [] : [{ server: registryServer, identity: hubIdentityId }]

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: workspaceName
}

resource environment 'Microsoft.App/managedEnvironments@2025-01-01' = {
  name: '${namePrefix}-env'
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: workspace.properties.customerId
        sharedKey: workspace.listKeys().primarySharedKey
      }
    }
  }
}

resource webhook 'Microsoft.App/containerApps@2025-01-01' = {
  name: '${namePrefix}-webhook'
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${hubIdentityId}': {} }
  }
  properties: {
    environmentId: environment.id
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: port
        transport: 'auto'
        allowInsecure: false
      }
      registries: registries
    }
    template: {
      containers: [
        {
          name: 'hub'
          image: image
          resources: { cpu: json('0.5'), memory: '1Gi' }
          env: concat(commonEnv, webhookEnv)
          probes: probes
        }
      ]
      scale: {
        minReplicas: webhookMinReplicas
        maxReplicas: webhookMaxReplicas
        rules: [
          {
            name: 'http-concurrency'
            http: { metadata: { concurrentRequests: string(webhookConcurrentRequests) } }
          }
        ]
      }
    }
  }
}

resource consumers 'Microsoft.App/containerApps@2025-01-01' = {
  name: '${namePrefix}-consumers'
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${hubIdentityId}': {}, '${scalerIdentityId}': {} }
  }
  properties: {
    environmentId: environment.id
    configuration: {
      // No ingress: the consumers take no requests; the platform probes the container's port directly.
      activeRevisionsMode: 'Single'
      registries: registries
    }
    template: {
      containers: [
        {
          name: 'hub'
          image: image
          resources: { cpu: json('1.0'), memory: '2Gi' }
          env: concat(commonEnv, consumerEnv)
          probes: probes
        }
      ]
      scale: {
        minReplicas: consumerMinReplicas
        maxReplicas: consumerMaxReplicas
        rules: [
          {
            name: 'auth0-log-events-length'
            custom: {
              type: 'azure-servicebus'
              metadata: {
                namespace: serviceBusNamespace
                queueName: auth0LogEventsQueue
                messageCount: string(consumerMessagesPerReplica)
              }
              identity: scalerIdentityId
            }
          }
          {
            name: 'platform-events-length'
            custom: {
              type: 'azure-servicebus'
              metadata: {
                namespace: serviceBusNamespace
                queueName: platformEventsQueue
                messageCount: string(consumerMessagesPerReplica)
              }
              identity: scalerIdentityId
            }
          }
        ]
      }
    }
  }
}

output webhookUrl string = 'https://${webhook.properties.configuration.ingress.fqdn}'
output webhookAppName string = webhook.name
output consumersAppName string = consumers.name
