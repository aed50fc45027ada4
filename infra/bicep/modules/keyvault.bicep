// The vault holding the hub's secrets (names in src/Connectors/Secrets/SecretNames.cs). Access by Azure RBAC only;
// deleted secrets are recoverable for 90 days and cannot be purged early. The template creates no secret: an operator
// puts the values in after the deployment (README, "Deploy to Azure").

@description('Azure region of the vault.')
param location string

@description('Prefix of every resource name, e.g. crm-prod.')
param namePrefix string

@description('Tags put on every resource.')
param tags object

@description('Name of the hub\'s managed identity.')
param hubIdentityName string

var secretsUser = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')

// The identities are named from the deployment's parameters, so that every role assignment's name is known before
// the deployment runs (what-if can predict it); their principal ids are read here.
resource hubIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: hubIdentityName
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  // 3-24 characters, globally unique.
  name: take('${namePrefix}-kv-${uniqueString(resourceGroup().id)}', 24)
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource hubReadsSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: guid(vault.id, hubIdentity.id, secretsUser)
  properties: { roleDefinitionId: secretsUser, principalId: hubIdentity.id, principalType: 'ServicePrincipal' }
}

output vaultName string = vault.name
output vaultUri string = vault.properties.vaultUri
