// The real desktop window (Tauri 2, built with custom-protocol) under Xvfb, driven by tauri-driver and
// WebKitWebDriver: log in and see the home screen; a counter officer opens a return slip, which the
// shell saves under the data folder and hands to the computer's PDF viewer. Run under `xvfb-run`
// (make test does).
//
// The PDF viewer is the one stand-in: an `xdg-open` first on PATH that writes down what it was
// asked to open (Xvfb has no desktop to open it on). The PDF itself is read with pdftotext.
//
// The W3C WebDriver calls are a handful of JSON requests, made here with fetch.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, existsSync, readFileSync, chmodSync } from 'node:fs';
import { apiCall, loginApi } from './hub.mjs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const loketBin = process.env.LOKET_BIN ?? join(root, 'target/debug/loket');
const desktopBin = process.env.LOKET_DESKTOP_BIN ?? join(root, 'target/debug/loket-desktop');
const tauriDriver = process.env.TAURI_DRIVER ?? 'tauri-driver';
const nativeDriver = process.env.WEBKIT_DRIVER ?? '/usr/bin/WebKitWebDriver';
const port = 4444 + Math.floor(Math.random() * 1000);
const wd = `http://127.0.0.1:${port}`;
const outDir = join(here, 'out');
mkdirSync(outDir, { recursive: true });

const dataDir = mkdtempSync(join(tmpdir(), 'loket-desktop-'));
// The hub inside the window listens here, so the test can prepare an application over HTTP.
const hubPort = 20000 + Math.floor(Math.random() * 20000);
const hubUrl = `http://127.0.0.1:${hubPort}`;
const fakeBin = mkdtempSync(join(tmpdir(), 'loket-desktop-bin-'));
const openedLog = join(fakeBin, 'opened.txt');
writeFileSync(join(fakeBin, 'xdg-open'), `#!/bin/sh\necho "$1" >> '${openedLog}'\n`);
chmodSync(join(fakeBin, 'xdg-open'), 0o755);
let driver;
let session;

async function call(method, path, body) {
  const res = await fetch(`${wd}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json.value)}`);
  return json.value;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function find(css, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await call('POST', `/session/${session}/elements`, { using: 'css selector', value: css });
    if (found.length > 0) return Object.values(found[0])[0];
    if (Date.now() > deadline) throw new Error(`no element ${css} after ${timeoutMs} ms`);
    await sleep(250);
  }
}

/** Waits until the element's text matches: the window fills in data after it appears. */
async function waitText(css, pattern, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    last = await call('GET', `/session/${session}/element/${await find(css)}/text`);
    if (pattern.test(last)) return last;
    if (Date.now() > deadline) {
      await screenshot('desktop-failure.png').catch(() => {});
      assert.fail(`${css}: text ${JSON.stringify(last)} does not match ${pattern}`);
    }
    await sleep(250);
  }
}

async function typeInto(css, text) {
  const el = await find(css);
  await call('POST', `/session/${session}/element/${el}/clear`, {});
  await call('POST', `/session/${session}/element/${el}/value`, { text });
}

async function click(css) {
  await call('POST', `/session/${session}/element/${await find(css)}/click`, {});
}

async function logIn(username, password) {
  await typeInto('[data-testid="login-username"]', username);
  await typeInto('[data-testid="login-password"]', password);
  await click('[data-testid="login-submit"]');
}

/** Waits two frames: WebKit takes the screenshot from what it last painted. */
async function painted() {
  await call('POST', `/session/${session}/execute/async`, {
    script: 'const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done()));',
    args: [],
  });
}

async function screenshot(name) {
  const png = await call('GET', `/session/${session}/screenshot`);
  writeFileSync(join(outDir, name), Buffer.from(png, 'base64'));
}

