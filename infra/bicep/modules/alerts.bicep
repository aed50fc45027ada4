// Alert rules an operator of the hub would set (README "Telemetry"): HubSpot throttling, dead letters, queue lag and
// email send failures. The hub's own metrics (customMetrics in Application Insights, exported by OpenTelemetry) drive
// the log alerts; Service Bus's platform metric drives the dead-letter rule, since it also counts the messages the
// broker moves after the delivery limit, which the hub never sees. Without an address, the rules fire into the portal only.

@description('Azure region of the log alert rules.')
param location string

@description('Prefix of every resource name, e.g. crm-prod.')
param namePrefix string

@description('Tags put on every resource.')
param tags object

@description('Resource id of the Application Insights component the hub exports to.')
param appInsightsId string

@description('Resource id of the Service Bus namespace (its DeadletteredMessages metric).')
param serviceBusNamespaceId string

@description('Where alerts are mailed; empty: no action group, the alerts show in the portal only.')
param alertEmail string

@description('HubSpot 429s in 15 minutes that raise the throttling alert (a DAILY 429 always does).')
param throttledThreshold int = 10

@description('Seconds a message may wait on a queue (the largest wait in 5 minutes) before the lag alert fires.')
param queueLagSeconds int = 300

@description('Transactional emails not SENT (bounced, spam, …) in an hour that raise the send-failure alert.')
param sendFailureThreshold int = 5

resource operators 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(alertEmail)) {
  name: '${namePrefix}-operators'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: take(replace(namePrefix, '-', ''), 12)
    enabled: true
    emailReceivers: [{ name: 'operators', emailAddress: alertEmail, useCommonAlertSchema: true }]
  }
}

var actions = empty(alertEmail) ? [] : [operators.id]

// One log alert per question, each a KQL query over the hub's metrics; the query's result column is the measure.
var logAlerts = [
  {
    name: 'hubspot-throttled'
    description: 'HubSpot answers 429: the budget is mis-sized, another app spends the portal\'s limit, or the day\'s cap is spent.'
    severity: 2
    window: 'PT15M'
    query: 'customMetrics | where name == "crm.hubspot.throttled" | extend policy = tostring(customDimensions.policy) | summarize measure = sum(valueSum) + iff(countif(policy == "DAILY") > 0, ${throttledThreshold + 1}, 0)'
    threshold: throttledThreshold
  }
  {
    name: 'queue-lag'
    description: 'Messages wait on a queue longer than they should: the consumers are stopped, paused or behind.'
    severity: 2
    window: 'PT5M'
    query: 'customMetrics | where name == "crm.queue.time_on_queue" | summarize measure = max(valueMax)'
    threshold: queueLagSeconds
  }
  {
    name: 'email-send-failures'
    description: 'Transactional emails HubSpot did not send (bounced, spam, blocked): check the recipients and the template.'
    severity: 3
    window: 'PT1H'
    query: 'customMetrics | where name == "crm.emails.send_results" and tostring(customDimensions.send_result) != "SENT" | summarize measure = sum(valueSum)'
    threshold: sendFailureThreshold
  }
]

resource logRules 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [
  for rule in logAlerts: {
    name: '${namePrefix}-${rule.name}'
    location: location
    tags: tags
    properties: {
      displayName: '${namePrefix} ${rule.name}'
      description: rule.description
      severity: rule.severity
      enabled: true
      scopes: [appInsightsId]
      evaluationFrequency: 'PT5M'
      windowSize: rule.window
      criteria: {
        allOf: [
          {
            query: rule.query
            timeAggregation: 'Maximum'
            metricMeasureColumn: 'measure'
            operator: 'GreaterThan'
            threshold: rule.threshold
            failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
          }
        ]
      }
      autoMitigate: true
      actions: { actionGroups: actions }
    }
  }
]

// Dead letters, per queue: any message in a dead-letter queue is one an operator must read (its reason says why).
resource deadLetters 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${namePrefix}-dead-letters'
  location: 'global'
  tags: tags
  properties: {
    description: 'Messages in a dead-letter queue: rejected by the hub (reason in DeadLetterReason) or past the delivery limit.'
    severity: 2
    enabled: true
    scopes: [serviceBusNamespaceId]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'dead-lettered'
          metricNamespace: 'Microsoft.ServiceBus/namespaces'
          metricName: 'DeadletteredMessages'
          dimensions: [{ name: 'EntityName', operator: 'Include', values: ['*'] }]
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Maximum'
        }
      ]
    }
    autoMitigate: true
    actions: [for id in actions: { actionGroupId: id }]
  }
}
