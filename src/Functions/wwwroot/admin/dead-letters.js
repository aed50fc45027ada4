// The Dead letters tab: what the queues set aside and why, and (for operators) a replay of the selected messages
// or of everything the filter shows, tried first as a dry run. All text via textContent.
let hub;
let canReplay = false;
let next = null;
let latest = 0; // the newest list asked for: an older answer arriving late must not replace it

const when = (iso) => (iso ? new Date(iso).toLocaleString() : '—');

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text ?? '—';
  if (className) td.className = className;
  return td;
}

function row(item) {
  const tr = document.createElement('tr');
  const pick = document.createElement('td');
  const box = document.createElement('input');
  box.type = 'checkbox';
  box.className = 'dlq-pick';
  box.value = item.messageId;
  box.dataset.queue = item.queue;
  box.setAttribute('aria-label', `Select ${item.messageId}`);
  pick.append(box);
  tr.append(pick, cell(item.queue), cell(item.messageId), cell(item.eventType), cell(item.reason), cell(item.description),
    cell(when(item.enqueuedTime)), cell(String(item.deliveryCount ?? '—'), 'number'));
  return tr;
}

function filter() {
  return { queue: hub.$('#dlq-queue').value, reason: hub.$('#dlq-reason').value.trim() };
}

async function load(more = false) {
  const { queue, reason } = filter();
  const query = new URLSearchParams({ max: '50' });
  if (queue) query.set('queue', queue);
  if (reason) query.set('reason', reason);
  if (more && next) query.set('after', next);
  const asked = ++latest;
  const result = await hub.call('GET', `/dead-letters?${query}`);
  if (asked !== latest) return;
  if (result.status !== 200) { hub.message(hub.$('#dlq-message'), hub.problemText(result)); return; }
  if (!more) hub.message(hub.$('#dlq-message'), '');
  next = result.data.next ?? null;
  const rows = result.data.items.map(row);
  if (more) hub.$('#dead-letters tbody').append(...rows); else hub.$('#dead-letters tbody').replaceChildren(...rows);
  hub.$('#dlq-all').checked = false;
  hub.show(hub.$('#dlq-empty'), hub.$('#dead-letters tbody').childElementCount === 0);
  hub.show(hub.$('#dlq-more'), Boolean(next));
}

async function replay(dryRun) {
  const { queue, reason } = filter();
  const picked = [...document.querySelectorAll('.dlq-pick:checked')];
  const body = { dryRun };
  if (picked.length) {
    body.ids = picked.map((box) => box.value);
    const queues = new Set(picked.map((box) => box.dataset.queue));
    if (queues.size === 1) body.queue = [...queues][0];
  } else {
    if (queue) body.queue = queue;
    if (reason) body.reasons = [reason];
  }
  const result = await hub.call('POST', '/dead-letters/replay', { body });
  if (result.status !== 200) { hub.message(hub.$('#dlq-message'), hub.problemText(result)); return; }
  const r = result.data;
  hub.message(hub.$('#dlq-message'), r.dryRun
    ? `Dry run: ${r.matched} message(s) would be replayed${r.ids?.length ? ` (${r.ids.join(', ')})` : ''}. Nothing was changed.`
    : `Replayed ${r.replayed} of ${r.matched} message(s)${r.ids?.length ? `: ${r.ids.join(', ')}` : ''}.`, true);
  if (!r.dryRun) await load();
}

export function setUpDeadLetters(tools) {
  hub = tools;
  hub.$('#dlq-filter').addEventListener('submit', (event) => { event.preventDefault(); load(); });
  hub.$('#dlq-more').addEventListener('click', () => load(true));
  hub.$('#dlq-all').addEventListener('change', (event) => { for (const box of document.querySelectorAll('.dlq-pick')) box.checked = event.target.checked; });
  hub.$('#dlq-dry-run').addEventListener('click', () => replay(true));
  hub.$('#dlq-replay').addEventListener('click', () => replay(false));
  return {
    open: () => load(),
    permit(me) {
      canReplay = Boolean(me.can_operate);
      for (const button of [hub.$('#dlq-dry-run'), hub.$('#dlq-replay')]) {
        button.disabled = !canReplay;
        button.title = canReplay ? '' : 'Replaying needs the operator permission.';
      }
    },
  };
}
