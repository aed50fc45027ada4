// The hub's one user-assigned managed identity: every Azure client in the hub (Table Storage, Key Vault, Service Bus)
// authenticates as it, so no key or password is in configuration. A second identity, used only by the platform to
// read queue lengths for KEDA, is kept apart because that needs more rights than the hub's own work.

@description('Azure region of the identities.')
param location string

@description('Name of the hub\'s identity.')
param hubIdentityName string

@description('Name of the identity KEDA reads queue lengths with.')
param scalerIdentityName string

@description('Tags put on every resource.')
param tags object

resource hub 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: hubIdentityName
  location: location
  tags: tags
}

// KEDA's azure-servicebus scaler reads queue runtime properties, which Service Bus grants only with Manage rights
// (Data Owner). Those rights go to this identity, scoped to the two queues, and never to the hub's.
resource scaler 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: scalerIdentityName
  location: location
  tags: tags
}

output hubIdentityId string = hub.id
output hubClientId string = hub.properties.clientId
output scalerIdentityId string = scaler.id
