// The Service Bus namespace and the hub's two queues, reached only with Entra ID (no SAS keys), with the data-plane
// roles each queue needs, each assigned on the queue itself.

@description('Azure region of the namespace.')
param location string

@description('Prefix of every resource name, e.g. crm-prod.')
param namePrefix string

@description('Tags put on every resource.')
param tags object

@description('Name of the hub\'s managed identity.')
param hubIdentityName string

@description('Name of the identity KEDA reads queue lengths with.')
param scalerIdentityName string

@description('Principal (object) ids of the platform services that publish to platform-events (Data Sender on that queue only).')
param platformPublisherPrincipalIds string[]

// Built-in role definitions (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles).
var dataSender = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39')
var dataReceiver = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0')
var dataOwner = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '090c5cfd-751d-490a-894a-3ce6f1109419')

// The identities are named from the deployment's parameters, so that every role assignment's name is known before
// the deployment runs (what-if can predict it); their principal ids are read here.
resource hubIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: hubIdentityName
}

resource scalerIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: scalerIdentityName
}

// What the hub assumes of both queues (tests/Crm.Integration.Infra.Tests checks it against the code):
// - maxDeliveryCount 10: the local broker's x-delivery-limit (scripts/stack/definitions.json); the hub's own waits
//   (PlatformEvents:ContactWaitAttempts, 5) stay under it so that the hub, not the broker, names the reason.
// - lockDuration 1 min: PlatformEvents:ContactWaitDelay (20 s) holds a message well inside one lock.
// - duplicate detection for 7 days, the longest Service Bus keeps: Auth0 retries a log it could not deliver (three
//   attempts, then again until the stream is healthy) and pauses the stream only after 7 days of failures, so a
//   log id can come back that late; the webhook sends it with that id as MessageId. Platform publishers retrying from
//   an outbox after an outage get the same cover. The ledger dedupes behind it in any case.
// - messages that expire (14 days unhandled) go to the dead-letter queue, not away.
var queueProperties = {
  lockDuration: 'PT1M'
  maxDeliveryCount: 10
  requiresDuplicateDetection: true
  duplicateDetectionHistoryTimeWindow: 'P7D'
  deadLetteringOnMessageExpiration: true
  defaultMessageTimeToLive: 'P14D'
  maxSizeInMegabytes: 1024
  requiresSession: false
  enablePartitioning: false
}

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  // Namespace names are global: the resource group id makes the name unique per deployment target.
  name: '${namePrefix}-sb-${uniqueString(resourceGroup().id)}'
  location: location
  tags: tags
  // Standard: duplicate detection and topics need it; Basic has neither, Premium (dedicated capacity) costs ~50x.
  sku: { name: 'Standard', tier: 'Standard' }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

resource auth0LogEvents 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' = {
  parent: namespace
  name: 'auth0-log-events'
  properties: queueProperties
}

resource platformEvents 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' = {
  parent: namespace
  name: 'platform-events'
  properties: queueProperties
}

// auth0-log-events: the webhook sends, the queue trigger receives.
resource hubSendsAuth0LogEvents 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: auth0LogEvents
  name: guid(auth0LogEvents.id, hubIdentity.id, dataSender)
  properties: { roleDefinitionId: dataSender, principalId: hubIdentity.id, principalType: 'ServicePrincipal' }
}

resource hubReceivesAuth0LogEvents 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: auth0LogEvents
  name: guid(auth0LogEvents.id, hubIdentity.id, dataReceiver)
  properties: { roleDefinitionId: dataReceiver, principalId: hubIdentity.id, principalType: 'ServicePrincipal' }
}

// platform-events: the hub only receives; the platform's services send.
resource hubReceivesPlatformEvents 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: platformEvents
  name: guid(platformEvents.id, hubIdentity.id, dataReceiver)
  properties: { roleDefinitionId: dataReceiver, principalId: hubIdentity.id, principalType: 'ServicePrincipal' }
}

resource publishersSendPlatformEvents 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for publisher in platformPublisherPrincipalIds: {
    scope: platformEvents
    name: guid(platformEvents.id, publisher, dataSender)
    properties: { roleDefinitionId: dataSender, principalId: publisher, principalType: 'ServicePrincipal' }
  }
]

// KEDA's scaler reads each queue's length (Manage rights on that queue only).
resource scalerReadsAuth0LogEvents 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: auth0LogEvents
  name: guid(auth0LogEvents.id, scalerIdentity.id, dataOwner)
  properties: { roleDefinitionId: dataOwner, principalId: scalerIdentity.id, principalType: 'ServicePrincipal' }
}

resource scalerReadsPlatformEvents 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: platformEvents
  name: guid(platformEvents.id, scalerIdentity.id, dataOwner)
  properties: { roleDefinitionId: dataOwner, principalId: scalerIdentity.id, principalType: 'ServicePrincipal' }
}

output namespaceName string = namespace.name
output namespaceId string = namespace.id
output fullyQualifiedNamespace string = '${namespace.name}.servicebus.windows.net'
output auth0LogEventsQueue string = auth0LogEvents.name
output platformEventsQueue string = platformEvents.name
