// The Daily summary tab: one UTC day's events, emails, rejections, time to HubSpot and HubSpot budget, as the
// daily job (or an operator's "Compute now") stored it. All text via textContent.
let hub;
let latest = 0; // the newest question asked: an older answer arriving late must not replace it

function yesterdayUtc() {
  const day = new Date();
  day.setUTCDate(day.getUTCDate() - 1);
  return day.toISOString().slice(0, 10);
}

function tableRows(selector, rows) {
  hub.$(`${selector} tbody`).replaceChildren(...rows.map((cells) => {
    const tr = document.createElement('tr');
    for (const [text, className] of cells) {
      const td = document.createElement('td');
      td.textContent = text ?? '—';
      if (className) td.className = className;
      tr.append(td);
    }
    return tr;
  }));
}

const ms = (value) => (value == null ? '— (nothing delivered)' : `${value} ms`);

function figures(summary) {
  const events = summary.events.reduce((sum, e) => sum + e.count, 0);
  const by = (status) => summary.events.filter((e) => e.status === status).reduce((sum, e) => sum + e.count, 0);
  const list = [
    ['Events', events], ['Delivered', by('Delivered')], ['Dead-lettered', by('Rejected')], ['To be retried', by('Failed')],
    ['Time to HubSpot p50', ms(summary.timeToHubSpot.p50Ms)], ['p95', ms(summary.timeToHubSpot.p95Ms)],
    ['HubSpot calls', summary.hubSpot.calls], ['429s', summary.hubSpot.throttled],
    ['Daily budget used', `${(summary.hubSpot.budgetUsed * 100).toFixed(2)} % of ${summary.hubSpot.dailyLimit}`],
    ['Computed', `${new Date(summary.computedAt).toLocaleString()}${summary.complete ? '' : ' (the day was not over)'}`],
  ];
  hub.$('#summary-figures').replaceChildren(...list.flatMap(([name, value]) => {
    const dt = document.createElement('dt');
    dt.textContent = name;
    const dd = document.createElement('dd');
    dd.textContent = String(value);
    return [dt, dd];
  }));
}

function render(summary) {
  figures(summary);
  tableRows('#summary-events', summary.events.map((e) => [[e.type], [e.status, `status-${e.status}`], [String(e.count), 'number']]));
  tableRows('#summary-emails', summary.emails.map((e) => [[e.sendResult], [String(e.count), 'number']]));
  tableRows('#summary-rejections', summary.topRejections.map((r) => [[r.reason], [String(r.count), 'number'], [`${r.exampleId} (${r.exampleChannel})`]]));
  hub.show(hub.$('#summary'), true);
}

async function load(compute = false) {
  const date = hub.$('#summary-date').value || yesterdayUtc();
  const asked = ++latest;
  const result = await hub.call(compute ? 'POST' : 'GET', `/summaries/${date}${compute ? '/run' : ''}`);
  if (asked !== latest) return;
  if (result.status !== 200) {
    hub.show(hub.$('#summary'), false);
    hub.message(hub.$('#summary-message'), result.status === 404
      ? `No summary of ${date} yet: the daily job computes the previous UTC day shortly after midnight; an operator can compute it now.`
      : hub.problemText(result));
    return;
  }
  hub.message(hub.$('#summary-message'), `${compute ? 'Computed just now: the' : 'The'} summary of ${result.data.date} (UTC).`, true);
  render(result.data);
}

export function setUpSummary(tools) {
  hub = tools;
  hub.$('#summary-date').value = yesterdayUtc();
  hub.$('#summary-form').addEventListener('submit', (event) => { event.preventDefault(); load(); });
  hub.$('#summary-run').addEventListener('click', () => load(true));
  return {
    open: () => load(),
    permit(me) {
      const run = hub.$('#summary-run');
      run.disabled = !me.can_operate;
      run.title = me.can_operate ? '' : 'Computing needs the operator permission.';
    },
  };
}
