// Helpers shared by the end-to-end tests that run the real hub binary: start it on an ephemeral port,
// stop it, and call its API directly (for setting up data; the scenarios themselves use the UI).

import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');

/** Where the suites find things: the repo root, the hub binary (LOKET_BIN overrides it, relative to
 *  the root), the built UI, and the folder for screenshots and PDFs (gitignored). */
export const paths = {
  root,
  bin: path.resolve(root, process.env.LOKET_BIN ?? 'target/debug/loket'),
  uiDir: path.join(root, 'ui', 'dist'),
  outDir: path.join(here, 'out'),
};

/**
 * Starts `bin args` and resolves with the child and its URL once its output matches `listening`
 * (the URL is the pattern's first group); `what` names it in the errors.
 */
export function startListening({ what, bin, args, cwd, env, listening, onOutput = () => {} }) {
  return new Promise((resolve, reject) => {
    let output = '';
    const child = spawn(bin, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env });
    let settled = false;
    const settle = (fn, v) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn(v);
    };
    const timer = setTimeout(
      () => settle(reject, new Error(`${what} did not print its address within 30 s; output:\n${output}`)),
      30_000,
    );
    const collect = (chunk) => {
      const text = chunk.toString();
      output += text;
      onOutput(text);
      const m = output.match(listening);
      if (m) settle(resolve, { child, url: m[1].replace(/\/$/, '') });
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (e) => settle(reject, e));
    child.on('exit', (code, signal) =>
      settle(reject, new Error(`${what} exited early (code ${code}, signal ${signal}); output:\n${output}`)),
    );
  });
}

/** Starts `loket serve` and resolves with the child and its URL once it prints its address; `env` adds variables. */
export function startHub({ bin, cwd, dataDir, uiDir, env = {}, onOutput = () => {} }) {
  return startListening({
    what: 'the hub',
    bin,
    args: ['serve', '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--ui-dir', uiDir],
    cwd,
    env: { ...process.env, LOKET_LOG: process.env.LOKET_LOG ?? 'warn', ...env },
    listening: /Loket hub listening on (http:\/\/[^\s]+)/,
    onOutput,
  });
}

export async function stopHub(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** `loket init`: the office and its first administrator, before the hub starts. */
export function initOffice({ bin, cwd, dataDir, district, officeName, admin, adminName, password }) {
  const res = spawnSync(
    bin,
    ['init', '--data-dir', dataDir, '--district', district, '--office-name', officeName, '--admin', admin, '--admin-name', adminName],
    { cwd, env: { ...process.env, LOKET_ADMIN_PASSWORD: password }, encoding: 'utf8' },
  );
  if (res.status !== 0) throw new Error(`loket init failed (${res.status}):\n${res.stdout}\n${res.stderr}`);
}

/** `POST /api/v1/<name>`; throws the hub's error message on failure. */
export async function apiCall(baseUrl, name, payload = {}, token = null) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${baseUrl}/api/v1/${name}`, { method: 'POST', headers, body: JSON.stringify(payload) });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`${name}: HTTP ${res.status} ${body.code ?? ''} ${body.message ?? ''}`);
  return body;
}

/** Logs in; when the hub insists on a new password first, changes it to `newPassword`. */
export async function loginApi(baseUrl, username, password, newPassword = null) {
  const { token, session } = await apiCall(baseUrl, 'auth.login', { username, password });
  if (session.must_change_password && newPassword) {
    await apiCall(baseUrl, 'auth.change_password', { current_password: password, new_password: newPassword }, token);
  }
  return token;
}

/**
 * Named steps for a `node --test` suite: after a failure the later steps are skipped rather than
 * failing confusingly, and `onFailure(tag)` saves what the pages showed.
 */
export function stepRunner(onFailure) {
  const run = {
    failed: false,
    async step(t, name, fn) {
      await t.test(name, async (st) => {
        if (run.failed) {
          st.skip('an earlier step failed');
          return;
        }
        try {
          await fn();
        } catch (e) {
          run.failed = true;
          await onFailure(name.replace(/[^a-z0-9]+/gi, '-').toLowerCase().slice(0, 60)).catch(() => {});
          throw e;
        }
      });
    },
  };
  return run;
}

/** A 1366×768 Indonesian page registered under `name` in `pages`; script errors go to `pageErrors`. */
export async function openPage(browser, name, pages, pageErrors, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'id-ID', ...options });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(`${name}: ${e}`));
  pages[name] = page;
  return page;
}

/** Logs `who` in through the login screen and waits for the home screen. */
export async function loginPage(page, baseUrl, who) {
  await page.goto(baseUrl + '/');
  await page.getByTestId('login-username').fill(who.username);
  await page.getByTestId('login-password').fill(who.password);
  await page.getByTestId('login-password').press('Enter');
  await page.getByTestId('home').waitFor();
}

/** Headless Chromium with the flags this machine's closed network needs (no background calls home);
 *  `args` adds flags, `env` replaces the environment (HOME decides which NSS database it trusts). */
export function launchChromium(chromium, { args = [], env } = {}) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...args],
    ...(env ? { env } : {}),
  });
}

/** Creates a staff member as the administrator and sets their own password (the first login asks for it). */
export async function createStaff(baseUrl, adminToken, { username, fullName, roles, initial, password }) {
  await apiCall(baseUrl, 'staff.create', { username, full_name: fullName, roles, initial_password: initial }, adminToken);
  await loginApi(baseUrl, username, initial, password);
}

/** Waits until the element's text matches `re` (live screens update by themselves). */
export async function waitText(page, testid, re, timeout = 15_000) {
  try {
    await page.waitForFunction(
      ([id, source, flags]) => new RegExp(source, flags).test(document.querySelector(`[data-testid="${id}"]`)?.textContent ?? ''),
      [testid, re.source, re.flags],
      { timeout, polling: 100 },
    );
  } catch (e) {
    const now = await page.getByTestId(testid).first().textContent().catch(() => '(absent)');
    throw new Error(`${testid} never matched ${re}; it says ${JSON.stringify(now)}`, { cause: e });
  }
}

/** Polls `fn` until it returns true, at most `timeout` ms. */
export async function until(what, fn, timeout = 15_000) {
  const end = Date.now() + timeout;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Opens every service on every day of the week (a suite may run on a weekend), as `token` (a manager). */
export async function openEveryDay(baseUrl, token) {
  const { items } = await apiCall(baseUrl, 'queue.service_list', {}, token);
  for (const { id, prefix, name, kind, daily_quota, time_standard_minutes, active } of items) {
    await apiCall(baseUrl, 'queue.service_save', { id, prefix, name, kind, daily_quota, time_standard_minutes, active_days: '1234567', active }, token);
  }
}
