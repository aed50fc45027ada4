// The admin page: signs in with a bearer token, lists, edits and deletes email templates through /api/admin, and
// shows a template's history; the operations tabs (deliveries, dead letters, daily summary) live in modules of their own. Everything is built with textContent (never innerHTML) so that no stored value can
// become markup. The API is the authority on validation: its field errors are shown next to the fields.
import { setUpDeadLetters } from './dead-letters.js';
import { setUpDeliveries } from './deliveries.js';
import { setUpSummary } from './summary.js';

const api = '/api/admin';
const tokenKey = 'crm-admin-token';
const $ = (selector, root = document) => root.querySelector(selector);

const state = { token: sessionStorage.getItem(tokenKey), pageTokens: [null], page: 0, editing: null, etag: null, historyToken: null };

function show(element, visible) { element.hidden = !visible; }

function message(element, text, ok = false) {
  element.textContent = text ?? '';
  element.classList.toggle('ok', ok);
  show(element, Boolean(text));
}

async function call(method, path, { body, ifMatch } = {}) {
  const headers = { Authorization: `Bearer ${state.token}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (ifMatch) headers['If-Match'] = ifMatch;
  const response = await fetch(api + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const type = response.headers.get('Content-Type') ?? '';
  const data = type.includes('json') ? await response.json() : null;
  if (response.status === 401) signOut('The hub no longer accepts your token (expired, or issued for something else). Sign in again.');
  return { status: response.status, etag: response.headers.get('ETag'), data };
}

function problemText(result) {
  const p = result.data ?? {};
  return [p.title, p.detail].filter(Boolean).join(': ') || `The hub answered ${result.status}.`;
}

// ---- sign-in -------------------------------------------------------------------------------------------------------

async function signIn(token) {
  state.token = token.trim();
  const result = await call('GET', '/me');
  if (result.status !== 200) {
    signOut(result.status === 401
      ? 'The hub did not accept this token: it must be issued by the configured issuer, for this API, and not expired.'
      : problemText(result));
    return;
  }
  sessionStorage.setItem(tokenKey, state.token);
  const me = result.data;
  $('#who').textContent = me.name ? `${me.name} (${me.subject})` : me.subject;
  $('#rights').textContent = (me.can_write ? '— may read and change templates' : me.can_read ? '— may read templates' : '— may not read templates') + (me.can_operate ? ', and run operations' : '');
  $('#expires').textContent = me.expires_at ? `· token valid until ${new Date(me.expires_at).toLocaleString()}` : '';
  show($('#signed-out'), false);
  show($('#signed-in'), true);
  message($('#sign-in-message'), me.can_read ? '' : 'Your token carries neither the reader nor the writer permission of this API.');
  show($('#workspace'), me.can_read);
  for (const button of [$('#new-template'), $('#save'), $('#delete')]) button.disabled = !me.can_write;
  for (const view of Object.values(views)) view.permit(me);
  if (me.can_read) await openTab('templates');
}

function signOut(why) {
  sessionStorage.removeItem(tokenKey);
  state.token = null;
  show($('#signed-out'), true);
  show($('#signed-in'), false);
  show($('#workspace'), false);
  message($('#sign-in-message'), why);
}

// ---- list ----------------------------------------------------------------------------------------------------------

async function loadPage(page) {
  const continuation = state.pageTokens[page];
  const query = continuation ? `?page_size=20&continuation_token=${encodeURIComponent(continuation)}` : '?page_size=20';
  const result = await call('GET', `/templates${query}`);
  if (result.status !== 200) { message($('#list-message'), problemText(result)); return; }
  message($('#list-message'), '');
  state.page = page;
  state.pageTokens[page + 1] = result.data.continuation_token;
  const rows = $('#templates tbody');
  rows.replaceChildren(...result.data.items.map(({ template }) => row(template)));
  show($('#list-empty'), result.data.items.length === 0 && page === 0);
  show($('#next-page'), Boolean(result.data.continuation_token));
  show($('#first-page'), page > 0);
}

function row(template) {
  const tr = document.createElement('tr');
  tr.dataset.name = template.name;
  const properties = [...template.contact_properties, ...template.custom_properties];
  const cells = [
    template.name,
    String(template.hubspot_email_id),
    template.from ?? '—',
    properties.length ? properties.map((p) => p.name + (p.required ? '*' : '')).join(', ') : '—',
    template.last_changed_at ? `${new Date(template.last_changed_at).toLocaleString()} by ${template.last_changed_by ?? '?'}` : '—',
  ];
  for (const text of cells) {
    const td = document.createElement('td');
    td.textContent = text;
    tr.append(td);
  }
  const actions = document.createElement('td');
  actions.className = 'actions';
  actions.append(button('Edit', () => openEditor(template.name)), ' ', button('History', () => openHistory(template.name)));
  tr.append(actions);
  return tr;
}

function button(text, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'secondary';
  b.textContent = text;
  b.addEventListener('click', onClick);
  return b;
}

// ---- editor --------------------------------------------------------------------------------------------------------

const form = () => $('#template-form');
const lines = (text) => text.split(/[\n,;]/).map((s) => s.trim()).filter(Boolean);

function propertyRow(list, property = { name: '', required: false }) {
  const node = $('#property-row').content.firstElementChild.cloneNode(true);
  $('.property-name', node).value = property.name;
  $('.property-required', node).checked = property.required;
  $('.remove-property', node).addEventListener('click', () => node.remove());
  $(`fieldset[data-list="${list}"] .rows`).append(node);
}

function fill(template) {
  const f = form();
  f.elements.name.value = template?.name ?? '';
  f.elements.name.readOnly = Boolean(template);
  f.elements.hubspot_email_id.value = template?.hubspot_email_id ?? '';
  f.elements.from.value = template?.from ?? '';
  f.elements.reply_to.value = (template?.reply_to ?? []).join('\n');
  f.elements.cc.value = (template?.cc ?? []).join('\n');
  f.elements.bcc.value = (template?.bcc ?? []).join('\n');
  f.elements.description.value = template?.description ?? '';
  for (const list of ['contact_properties', 'custom_properties']) {
    $(`fieldset[data-list="${list}"] .rows`).replaceChildren();
    for (const p of template?.[list] ?? []) propertyRow(list, p);
  }
}

function read() {
  const f = form();
  const properties = (list) => [...document.querySelectorAll(`fieldset[data-list="${list}"] .property`)]
    .map((node) => ({ name: $('.property-name', node).value.trim(), required: $('.property-required', node).checked }));
  const emailId = f.elements.hubspot_email_id.value.trim();
  return {
    name: f.elements.name.value.trim(),
    hubspot_email_id: /^\d+$/.test(emailId) ? Number(emailId) : emailId,
    from: f.elements.from.value.trim() || null,
    reply_to: lines(f.elements.reply_to.value),
    cc: lines(f.elements.cc.value),
    bcc: lines(f.elements.bcc.value),
    contact_properties: properties('contact_properties'),
    custom_properties: properties('custom_properties'),
    description: f.elements.description.value.trim() || null,
  };
}

function clearErrors() {
  for (const e of document.querySelectorAll('#template-form .field-error')) e.textContent = '';
  for (const e of document.querySelectorAll('#template-form .invalid')) e.classList.remove('invalid');
}

// "contact_properties[1].name" goes next to that row's name; "reply_to[2]" next to the reply-to field.
function showErrors(errors) {
  for (const [path, messages] of Object.entries(errors)) {
    const text = messages.join(' ');
    const property = /^(contact_properties|custom_properties)\[(\d+)\]/.exec(path);
    let target;
    if (property) {
      const node = document.querySelectorAll(`fieldset[data-list="${property[1]}"] .property`)[Number(property[2])];
      target = node ? $('.field-error', node) : null;
      node?.querySelector('.property-name')?.classList.add('invalid');
    } else {
      const field = path.replace(/\[\d+\]$/, '');
      target = $(`#template-form .field-error[data-for="${CSS.escape(field)}"]`);
      form().elements[field]?.classList?.add('invalid');
    }
    target = target ?? $('#form-message');
    target.textContent = target.textContent ? `${target.textContent} ${text}` : text;
    show(target, true);
  }
}

