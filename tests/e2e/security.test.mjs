// End-to-end: the encrypted office database as the supervisor meets it. A new office's home warns
// that the recovery key page was never printed; Pengaturan → Keamanan data says the database is
// encrypted, where this PC keeps the key and its fingerprint (the same `loket key status` gives);
// the page is saved from the browser, its text carries that fingerprint, the holder's name and a
// recovery key that `loket key recover` accepts; and the home's warning is gone afterwards.
//
//   (cd ui && npm run build) && cargo build && (cd tests/e2e && node --test security.test.mjs)
//
// Screenshot: docs/screenshots/settings-data-security.png.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { initOffice, launchChromium, loginPage, openPage, paths, startHub, stepRunner, stopHub } from './hub.mjs';

const { root, bin, uiDir, outDir } = paths;
const ADMIN = { username: 'admin', fullName: 'Budi Santoso', password: 'Rahasia-Admin-2026' };
const HOLDER = 'Sari Wulandari';

let hub;
let baseUrl;
let dataDir;
let browser;
const pages = {};
const pageErrors = [];

const { step: run } = stepRunner(async (tag) => {
  for (const [name, page] of Object.entries(pages)) {
    await page.screenshot({ path: path.join(outDir, `security-FAILED-${tag}-${name}.png`) }).catch(() => {});
  }
});

const loket = (...args) => execFileSync(bin, ['--data-dir', dataDir, ...args], { cwd: root, encoding: 'utf8' });

before(async () => {
  assert.ok(existsSync(bin), `hub binary not found at ${bin}: run \`cargo build\` or set LOKET_BIN`);
  assert.ok(existsSync(path.join(uiDir, 'index.html')), `no built UI at ${uiDir}: run \`npm run build\` in ui/`);
  mkdirSync(outDir, { recursive: true });
  dataDir = mkdtempSync(path.join(tmpdir(), 'loket-e2e-security-'));
  initOffice({ bin, cwd: root, dataDir, district: '61.01.09', officeName: 'Kantor Kecamatan Sajingan Besar', admin: ADMIN.username, adminName: ADMIN.fullName, password: ADMIN.password });
  ({ child: hub, url: baseUrl } = await startHub({ bin, cwd: root, dataDir, uiDir }));
  browser = await launchChromium(chromium);
});

after(async () => {
  await browser?.close();
  await stopHub(hub);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  assert.deepEqual(pageErrors, [], 'no page errors');
});

test('the supervisor prints the recovery key of the encrypted database', async (t) => {
  const status = JSON.parse(loket('key', 'status'));
  assert.equal(status.encrypted, true);
  assert.match(status.fingerprint, /^[0-9A-F]{8}$/);

  await run(t, 'the home warns until the recovery key is printed', async () => {
    const page = await openPage(browser, 'admin', pages, pageErrors, { acceptDownloads: true });
    await loginPage(page, baseUrl, ADMIN);
    await page.getByTestId('dash-alerts').waitFor();
    assert.match(await page.getByTestId('dash-alerts').innerText(), /Kunci pemulihan data belum pernah dicetak/);
  });

  let pdfPath;
  await run(t, 'Keamanan data shows the key and saves the recovery page', async () => {
    const page = pages.admin;
    await page.goto(baseUrl + '/#/settings');
    await page.getByTestId('datakey-state').waitFor();
    assert.match(await page.getByTestId('datakey-state').innerText(), /terenkripsi/);
    assert.equal((await page.getByTestId('datakey-fingerprint').innerText()).trim(), status.fingerprint);
    assert.equal((await page.getByTestId('datakey-place').innerText()).trim(), status.described);
    await page.getByTestId('datakey-holder').fill(HOLDER);
    await page.getByTestId('datakey').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(root, 'docs', 'screenshots', 'settings-data-security.png') });
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('datakey-recovery-save').click()]);
    assert.equal(download.suggestedFilename(), 'kunci-pemulihan-loket.pdf');
    pdfPath = path.join(outDir, 'security-recovery-key.pdf');
    await download.saveAs(pdfPath);
  });

  await run(t, 'the page carries the fingerprint, the holder and a recovery key that opens the data', async () => {
    const text = execFileSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' });
    assert.ok(text.includes(status.fingerprint), text);
    assert.ok(text.includes(HOLDER), text);
    const key = text.split('\n').map((l) => l.trim()).find((l) => /^([0-9A-Z]{4}-){6}[0-9A-Z]{4}$/.test(l));
    assert.ok(key, `no recovery key on the page:\n${text}`);
    // Stop the hub, forget this PC's key file, put it back from the page.
    await stopHub(hub);
    const manifest = JSON.parse(execFileSync('cat', [path.join(dataDir, 'loket.keystore.json')], { encoding: 'utf8' }));
    if (manifest.store === 'file') rmSync(manifest.path);
    assert.throws(() => loket('db', 'check'), /tidak/);
    loket('key', 'recover', '--recovery-key', key);
    assert.match(loket('db', 'check'), /sehat/);
    ({ child: hub, url: baseUrl } = await startHub({ bin, cwd: root, dataDir, uiDir }));
  });

  await run(t, 'the home no longer warns', async () => {
    const page = pages.admin;
    await loginPage(page, baseUrl, ADMIN);
    await page.getByTestId('dash-updated').waitFor();
    const alerts = page.getByTestId('dash-alerts');
    const text = (await alerts.count()) ? await alerts.innerText() : '';
    assert.doesNotMatch(text, /Kunci pemulihan/);
  });
});
