#!/usr/bin/env node
// The admin page in a real browser: Debian's Chromium driven by playwright-core. Run by AdminPageBrowserTests
// (xunit), which starts the hub and a token issuer and passes:
//   HUB_URL, WRITER_TOKEN, READER_TOKEN, TEMPLATE_PREFIX, ARTIFACTS_DIR, CHROMIUM_PATH (default /usr/bin/chromium)
// Each step prints its name; the first failed expectation ends the run with its message and exit code 1.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const env = (name, fallback) => process.env[name] ?? fallback ?? assert.fail(`${name} is not set`);
const hub = env('HUB_URL');
const writer = env('WRITER_TOKEN');
const reader = env('READER_TOKEN');
const name = `${env('TEMPLATE_PREFIX')}-welcome`;
const artifacts = env('ARTIFACTS_DIR');
mkdirSync(artifacts, { recursive: true });

const browser = await chromium.launch({ executablePath: env('CHROMIUM_PATH', '/usr/bin/chromium'), args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
const consoleErrors = [];
page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
page.on('pageerror', (e) => consoleErrors.push(e.message));
page.setDefaultTimeout(10_000);

async function step(title, action) {
  process.stdout.write(`- ${title}\n`);
  await action();
}

const row = () => page.locator(`#templates tbody tr[data-name="${name}"]`);
const fieldError = (field) => page.locator(`#template-form .field-error[data-for="${field}"]`);

async function openEditor() {
  await row().getByRole('button', { name: 'Edit' }).click();
  await page.locator('#editor[aria-busy="false"]').waitFor();
  assert.equal(await page.textContent('#editor-title'), `Edit ${name}`);
}

async function signIn(token) {
  await page.goto(`${hub}/admin/`);
  await page.fill('#token', token);
  await page.click('#sign-in');
}

try {
  await step('a token the hub does not accept is refused with a message', async () => {
    await signIn('not-a-token');
    await page.locator('#sign-in-message').filter({ hasText: 'did not accept this token' }).waitFor();
    assert.equal(await page.locator('#workspace').isVisible(), false);
  });

  await step('a writer signs in and sees who they are', async () => {
    await signIn(writer);
    await page.locator('#who').filter({ hasText: 'Ada Admin' }).waitFor();
    assert.match(await page.textContent('#rights'), /read and change/);
  });

  await step('creates a template', async () => {
    await page.click('#new-template');
    await page.fill('#f-name', name);
    await page.fill('#f-email-id', '4242');
    await page.fill('#f-from', 'Platform <hello@platform.example>');
    await page.fill('#f-reply-to', 'support@platform.example');
    await page.click('fieldset[data-list="contact_properties"] .add-property');
    await page.locator('fieldset[data-list="contact_properties"] .property-name').last().fill('firstname');
    await page.click('fieldset[data-list="custom_properties"] .add-property');
    await page.locator('fieldset[data-list="custom_properties"] .property-name').last().fill('activation_url');
    await page.fill('#f-description', 'Sent after signup.');
    await page.click('#save');
    await page.locator('#form-message').filter({ hasText: 'Saved' }).waitFor();
  });

  await step('sees it listed', async () => {
    await row().waitFor();
    const cells = await row().locator('td').allTextContents();
    assert.equal(cells[1], '4242');
    assert.match(cells[3], /firstname\*, activation_url\*/);
    assert.match(cells[4], /by Ada Admin \(auth0\|ada\)/);
    await page.screenshot({ path: join(artifacts, 'admin-templates-list.png'), fullPage: true });
  });

  await step('edits it', async () => {
    await openEditor();
    assert.equal(await page.inputValue('#f-email-id'), '4242');
    await page.fill('#f-description', 'Sent after signup, with the activation link.');
    await page.click('#save');
    await page.locator('#form-message').filter({ hasText: 'Saved' }).waitFor();
  });

  await step('gets field errors next to the fields, and nothing is saved', async () => {
    await page.fill('#f-email-id', 'forty-two');
    await page.fill('#f-cc', 'not-an-address');
    await page.click('fieldset[data-list="custom_properties"] .add-property');
    await page.locator('fieldset[data-list="custom_properties"] .property-name').last().fill('has space');
    await page.click('#save');
    await fieldError('hubspot_email_id').filter({ hasText: 'positive whole number' }).waitFor();
    await fieldError('cc').filter({ hasText: 'not an email address' }).waitFor();
    await page.locator('fieldset[data-list="custom_properties"] .property .field-error').last().filter({ hasText: 'not a valid property name' }).waitFor();
    assert.match(await page.textContent('#form-message'), /Nothing was saved/);
    await page.screenshot({ path: join(artifacts, 'admin-template-field-errors.png'), fullPage: true });
    await page.fill('#f-email-id', '4242');
    await page.fill('#f-cc', '');
    await page.locator('fieldset[data-list="custom_properties"] .remove-property').last().click();
  });

  await step('is told when the template changed underneath', async () => {
    // Another admin saves in the meantime (through the API, as their page would).
    const url = `${hub}/api/admin/templates/${name}`;
    const current = await fetch(url, { headers: { Authorization: `Bearer ${writer}` } });
    const template = await current.json();
    const other = await fetch(url, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${writer}`, 'Content-Type': 'application/json', 'If-Match': current.headers.get('ETag') },
      body: JSON.stringify({ ...template, description: 'Changed by another admin.' }),
    });
    assert.equal(other.status, 200);
    await page.fill('#f-description', 'My change.');
    await page.click('#save');
    await page.locator('#form-message').filter({ hasText: 'Someone else changed this template' }).waitFor();
    await page.screenshot({ path: join(artifacts, 'admin-template-conflict.png'), fullPage: true });
    const after = await (await fetch(url, { headers: { Authorization: `Bearer ${writer}` } })).json();
    assert.equal(after.description, 'Changed by another admin.');
  });

  await step('sees the history of the template', async () => {
    await row().getByRole('button', { name: 'History' }).click();
    const items = page.locator('#history-items > li');
    await items.nth(2).waitFor();
    const texts = await items.allTextContents();
    assert.equal(texts.length, 3);
    assert.match(texts[2], /created by Ada Admin/);
    assert.match(texts[1], /description: Sent after signup\. → Sent after signup, with the activation link\./);
    assert.match(texts[0], /description: Sent after signup, with the activation link\. → Changed by another admin\./);
  });

  await step('deletes it; it leaves the list', async () => {
    await openEditor();
    page.once('dialog', (dialog) => dialog.accept());
    await page.click('#delete');
    await page.locator('#list-message').filter({ hasText: `Deleted ${name}` }).waitFor();
    assert.equal(await row().count(), 0);
  });

  await step('a reader sees templates but cannot create one', async () => {
    await page.click('#sign-out');
    await signIn(reader);
    await page.locator('#rights').filter({ hasText: 'may read templates' }).waitFor();
    assert.equal(await page.isDisabled('#new-template'), true);
  });

  assert.deepEqual(consoleErrors.filter((e) => !/status of 4\d\d/.test(e)), [], 'no script errors in the page');
  console.log('admin page: every step passed');
} catch (error) {
  await page.screenshot({ path: join(artifacts, 'admin-page-failure.png'), fullPage: true }).catch(() => {});
  console.error(error.stack ?? String(error));
  process.exitCode = 1;
} finally {
  await browser.close();
}