async function openEditor(name) {
  $('#editor').setAttribute('aria-busy', 'true'); // until the form holds what was read: typing now would be overwritten
  clearErrors();
  message($('#form-message'), '');
  show($('#history'), false);
  if (name) {
    const result = await call('GET', `/templates/${encodeURIComponent(name)}`);
    if (result.status !== 200) { message($('#list-message'), problemText(result)); return; }
    state.editing = name;
    state.etag = result.etag;
    fill(result.data);
  } else {
    state.editing = null;
    state.etag = null;
    fill(null);
  }
  $('#editor-title').textContent = name ? `Edit ${name}` : 'New template';
  show($('#delete'), Boolean(name));
  show($('#editor'), true);
  $('#editor').setAttribute('aria-busy', 'false');
  form().elements[name ? 'hubspot_email_id' : 'name'].focus();
}

async function save(event) {
  event.preventDefault();
  clearErrors();
  message($('#form-message'), '');
  const body = read();
  const result = state.editing
    ? await call('PUT', `/templates/${encodeURIComponent(state.editing)}`, { body, ifMatch: state.etag })
    : await call('POST', '/templates', { body });
  if (result.status === 200 || result.status === 201) {
    state.editing = result.data.name;
    state.etag = result.etag;
    fill(result.data);
    $('#editor-title').textContent = `Edit ${result.data.name}`;
    show($('#delete'), true);
    message($('#form-message'), `Saved. The hub uses this mapping within a minute.`, true);
    await loadPage(state.page);
  } else if (result.status === 400 && result.data?.errors) {
    message($('#form-message'), 'Nothing was saved: please correct the fields marked below.');
    showErrors(result.data.errors);
  } else if (result.status === 412) {
    message($('#form-message'), 'Someone else changed this template since you opened it, so your changes were not saved. '
      + 'Open it again to see their version, then make your change again.');
  } else if (result.status === 409) {
    showErrors({ name: ['A template with this name exists already; open it from the list to change it.'] });
  } else {
    message($('#form-message'), problemText(result));
  }
}