before(async () => {
  assert.ok(existsSync(desktopBin), `${desktopBin} missing: cargo build -p loket-desktop --features custom-protocol`);
  assert.ok(process.env.DISPLAY, 'needs a display: run under xvfb-run');
  execFileSync(loketBin, ['--data-dir', dataDir, 'init', '--district', '61.01.09',
    '--office-name', 'Kantor Kecamatan Sajingan Besar', '--admin', 'admin', '--admin-name', 'Admin Kantor'],
    { env: { ...process.env, LOKET_ADMIN_PASSWORD: 'rahasia-admin-1' } });
  driver = spawn(tauriDriver, ['--port', String(port), '--native-driver', nativeDriver], {
    env: {
      ...process.env,
      LOKET_DATA_DIR: dataDir,
      LOKET_HUB_LISTEN: `127.0.0.1:${hubPort}`,
      PATH: `${fakeBin}:${process.env.PATH}`,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (let i = 0; ; i++) {
    try {
      const res = await fetch(`${wd}/status`);
      if (res.ok) break;
    } catch { /* not up yet */ }
    if (i > 100) throw new Error('tauri-driver did not start');
    await sleep(200);
  }
  // No browserName: WebKitWebDriver refuses one it does not know.
  const created = await call('POST', '/session', {
    capabilities: { alwaysMatch: { 'tauri:options': { application: desktopBin } } },
  });
  session = created.sessionId;
});

after(async () => {
  // Ending the session closes the window; a window that does not close must not hold the run (the
  // app is tauri-driver's grandchild, so killing the driver leaves it behind).
  if (session) await Promise.race([call('DELETE', `/session/${session}`).catch(() => {}), sleep(5000)]);
  driver?.kill();
  try {
    execFileSync('pkill', ['-f', desktopBin]);
  } catch {
    /* none left */
  }
});

test('the desktop window logs in and shows the home screen', async () => {
  await find('[data-testid="login-form"]');
  await waitText('[data-testid="login-office"]', /Sajingan Besar/);
  await screenshot('desktop-login.png');
  await logIn('admin', 'rahasia-admin-1');
  await find('[data-testid="home"]');
  await waitText('[data-testid="home-greeting"]', /Admin Kantor/);
  await waitText('[data-testid="header-user"]', /Admin Kantor/);
  await waitText('[data-testid="home"]', /Sajingan Besar/);
  await screenshot('desktop-home.png');
});

/** A lost-card application whose police letter is missing, returned, as the counter would leave it. */
async function returnedApplication() {
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${hubUrl}/api/v1/health`)).ok) break;
    } catch { /* the window's hub is starting */ }
    if (i > 100) throw new Error(`the window's hub did not answer on ${hubUrl}`);
    await sleep(200);
  }
  const admin = await loginApi(hubUrl, 'admin', 'rahasia-admin-1');
  await apiCall(hubUrl, 'staff.create', {
    username: 'sari', full_name: 'Sari Petugas', roles: ['counter_officer'], initial_password: 'sementara-123',
  }, admin);
  const officer = await loginApi(hubUrl, 'sari', 'sementara-123', 'loket-sari-2026');
  await apiCall(hubUrl, 'intake.save_applicant', {
    nik: '6101095708850002', kk_number: '6101090101050003', full_name: 'Siti Aminah', sex: 'P',
    birth_place: 'Sambas', birth_date: '1985-08-17', blood_type: 'o+', religion: 'islam',
    marital_status: 'KAWIN', occupation: 'PEDAGANG', education: 'SLTA/SEDERAJAT', citizenship: 'WNI',
    address: 'Jl. Merdeka No. 2', rt: '1', rw: '2', village_code: '61.01.09.2002', mobile: '081234567890',
  }, officer);
  const app = await apiCall(hubUrl, 'intake.open_application', { nik: '6101095708850002', kind: 'lost' }, officer);
  const { items } = await apiCall(hubUrl, 'intake.checklist', { application_id: app.id }, officer);
  for (const item of items) {
    const missing = item.code === 'police_letter';
    await apiCall(hubUrl, 'intake.check_requirement', {
      application_id: app.id, requirement_id: item.requirement_id,
      status: missing ? 'missing' : 'present', note: missing ? 'Belum lapor ke Polsek' : undefined,
    }, officer);
  }
  await apiCall(hubUrl, 'intake.return_application', { application_id: app.id }, officer);
  await apiCall(hubUrl, 'auth.logout', {}, officer);
  return app;
}

test('a counter officer opens the return slip: saved in the data folder and handed to the PDF viewer', async () => {
  const app = await returnedApplication();
  await click('[data-testid="logout"]');
  await find('[data-testid="login-form"]');
  await logIn('sari', 'loket-sari-2026');
  await find('[data-testid="home"]');
  await call('POST', `/session/${session}/execute/sync`, { script: "location.hash = '#/intake'", args: [] });
  await typeInto('[data-testid="find-input"]', app.number);
  await click('[data-testid="find-submit"]');
  await click(`[data-testid="find-${app.number}-open"]`);
  await find('[data-testid="checklist-returned"]');
  await click('[data-testid="slip-open"]');
  const saved = await waitText('[data-testid="slip-saved"]', /penampil PDF/);
  await painted();
  await screenshot('desktop-return-slip.png');

  const expected = join(dataDir, 'cetak', `tanda-pengembalian-${app.number}-a5.pdf`);
  assert.ok(saved.includes(expected), `the officer is told where the PDF is: ${saved}`);
  assert.equal(readFileSync(openedLog, 'utf8').trim(), expected, 'the PDF viewer was asked to open the saved file');
  const text = execFileSync('pdftotext', ['-layout', expected, '-'], { encoding: 'utf8' });
  assert.match(text, /SITI AMINAH|Siti Aminah/i);
  assert.match(text, new RegExp(app.number));
  assert.match(text, /kepolisian/i, 'the slip names what is missing');
});
