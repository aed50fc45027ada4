// Parameters of one deployment of the hub. Copy this file per environment (prod.bicepparam, staging.bicepparam) and
// pass it with -p. No secret belongs here: secrets go into the vault after the deployment (README, "Deploy to Azure").
using 'main.bicep'

// Short name of the environment, part of every resource name (crm-<name>-…).
param environmentName = 'prod'

// The image built from the repository's Dockerfile and pushed to your registry.
param image = 'crmintegration.azurecr.io/crm-integration:1.0.0'

// The registry the apps pull from as the hub's identity (grant it AcrPull on the registry); '' for a public image.
param registryServer = 'crmintegration.azurecr.io'

// The HubSpot portal's tier: Starter = 100 calls per 10 s and 250,000 a day; Professional = 190 and 625,000;
// Enterprise = 190 and 1,000,000 (HubSpot's limits for private apps).
param hubSpotTier = 'Professional'

// PrivateApp (secret HubSpotAccessToken) or OAuth (HubSpotClientId, HubSpotClientSecret, HubSpotRefreshToken).
param hubSpotAuthentication = 'PrivateApp'

// Who may use the admin API and page: the token issuer and the audience its tokens are issued for.
param adminApiAuthority = 'https://my-tenant.eu.auth0.com/'
param adminApiAudience = 'https://crm-integration/admin'

// The Auth0 tenant the hub reads user profiles from (Management API; secrets Auth0ManagementClientId/-Secret).
param auth0BaseAddress = 'https://my-tenant.eu.auth0.com/'

// Webhook replicas: 1 to 5, one more per 50 concurrent requests.
param webhookMinReplicas = 1
param webhookMaxReplicas = 5
param webhookConcurrentRequests = 50

// Consumer replicas: they split one HubSpot budget, so a second adds availability, not HubSpot throughput; 0 at rest scales to zero.
param consumerMinReplicas = 1
param consumerMaxReplicas = 2

// Object ids of the platform services that publish events (Azure Service Bus Data Sender on platform-events).
param platformPublisherPrincipalIds = []

param storageSku = 'Standard_LRS'
param logRetentionInDays = 30
