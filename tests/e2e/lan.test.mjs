// End-to-end: the real hub binary serving the built UI to headless Debian Chromium, as a LAN browser would.
//
//   (cd ui && npm run build) && cargo build && (cd tests/e2e && npm test)
//
// LOKET_BIN overrides the hub binary (default target/debug/loket, relative to the repo root).
// Screenshots of every step land in tests/e2e/out/ (gitignored).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { launchChromium, paths, startHub, stopHub } from './hub.mjs';

const { root, bin, uiDir, outDir } = paths;

const ADMIN = { username: 'admin', fullName: 'Budi Santoso', password: 'Rahasia-Admin-2026' };
const OFFICER = {
  username: 'petugas1',
  fullName: 'Siti Rahmawati',
  initial: 'Awal-Petugas-123',
  changed: 'Baru-Petugas-456',
};

let hub;
let hubOutput = '';
let dataDir;
let browser;
let page;
let baseUrl;
const pageErrors = [];
let shotNo = 0;
let failed = false;

async function shot(name) {
  shotNo += 1;
  const file = path.join(outDir, `${String(shotNo).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

const tid = (id) => page.getByTestId(id);

/** A named step; after a failure the later steps are skipped rather than failing confusingly. */
async function step(t, name, fn) {
  await t.test(name, async (st) => {
    if (failed) {
      st.skip('an earlier step failed');
      return;
    }
    try {
      await fn();
    } catch (e) {
      failed = true;
      await shot(`FAILED-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`).catch(() => {});
      throw e;
    }
  });
}

async function login(username, password) {
  await tid('login-username').fill(username);
  await tid('login-password').fill(password);
  await tid('login-password').press('Enter');
}

before(async () => {
  assert.ok(existsSync(bin), `hub binary not found at ${bin}: run \`cargo build\` or set LOKET_BIN`);
  assert.ok(existsSync(path.join(uiDir, 'index.html')), `no built UI at ${uiDir}: run \`npm run build\` in ui/`);
  mkdirSync(outDir, { recursive: true });
  dataDir = mkdtempSync(path.join(tmpdir(), 'loket-e2e-'));
  ({ child: hub, url: baseUrl } = await startHub({ bin, cwd: root, dataDir, uiDir, onOutput: (s) => (hubOutput += s) }));
  browser = await launchChromium(chromium);
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'id-ID' });
  context.setDefaultTimeout(10_000);
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
});

after(async () => {
  await browser?.close().catch(() => {});
  await stopHub(hub);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  if (failed && hubOutput) console.error(`--- hub output ---\n${hubOutput}`);
});

