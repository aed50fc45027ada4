#!/usr/bin/env node
// The operations tabs of the admin page in a real browser (Debian's Chromium, playwright-core). Run by
// OperationsPageBrowserTests (xunit), which starts the hub, dead-letters one email and passes:
//   HUB_URL, OPERATOR_TOKEN (write + operate), READER_TOKEN, FAILED_ID, TEMPLATE_NAME, PERSON_EMAIL, ARTIFACTS_DIR,
//   CHROMIUM_PATH (default /usr/bin/chromium)
// Each step prints its name; the first failed expectation ends the run with its message and exit code 1.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const env = (name, fallback) => process.env[name] ?? fallback ?? assert.fail(`${name} is not set`);
const hub = env('HUB_URL');
const operator = env('OPERATOR_TOKEN');
const reader = env('READER_TOKEN');
const failedId = env('FAILED_ID');
const template = env('TEMPLATE_NAME');
const person = env('PERSON_EMAIL');
const artifacts = env('ARTIFACTS_DIR');
mkdirSync(artifacts, { recursive: true });

const browser = await chromium.launch({ executablePath: env('CHROMIUM_PATH', '/usr/bin/chromium'), args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
const consoleErrors = [];
page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
page.on('pageerror', (e) => consoleErrors.push(e.message));
page.setDefaultTimeout(15_000);

async function step(title, action) {
  process.stdout.write(`- ${title}\n`);
  await action();
}

async function signIn(token) {
  await page.goto(`${hub}/admin/`);
  await page.fill('#token', token);
  await page.click('#sign-in');
  await page.locator('#workspace').waitFor();
}

const tab = (name) => page.click(`#tab-button-${name}`);
const screenshot = (name) => page.screenshot({ path: join(artifacts, name), fullPage: true });

async function findEvent(kind, id) {
  await page.selectOption('#find-kind', kind);
  await page.fill('#find-id', id);
  await page.click('#find-form button[type="submit"]');
}

try {
  await step('an operator signs in and opens Deliveries: the failure is listed by its reason', async () => {
    await signIn(operator);
    await page.locator('#rights').filter({ hasText: 'run operations' }).waitFor();
    await tab('deliveries');
    await page.locator('#failures tbody tr', { hasText: 'UndeclaredProperty' }).waitFor();
    await page.locator('#events-chart svg rect').first().waitFor();
    await page.locator('#hubspot-chart svg').waitFor();
    assert.match(await page.textContent('#events-chart .legend'), /delivered: [1-9]/);
    await screenshot('ops-deliveries.png');
  });

  await step('opens the example: dead-lettered, and why', async () => {
    await page.locator('#failures tbody tr', { hasText: 'UndeclaredProperty' }).getByRole('button').click();
    const detail = page.locator('#event-detail');
    await detail.filter({ hasText: failedId }).waitFor();
    const text = await detail.textContent();
    assert.match(text, /Rejected/);
    assert.match(text, /UndeclaredProperty/);
    assert.match(text, /coupon/);
    assert.doesNotMatch(text, new RegExp(person.replace(/[.]/g, '\\.'), 'i'), 'no address in clear');
    await screenshot('ops-event-failed.png');
  });

  await step("finds the person's events by email", async () => {
    await findEvent('person', person.toUpperCase());
    await page.locator('#person-events tbody tr', { hasText: failedId }).waitFor();
    assert.ok(await page.locator('#person-events tbody tr').count() >= 3, 'signup, login and the email');
  });

  await step('fixes the template: declares the property', async () => {
    await tab('templates');
    await page.locator(`#templates tbody tr[data-name="${template}"]`).getByRole('button', { name: 'Edit' }).click();
    await page.locator('#editor[aria-busy="false"]').waitFor();
    await page.click('fieldset[data-list="custom_properties"] .add-property');
    await page.locator('fieldset[data-list="custom_properties"] .property-name').last().fill('coupon');
    await page.click('#save');
    await page.locator('#form-message').filter({ hasText: 'Saved' }).waitFor();
  });

  await step('sees the message among the dead letters, filtered by reason', async () => {
    await tab('dead-letters');
    await page.fill('#dlq-reason', 'UndeclaredProperty');
    await page.click('#dlq-filter button[type="submit"]');
    const row = page.locator('#dead-letters tbody tr', { hasText: failedId });
    await row.waitFor();
    for (const text of await page.locator('#dead-letters tbody tr').allTextContents()) assert.match(text, /UndeclaredProperty/, 'only what the filter asks for');
    await screenshot('ops-dead-letters.png');
  });

  await step('a dry run says what would be replayed and changes nothing', async () => {
    await page.click('#dlq-dry-run');
    await page.locator('#dlq-message').filter({ hasText: 'Dry run: 1 message' }).waitFor();
    await page.click('#dlq-filter button[type="submit"]');
    await page.locator('#dead-letters tbody tr', { hasText: failedId }).waitFor();
  });

  await step('replays it: it leaves the dead letters', async () => {
    await page.click('#dlq-replay');
    await page.locator('#dlq-message').filter({ hasText: 'Replayed 1 of 1' }).waitFor();
    await page.locator('#dead-letters tbody tr', { hasText: failedId }).waitFor({ state: 'detached' });
  });

  await step('finds it again: delivered, with HubSpot\'s sendResult', async () => {
    await tab('deliveries');
    const detail = page.locator('#event-detail');
    for (let attempt = 0; attempt < 30; attempt++) {
      await findEvent('platform', failedId);
      await detail.filter({ hasText: failedId }).waitFor();
      if (/Delivered/.test(await detail.textContent())) break;
      await page.waitForTimeout(1000);
    }
    const text = await detail.textContent();
    assert.match(text, /Delivered/);
    assert.match(text, /SENT/);
    await screenshot('ops-event-delivered.png');
  });

  await step("reads yesterday's summary (computed on demand)", async () => {
    await tab('summary');
    await page.click('#summary-run');
    await page.locator('#summary-message').filter({ hasText: 'Computed just now' }).waitFor();
    const figures = await page.textContent('#summary-figures');
    assert.match(figures, /Events\s*6/);
    assert.match(await page.textContent('#summary-events'), /user-login/);
    assert.match(await page.textContent('#summary-emails'), /SENT/);
    assert.match(await page.textContent('#summary-rejections'), /UnknownTemplate/);
    await screenshot('ops-summary.png');
  });

  await step('a reader may look but not replay or compute', async () => {
    await page.click('#sign-out');
    await signIn(reader);
    await tab('dead-letters');
    assert.equal(await page.isDisabled('#dlq-replay'), true);
    assert.equal(await page.isDisabled('#dlq-dry-run'), true);
    await tab('summary');
    assert.equal(await page.isDisabled('#summary-run'), true);
    await page.locator('#summary-figures').filter({ hasText: 'Events' }).waitFor(); // the stored one is readable
  });

  assert.deepEqual(consoleErrors.filter((e) => !/status of 4\d\d/.test(e)), [], 'no script errors in the page');
  console.log('operations page: every step passed');
} catch (error) {
  await page.screenshot({ path: join(artifacts, 'ops-page-failure.png'), fullPage: true }).catch(() => {});
  console.error(error.stack ?? String(error));
  process.exitCode = 1;
} finally {
  await browser.close();
}
