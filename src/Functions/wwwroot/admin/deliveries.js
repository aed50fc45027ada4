// The Deliveries tab: find an event by id or a person's events, see the activity of a window (events by outcome,
// HubSpot calls against the budget) and the failures by reason. Read permission suffices; all text via textContent.
import { stackedBars } from './charts.js';

const outcomes = [
  { key: 'delivered', label: 'delivered' },
  { key: 'received', label: 'in progress' },
  { key: 'failed', label: 'to be retried' },
  { key: 'rejected', label: 'dead-lettered' },
];

let hub;

const when = (iso) => (iso ? new Date(iso).toLocaleString() : '—');

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text ?? '—';
  if (className) td.className = className;
  return td;
}

function lookupButton(source, id) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'link';
  b.textContent = id;
  b.addEventListener('click', () => find(source, id));
  return b;
}

function detail(event) {
  const rows = [
    ['Status', event.status], ['Reason', event.reason], ['Last error', event.lastError],
    ['Source', `${event.source} (${event.channel})`], ['Id', event.id], ['Type', event.type],
    ['Attempts', String(event.attempts)], ['Duplicates seen', String(event.duplicatesSeen)],
    ['HubSpot id', event.hubSpotId], ['Template', event.template], ['Recipient', event.recipient], ['sendResult', event.sendResult],
    ['Received', when(event.timings.received)], ['Last updated', when(event.timings.updated)],
    ['Time to HubSpot', event.timings.toHubSpotMs == null ? null : `${event.timings.toHubSpotMs} ms`],
  ];
  const list = hub.$('#event-detail');
  list.replaceChildren(...rows.filter(([, value]) => value != null && value !== '').flatMap(([name, value]) => {
    const dt = document.createElement('dt');
    dt.textContent = name;
    const dd = document.createElement('dd');
    dd.textContent = value;
    if (name === 'Status') dd.className = `status-${value}`;
    return [dt, dd];
  }));
  hub.show(list, true);
}

function personRow(event) {
  const tr = document.createElement('tr');
  const id = document.createElement('td');
  id.append(lookupButton(event.source, event.id));
  tr.append(cell(when(event.timings.received)), cell(event.source), id, cell(event.type), cell(event.status, `status-${event.status}`), cell(event.reason));
  return tr;
}

async function find(kind, id) {
  hub.$('#find-kind').value = kind;
  hub.$('#find-id').value = id;
  hub.show(hub.$('#event-detail'), false);
  hub.show(hub.$('#person-events'), false);
  if (!id.trim()) { hub.message(hub.$('#find-message'), 'Give an id, an email address or an Auth0 user id.'); return; }
  const path = kind === 'person'
    ? `/people/${encodeURIComponent(id.trim())}/events?max=200`
    : `/events/${kind}/${encodeURIComponent(id.trim())}`;
  const result = await hub.call('GET', path);
  if (result.status !== 200) { hub.message(hub.$('#find-message'), hub.problemText(result)); return; }
  if (kind !== 'person') {
    hub.message(hub.$('#find-message'), '');
    detail(result.data);
    return;
  }
  const items = result.data.items;
  hub.message(hub.$('#find-message'), items.length ? `${items.length} event(s) of this person since ${when(result.data.since)}.` : 'No events of this person are in the ledger.', items.length > 0);
  hub.$('#person-events tbody').replaceChildren(...items.map(personRow));
  hub.show(hub.$('#person-events'), items.length > 0);
}

function failureRow(failure) {
  const tr = document.createElement('tr');
  const example = document.createElement('td');
  example.append(lookupButton(failure.exampleSource, failure.exampleId));
  tr.append(cell(failure.reason), cell(String(failure.count), 'number'), cell(String(failure.rejected), 'number'), cell(String(failure.failed), 'number'), example);
  return tr;
}

// HubSpot usage comes by the minute, minutes without calls left out; the chart shows every bucket of the window (an
// hourly chart adds its minutes up, and its budget is 60 minutes' worth).
function usageBuckets(minutes, since, until, hourly) {
  const width = hourly ? 3_600_000 : 60_000;
  const buckets = new Map();
  for (let t = Math.floor(since.getTime() / width) * width; t < until.getTime(); t += width) {
    const start = new Date(t).toISOString();
    buckets.set(start, { start, answered: 0, throttled: 0 });
  }
  for (const m of minutes) {
    const start = new Date(Math.floor(new Date(m.minute).getTime() / width) * width).toISOString();
    const bucket = buckets.get(start);
    if (!bucket) continue;
    bucket.answered += m.calls - m.throttled;
    bucket.throttled += m.throttled;
  }
  return [...buckets.values()];
}

async function loadActivity() {
  const minutes = Number(hub.$('#activity-window').value);
  const until = new Date();
  const since = new Date(until.getTime() - minutes * 60_000);
  const range = `since=${encodeURIComponent(since.toISOString())}&until=${encodeURIComponent(until.toISOString())}`;
  const [timeline, usage, failures] = await Promise.all([
    hub.call('GET', `/events/timeline?${range}`),
    hub.call('GET', `/hubspot/usage?${range}`),
    hub.call('GET', `/events/failures?${range}`),
  ]);
  const problems = [timeline, usage, failures].filter((r) => r.status !== 200).map((r) => hub.problemText(r));
  hub.message(hub.$('#activity-message'), problems.join(' '));
  const hourly = timeline.status === 200 && timeline.data.bucket === 'hour';
  if (timeline.status === 200) {
    stackedBars(hub.$('#events-chart'), { buckets: timeline.data.buckets, series: outcomes, hourly, label: 'Events by arrival and outcome' });
  }
  if (usage.status === 200) {
    const perBucket = usage.data.requestsPerTenSeconds * (hourly ? 360 : 6);
    stackedBars(hub.$('#hubspot-chart'), {
      buckets: usageBuckets(usage.data.minutes, since, until, hourly),
      series: [{ key: 'answered', label: 'calls answered' }, { key: 'throttled', label: '429s' }],
      hourly, limit: perBucket, limitLabel: `budget ${perBucket} per ${hourly ? 'hour' : 'minute'}`, label: 'HubSpot calls against the budget',
    });
  }
  if (failures.status === 200) {
    hub.$('#failures tbody').replaceChildren(...failures.data.reasons.map(failureRow));
    hub.show(hub.$('#failures-empty'), failures.data.reasons.length === 0);
  }
}

export function setUpDeliveries(tools) {
  hub = tools;
  hub.$('#find-form').addEventListener('submit', (event) => { event.preventDefault(); find(hub.$('#find-kind').value, hub.$('#find-id').value); });
  hub.$('#activity-window').addEventListener('change', loadActivity);
  return { open: loadActivity, permit() {} };
}