test('LAN browser: office setup, staff management and a counter officer’s first login', async (t) => {
  await step(t, 'the hub serves the UI and an empty office opens on setup', async () => {
    await page.goto(baseUrl + '/');
    await tid('setup-form').waitFor();
    assert.match(await page.locator('h1').first().innerText(), /Penyiapan Kantor/);
    await shot('setup-empty');
  });

  await step(t, 'choose Kalimantan Barat → Sambas → a kecamatan', async () => {
    const province = tid('setup-province');
    await province.locator('option[value="61"]').waitFor({ state: 'attached' });
    await province.selectOption({ label: 'KALIMANTAN BARAT' });
    assert.equal(await province.inputValue(), '61');

    // The filter in front of the list: type and press Enter to pick the first match.
    const regency = tid('setup-regency');
    await regency.locator('option[value="61.01"]').waitFor({ state: 'attached' });
    await tid('setup-regency-filter').fill('sambas');
    await tid('setup-regency-filter').press('Enter');
    assert.equal(await regency.inputValue(), '61.01');
    assert.equal(await regency.locator('option:checked').innerText(), 'KABUPATEN SAMBAS');

    const district = tid('setup-district');
    await district.locator('option[value="61.01.09"]').waitFor({ state: 'attached' });
    await district.selectOption('61.01.09');
    const districtName = (await district.locator('option:checked').innerText()).trim();
    assert.ok(districtName.length > 0);
    assert.equal(await tid('setup-office-name').inputValue(), `Kantor Kecamatan ${districtName}`);
  });

  await step(t, 'the setup form checks the password on this side first', async () => {
    await tid('setup-admin-username').fill(ADMIN.username);
    await tid('setup-admin-full-name').fill(ADMIN.fullName);
    await tid('setup-admin-password').fill(ADMIN.password);
    await tid('setup-admin-password-confirm').fill(ADMIN.password + 'x');
    await tid('setup-submit').click();
    await tid('setup-admin-password-confirm-error').waitFor();
    await shot('setup-mismatch');
  });

  await step(t, 'setting up the office leads to the login screen', async () => {
    await tid('setup-admin-password-confirm').fill(ADMIN.password);
    await shot('setup-filled');
    await tid('setup-admin-password-confirm').press('Enter');
    await tid('login-form').waitFor();
    assert.match(await tid('login-office').innerText(), /Kantor Kecamatan/);
    await shot('login');
  });

  await step(t, 'a wrong password shows the hub’s message', async () => {
    await login(ADMIN.username, 'salah-sekali');
    // The message goes next to the field the hub names, or into the banner when it names none.
    const err = page.locator('[data-testid="login-form"] .field-error, [data-testid="error-banner"]');
    await err.first().waitFor();
    assert.ok((await err.first().innerText()).trim().length > 0);
    assert.equal(await tid('login-password').inputValue(), '');
    await shot('login-wrong-password');
  });

  await step(t, 'the administrator logs in and sees the management tiles', async () => {
    await login(ADMIN.username, ADMIN.password);
    await tid('home').waitFor();
    assert.match(await tid('home-greeting').innerText(), new RegExp(ADMIN.fullName));
    await tid('tile-staff').waitFor();
    await tid('tile-audit').waitFor();
    await tid('tile-settings').waitFor();
    await tid('nav-staff').waitFor();
    assert.match(await tid('header-roles').innerText(), /Administrator/);
    assert.match(await tid('home-date').innerText(), /(WIB|WITA|WIT)/);
    await shot('admin-home');
  });

  await step(t, 'the language switch turns the UI to English and back', async () => {
    await tid('lang-en').click();
    await page.getByRole('link', { name: 'Staff' }).first().waitFor();
    assert.equal(await page.evaluate(() => localStorage.getItem('loket.lang')), 'en');
    await shot('admin-home-english');
    await tid('lang-id').click();
    await tid('nav-staff').getByText('Pegawai').waitFor();
  });

  await step(t, 'the administrator adds a counter officer', async () => {
    await tid('nav-staff').click();
    await tid(`staff-row-${ADMIN.username}`).waitFor();
    await shot('staff-list');
    await tid('staff-add').click();
    await tid('staff-create-dialog').waitFor();
    await tid('staff-username').fill(OFFICER.username);
    await tid('staff-full-name').fill(OFFICER.fullName);
    await tid('role-counter_officer').check();
    await tid('staff-initial-password').fill(OFFICER.initial);
    await shot('staff-add-dialog');
    await tid('staff-initial-password').press('Enter');
    const row = tid(`staff-row-${OFFICER.username}`);
    await row.waitFor();
    assert.match(await row.innerText(), /Petugas Loket/);
    assert.match(await row.innerText(), /Aktif/);
    await shot('staff-added');
  });

  await step(t, 'a second officer with the same username is refused with the hub’s message', async () => {
    await tid('staff-add').click();
    await tid('staff-username').fill(OFFICER.username);
    await tid('staff-full-name').fill('Orang Lain');
    await tid('role-counter_officer').check();
    await tid('staff-initial-password').fill(OFFICER.initial);
    await tid('staff-create-submit').click();
    const err = page.locator(
      '[data-testid="staff-create-dialog"] [data-testid="error-banner"], [data-testid="staff-create-dialog"] .field-error',
    );
    await err.first().waitFor();
    assert.ok((await err.first().innerText()).trim().length > 0);
    await shot('staff-duplicate');
    await page.keyboard.press('Escape');
    await tid('staff-create-dialog').waitFor({ state: 'detached' });
  });

  await step(t, 'the audit trail lists the activity and verifies', async () => {
    await tid('nav-audit').click();
    await tid('audit-table').waitFor();
    assert.ok((await page.locator('[data-testid^="audit-row-"]').count()) >= 3);
    await tid('audit-verify').click();
    await tid('audit-verify-ok').waitFor();
    await shot('audit');
  });

  await step(t, 'the settings page shows the current settings', async () => {
    await tid('nav-settings').click();
    await tid('settings-form').waitFor();
    const idle = Number(await tid('settings-idle').inputValue());
    assert.ok(idle >= 1 && idle <= 240, `idle timeout ${idle}`);
    await shot('settings');
  });

  await step(t, 'logging out returns to the login screen', async () => {
    await tid('logout').click();
    await tid('login-form').waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.getItem('loket.token')), null);
  });

  await step(t, 'the new officer must change the initial password first', async () => {
    await login(OFFICER.username, OFFICER.initial);
    await tid('change-password-form').waitFor();
    await tid('forced-change-notice').waitFor();
    assert.equal(await tid('nav-staff').count(), 0);
    await shot('officer-forced-change');
    await tid('cp-current').fill(OFFICER.initial);
    await tid('cp-new').fill(OFFICER.changed);
    await tid('cp-confirm').fill(OFFICER.changed);
    await tid('cp-confirm').press('Enter');
    await tid('home').waitFor();
  });

  await step(t, 'the officer’s home shows the counter tiles and nothing for managers', async () => {
    assert.match(await tid('home-greeting').innerText(), new RegExp(OFFICER.fullName));
    await tid('tile-queue').waitFor();
    await tid('tile-documents').waitFor();
    // Both tiles are live: the counter screen and the intake.
    assert.equal(await tid('tile-queue').getAttribute('href'), '#/counter');
    assert.equal(await tid('tile-documents').getAttribute('href'), '#/intake');
    for (const id of ['tile-staff', 'tile-audit', 'tile-settings', 'tile-recording', 'nav-staff', 'nav-audit', 'nav-settings', 'nav-recording']) {
      assert.equal(await tid(id).count(), 0, `${id} must not be shown to a counter officer`);
    }
    assert.equal(await page.getByRole('link', { name: 'Pegawai' }).count(), 0);
    assert.equal(await page.getByText('Pegawai', { exact: true }).count(), 0);
    assert.match(await tid('header-roles').innerText(), /Petugas Loket/);
    await shot('officer-home');
  });

  await step(t, 'the officer cannot open the staff page by its address', async () => {
    await page.goto(baseUrl + '/#/staff');
    await tid('no-access').waitFor();
    assert.equal(await tid('staff-table').count(), 0);
    await shot('officer-no-access');
  });

  await step(t, 'the officer logs in again with the new password straight to home', async () => {
    await tid('logout').click();
    await tid('login-form').waitFor();
    await login(OFFICER.username, OFFICER.changed);
    await tid('home').waitFor();
    await tid('tile-queue').waitFor();
  });

  await step(t, 'no script errors in the page', async () => {
    assert.deepEqual(pageErrors, []);
  });
});
