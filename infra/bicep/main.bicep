// The hub's whole Azure deployment, into one resource group:
//   az deployment group create -g <rg> -f infra/bicep/main.bicep -p infra/bicep/main.bicepparam
// One module per concern; see README.md beside this file for what each creates and why.
targetScope = 'resourceGroup'

@description('Short name of the environment (prod, staging, …): part of every resource name.')
@minLength(2)
@maxLength(8)
param environmentName string

@description('Azure region; by default the resource group\'s.')
param location string = resourceGroup().location

@description('The hub\'s container image (built from the repository\'s Dockerfile), e.g. myregistry.azurecr.io/crm-integration:1.0.0.')
param image string

@description('The registry to pull the image from as the hub\'s identity (grant it AcrPull there); empty for a public image.')
param registryServer string = ''

@description('The HubSpot portal\'s subscription tier: it sets the hub\'s budget (private-app calls per 10 s and per day).')
@allowed(['Starter', 'Professional', 'Enterprise'])
param hubSpotTier string

@description('How the hub authenticates to HubSpot: PrivateApp (secret HubSpotAccessToken) or OAuth (HubSpotClientId, HubSpotClientSecret, HubSpotRefreshToken).')
@allowed(['PrivateApp', 'OAuth'])
param hubSpotAuthentication string = 'PrivateApp'

@description('Token issuer of the admin API and page: https://<tenant>.eu.auth0.com/ or https://login.microsoftonline.com/<tenant>/v2.0.')
param adminApiAuthority string

@description('Audience the admin tokens are issued for (Auth0 API identifier or Entra application id URI).')
param adminApiAudience string

@description('The Auth0 tenant whose Management API the hub reads users from, e.g. https://my-tenant.eu.auth0.com/.')
param auth0BaseAddress string

@description('Webhook replicas: at least one keeps Auth0\'s deliveries answered without a cold start.')
@minValue(1)
@maxValue(30)
param webhookMinReplicas int = 1

@description('Webhook replicas at most: stateless, so bounded by cost rather than by HubSpot (the broker absorbs bursts).')
@minValue(1)
@maxValue(30)
param webhookMaxReplicas int = 5

@description('Concurrent requests per webhook replica before another is added.')
@minValue(1)
param webhookConcurrentRequests int = 50

@description('Consumer replicas at rest: 1 keeps the send-status watcher and the contact batcher warm; 0 scales to zero when the queues are empty.')
@minValue(0)
@maxValue(1)
param consumerMinReplicas int = 1

@description('Consumer replicas at most. They split one HubSpot budget (heartbeats in the Replicas table), so more add availability and CPU, not HubSpot throughput: one replica already drains at the budget. Bounded to 5: each waits a heartbeat and HubSpot window before it spends, and holds messages its share serves later.')
@minValue(1)
@maxValue(5)
param consumerMaxReplicas int = 2

@description('Object ids of the platform services that publish to platform-events; each gets Azure Service Bus Data Sender on that queue only.')
param platformPublisherPrincipalIds string[] = []

@description('Storage replication.')
@allowed(['Standard_LRS', 'Standard_ZRS'])
param storageSku string = 'Standard_LRS'

@description('Days the Log Analytics workspace keeps logs.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

@description('Where the alert rules (HubSpot 429s, dead letters, queue lag, email send failures) mail to; empty: portal only.')
param alertEmail string = ''

// HubSpot's published limits for private apps, per tier: calls per rolling 10 s and per day.
var hubSpotBudgets = {
  Starter: { perTenSeconds: 100, daily: 250000 }
  Professional: { perTenSeconds: 190, daily: 625000 }
  Enterprise: { perTenSeconds: 190, daily: 1000000 }
}

// A consumer replica handles host.json's maxConcurrentCalls (1,000) messages at once: a longer queue asks for another.
var consumerMessagesPerReplica = 1000

// The hub's tables (StorageOptions defaults).
var tableNames = ['Notifications', 'Lookups', 'EmailTemplates', 'ContactDates', 'Replicas', 'Operations']

var namePrefix = 'crm-${environmentName}'
// Names the modules share, fixed here so that what-if knows every resource and role assignment name in advance.
var hubIdentityName = '${namePrefix}-hub-id'
var scalerIdentityName = '${namePrefix}-scaler-id'
var workspaceName = '${namePrefix}-logs'
var appInsightsName = '${namePrefix}-appi'
var tags = { application: 'crm-integration', environment: environmentName }

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: { location: location, tags: tags, hubIdentityName: hubIdentityName, scalerIdentityName: scalerIdentityName }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    tags: tags
    workspaceName: workspaceName
    appInsightsName: appInsightsName
    hubIdentityName: hubIdentityName
    retentionInDays: logRetentionInDays
  }
  dependsOn: [identity]
}