async function remove() {
  if (!state.editing || !confirm(`Delete the template ${state.editing}? Its history is kept.`)) return;
  const result = await call('DELETE', `/templates/${encodeURIComponent(state.editing)}`, { ifMatch: state.etag });
  if (result.status === 204) {
    const deleted = state.editing;
    state.editing = null;
    show($('#editor'), false);
    show($('#history'), false);
    await loadPage(0); // first: it clears the list's message
    message($('#list-message'), `Deleted ${deleted}. Its history is kept.`, true);
  } else if (result.status === 412) {
    message($('#form-message'), 'Someone else changed or deleted this template since you opened it; it was not deleted.');
  } else {
    message($('#form-message'), problemText(result));
  }
}

// ---- history -------------------------------------------------------------------------------------------------------

const fieldLabels = {
  hubspot_email_id: 'HubSpot email', from: 'from', reply_to: 'reply-to', cc: 'cc', bcc: 'bcc',
  contact_properties: 'contact properties', custom_properties: 'custom properties', description: 'description',
};
const shown = (value) => (Array.isArray(value)
  ? value.map((v) => (typeof v === 'object' ? v.name + (v.required ? '*' : '') : v)).join(', ') || '(none)'
  : value ?? '(none)');

function changes(entry) {
  if (!entry.before || !entry.after) return [];
  return Object.keys(fieldLabels)
    .filter((k) => JSON.stringify(entry.before[k]) !== JSON.stringify(entry.after[k]))
    .map((k) => `${fieldLabels[k]}: ${shown(entry.before[k])} → ${shown(entry.after[k])}`);
}

async function openHistory(name, more = false) {
  const query = more && state.historyToken ? `?continuation_token=${encodeURIComponent(state.historyToken)}` : '';
  const result = await call('GET', `/templates/${encodeURIComponent(name)}/history${query}`);
  if (result.status !== 200) { message($('#list-message'), problemText(result)); return; }
  state.historyToken = result.data.continuation_token;
  $('#history-title').textContent = `History of ${name}`;
  const items = result.data.items.map((entry) => {
    const li = document.createElement('li');
    const head = document.createElement('div');
    head.textContent = `${new Date(entry.changed_at).toLocaleString()} — ${entry.action} by ${entry.changed_by}`;
    li.append(head);
    const list = document.createElement('ul');
    list.className = 'changes';
    for (const text of changes(entry)) {
      const item = document.createElement('li');
      item.textContent = text;
      list.append(item);
    }
    if (list.childElementCount) li.append(list);
    return li;
  });
  if (more) $('#history-items').append(...items); else $('#history-items').replaceChildren(...items);
  const moreButton = $('#history-more');
  moreButton.onclick = () => openHistory(name, true);
  show(moreButton, Boolean(state.historyToken));
  show($('#history'), true);
}

// ---- tabs ----------------------------------------------------------------------------------------------------------

const tools = { $, call, message, problemText, show };
const views = {
  templates: { open: () => loadPage(0), permit() {} },
  deliveries: setUpDeliveries(tools),
  'dead-letters': setUpDeadLetters(tools),
  summary: setUpSummary(tools),
};

async function openTab(name) {
  for (const tab of document.querySelectorAll('.tabs [role="tab"]')) {
    const panel = tab.getAttribute('aria-controls');
    tab.setAttribute('aria-selected', String(panel === `tab-${name}`));
    show(document.getElementById(panel), panel === `tab-${name}`);
  }
  await views[name].open();
}

// ---- wiring --------------------------------------------------------------------------------------------------------

document.addEventListener('DOMContentLoaded', () => {
  $('#sign-in').addEventListener('click', () => signIn($('#token').value));
  $('#sign-out').addEventListener('click', () => signOut(''));
  $('#new-template').addEventListener('click', () => openEditor(null));
  $('#next-page').addEventListener('click', () => loadPage(state.page + 1));
  $('#first-page').addEventListener('click', () => loadPage(0));
  $('#cancel').addEventListener('click', () => show($('#editor'), false));
  $('#delete').addEventListener('click', remove);
  form().addEventListener('submit', save);
  for (const add of document.querySelectorAll('.add-property')) {
    add.addEventListener('click', () => propertyRow(add.closest('fieldset').dataset.list, { name: '', required: true }));
  }
  for (const tab of document.querySelectorAll('.tabs [role="tab"]')) {
    tab.addEventListener('click', () => openTab(tab.getAttribute('aria-controls').slice('tab-'.length)));
  }
  if (state.token) signIn(state.token);
});
