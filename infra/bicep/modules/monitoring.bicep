// Log Analytics (the Container Apps environment sends console logs here) and workspace-based Application Insights.

@description('Azure region of the workspace.')
param location string

@description('Name of the Log Analytics workspace.')
param workspaceName string

@description('Name of the Application Insights component.')
param appInsightsName string

@description('Tags put on every resource.')
param tags object

@description('Name of the hub\'s managed identity: it publishes telemetry to the component (which takes no key).')
param hubIdentityName string

@description('Days Log Analytics keeps logs; 30 is included in the per-GB price.')
@minValue(30)
@maxValue(730)
param retentionInDays int

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: workspaceName
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: retentionInDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    // The hub exports with Entra ID as its identity (Monitoring Metrics Publisher below): no key ingestion.
    DisableLocalAuth: true
  }
}

// Built-in role: Monitoring Metrics Publisher, what Entra-authenticated ingestion into Application Insights asks for.
var metricsPublisher = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '3913510d-42f4-4e42-8a64-420c390055eb')

resource hubIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: hubIdentityName
}

resource hubPublishesTelemetry 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, hubIdentity.id, metricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: metricsPublisher
    principalId: hubIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

output workspaceId string = workspace.id
output appInsightsId string = appInsights.id