// Read once the monitoring module has made it: the apps get its connection string (an address; it authenticates nothing).
resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
  dependsOn: [monitoring]
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  params: {
    location: location
    namePrefix: namePrefix
    tags: tags
    appInsightsId: monitoring.outputs.appInsightsId
    serviceBusNamespaceId: serviceBus.outputs.namespaceId
    alertEmail: alertEmail
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'servicebus'
  params: {
    location: location
    namePrefix: namePrefix
    tags: tags
    hubIdentityName: hubIdentityName
    scalerIdentityName: scalerIdentityName
    platformPublisherPrincipalIds: platformPublisherPrincipalIds
  }
  dependsOn: [identity]
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    namePrefix: namePrefix
    tags: tags
    hubIdentityName: hubIdentityName
    tableNames: tableNames
    skuName: storageSku
  }
  dependsOn: [identity]
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: { location: location, namePrefix: namePrefix, tags: tags, hubIdentityName: hubIdentityName }
  dependsOn: [identity]
}

module containerApps 'modules/containerapps.bicep' = {
  name: 'containerapps'
  params: {
    location: location
    namePrefix: namePrefix
    tags: tags
    workspaceName: workspaceName
    appInsightsConnectionString: appInsights.properties.ConnectionString
    hubIdentityId: identity.outputs.hubIdentityId
    hubClientId: identity.outputs.hubClientId
    scalerIdentityId: identity.outputs.scalerIdentityId
    image: image
    registryServer: registryServer
    vaultUri: keyVault.outputs.vaultUri
    tableEndpoint: storage.outputs.tableEndpoint
    serviceBusNamespace: serviceBus.outputs.namespaceName
    serviceBusFullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
    auth0LogEventsQueue: serviceBus.outputs.auth0LogEventsQueue
    platformEventsQueue: serviceBus.outputs.platformEventsQueue
    hubSpotAuthentication: hubSpotAuthentication
    hubSpotRequestsPerTenSeconds: hubSpotBudgets[hubSpotTier].perTenSeconds
    hubSpotDailyLimit: hubSpotBudgets[hubSpotTier].daily
    adminApiAuthority: adminApiAuthority
    adminApiAudience: adminApiAudience
    auth0BaseAddress: auth0BaseAddress
    webhookMinReplicas: webhookMinReplicas
    webhookMaxReplicas: webhookMaxReplicas
    webhookConcurrentRequests: webhookConcurrentRequests
    consumerMinReplicas: consumerMinReplicas
    consumerMaxReplicas: consumerMaxReplicas
    consumerMessagesPerReplica: consumerMessagesPerReplica
  }
  dependsOn: [monitoring]
}

@description('Point Auth0\'s log stream at this URL + /api/auth0/log-stream; the admin page is at + /admin/.')
output webhookUrl string = containerApps.outputs.webhookUrl

@description('The vault to put the secrets in (names: src/Connectors/Secrets/SecretNames.cs).')
output keyVaultName string = keyVault.outputs.vaultName

@description('The namespace platform publishers send to (queue platform-events).')
output serviceBusNamespace string = serviceBus.outputs.fullyQualifiedNamespace

@description('The hub\'s identity (client id), as the apps\' AzureIdentity:ManagedIdentityClientId.')
output hubClientId string = identity.outputs.hubClientId

output storageAccountName string = storage.outputs.accountName
