// The real desktop window (Tauri 2, built with custom-protocol) under Xvfb, driven by tauri-driver and
// WebKitWebDriver: log in and see the home screen. Run under `xvfb-run` (make test does).
//
// The W3C WebDriver calls are a handful of JSON requests, made here with fetch.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, existsSync } from 'node:fs';
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
    env: { ...process.env, LOKET_DATA_DIR: dataDir, LOKET_HUB_LISTEN: '127.0.0.1:0' },
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
  if (session) await call('DELETE', `/session/${session}`).catch(() => {});
  driver?.kill();
});

test('the desktop window logs in and shows the home screen', async () => {
  await find('[data-testid="login-form"]');
  await waitText('[data-testid="login-office"]', /Sajingan Besar/);
  await screenshot('desktop-login.png');
  const user = await find('[data-testid="login-username"]');
  await call('POST', `/session/${session}/element/${user}/value`, { text: 'admin' });
  const pass = await find('[data-testid="login-password"]');
  await call('POST', `/session/${session}/element/${pass}/value`, { text: 'rahasia-admin-1' });
  await call('POST', `/session/${session}/element/${await find('[data-testid="login-submit"]')}/click`, {});
  await find('[data-testid="home"]');
  await waitText('[data-testid="home-greeting"]', /Admin Kantor/);
  await waitText('[data-testid="header-user"]', /Admin Kantor/);
  await waitText('[data-testid="home"]', /Sajingan Besar/);
  await screenshot('desktop-home.png');
});
