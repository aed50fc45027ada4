// The storage account holding the hub's tables, reached only with Entra ID (shared keys off), and the one role the
// hub needs on it.

@description('Azure region of the account.')
param location string

@description('Prefix of every resource name, e.g. crm-prod (letters and digits are kept for the account name).')
param namePrefix string

@description('Tags put on every resource.')
param tags object

@description('Name of the hub\'s managed identity.')
param hubIdentityName string

@description('The hub\'s tables: the ledger, lookups, email templates and contact dates (StorageOptions defaults).')
param tableNames string[]

@description('Replication: Standard_LRS is enough for a ledger the sources can replay; Standard_ZRS survives a zone.')
@allowed(['Standard_LRS', 'Standard_ZRS'])
param skuName string

var tableDataContributor = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3')

// The identities are named from the deployment's parameters, so that every role assignment's name is known before
// the deployment runs (what-if can predict it); their principal ids are read here.
resource hubIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: hubIdentityName
}

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  // 3-24 lower-case letters and digits, globally unique.
  name: take('${toLower(replace(namePrefix, '-', ''))}st${uniqueString(resourceGroup().id)}', 24)
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: skuName }
  properties: {
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [
  for table in tableNames: {
    parent: tableService
    name: table
  }
]

resource hubUsesTables 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: account
  name: guid(account.id, hubIdentity.id, tableDataContributor)
  properties: { roleDefinitionId: tableDataContributor, principalId: hubIdentity.id, principalType: 'ServicePrincipal' }
}

output accountName string = account.name
output tableEndpoint string = account.properties.primaryEndpoints.table
