// End-to-end: the sync indicator in the header and the sync screen, in headless Chromium against the
// real hub and a real central server (`loket-central`), both on loopback.
//
// A supervisor sees "belum terdaftar" (and, once a record waits, the warning), enrolls the office
// on the sync screen — an unreachable address and a wrong token are refused under their fields —,
// records then reach central (0 waiting, last success shown); central is killed: the header says
// offline with 1 waiting; nothing synced for days gives the warning; central comes back on the same
// address and "Kirim sekarang" sends everything; two records central refused (stamped in the future)
// are listed: one is dismissed through its confirmation, the other re-sent and reaches central.
//
// Two fixtures edit the hub's database with the sqlite3 CLI while it runs, because the hub's clock
// cannot be moved from outside: "four days ago" for the warning (the last success and the waiting
// record), and "two days ahead" for the refused records (an office PC whose clock runs fast; central
// refuses such records itself). Everything else goes through the UI or the API.
//
//   cargo build -p loket -p loket-central && (cd ui && npm run build) && (cd tests/e2e && node --test sync.test.mjs)
//
// Screenshots: tests/e2e/out/sync-*.png (gitignored).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { centralCli, killCentral, startCentral } from './central.mjs';
import { apiCall, createStaff, launchChromium, initOffice, loginApi, startHub, stopHub, stepRunner, openPage, loginPage, until, waitText } from './hub.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const bin = path.resolve(root, process.env.LOKET_BIN ?? 'target/debug/loket');
const centralBin = path.resolve(root, process.env.LOKET_CENTRAL_BIN ?? 'target/debug/loket-central');
const uiDir = path.join(root, 'ui', 'dist');
const outDir = path.join(here, 'out');

const OFFICE = '61.01.09';
const ADMIN = { username: 'admin', fullName: 'Budi Santoso', password: 'Rahasia-Admin-2026' };
const SUPERVISOR = { username: 'spv', fullName: 'Maria Ulfa', roles: ['supervisor'], initial: 'Awal-Spv-333333', password: 'Baru-Spv-333333' };
const OFFICER = { username: 'petugas', fullName: 'Siti Rahmawati', roles: ['counter_officer'], initial: 'Awal-Petugas-111', password: 'Baru-Petugas-111' };

/** Applicants of the office's kecamatan; the NIK's digits 7–12 are the birth date (+40 for women). */
const PEOPLE = [
  { nik: '6101091708050001', full_name: 'RUDI HARTONO', sex: 'L', birth_date: '2005-08-17' },
  { nik: '6101090203880002', full_name: 'AGUS SALIM', sex: 'L', birth_date: '1988-03-02' },
  { nik: '6101095505920003', full_name: 'SITI AMINAH', sex: 'P', birth_date: '1992-05-15' },
  { nik: '6101091211800004', full_name: 'YOHANES LIEM', sex: 'L', birth_date: '1980-11-12' },
  { nik: '6101094107950005', full_name: 'DEWI LESTARI', sex: 'P', birth_date: '1995-07-01' },
];

let hub;
let hubOutput = '';
let central;
let centralUrl;
let centralAddr;
let centralOutput = '';
let dataDir;
let centralDir;
let browser;
let baseUrl;
let officerToken;
const pages = {};
const pageErrors = [];

async function shot(page, name) {
  await page.screenshot({ path: path.join(outDir, `sync-${name}.png`) });
}

const run = stepRunner(async (tag) => {
  for (const [k, p] of Object.entries(pages)) await shot(p, `FAILED-${tag}-${k}`).catch(() => {});
});
const step = run.step;

const newPage = (name) => openPage(browser, name, pages, pageErrors);

const tid = (page, id) => page.getByTestId(id);

const login = (page, who) => loginPage(page, baseUrl, who);


/**
 * Statements on the hub's or central's database; returns the rows as `a|b` lines. Central's file is
 * plain SQLite (the sqlite3 CLI); the hub's is encrypted, so `loket dev sql` opens it with its key.
 */
function sql(db, statement) {
  if (db === HUB_DB) {
    return execFileSync(bin, ['--data-dir', dataDir, 'dev', 'sql', statement], { encoding: 'utf8' }).trim();
  }
  return execFileSync('sqlite3', ['-cmd', '.timeout 5000', db, statement], { encoding: 'utf8' }).trim();
}
const HUB_DB = Symbol('hub database');
const hubDb = () => HUB_DB;
const centralDb = () => path.join(centralDir, 'central.db');
/** What central holds (its `record` table): change id → `accepted` or `invalid` (kept with its reason). */
const centralRecords = () => new Map(sql(centralDb(), "SELECT id || '|' || outcome FROM record").split('\n').filter(Boolean).map((l) => l.split('|')));
const accepted = (id) => centralRecords().get(id) === 'accepted';
/** The hub's outbox change ids of one applicant, oldest first. */
const changeIds = (nik) =>
  sql(hubDb(), `SELECT change_id FROM outbox WHERE json_extract(payload, '$.biodata.nik') = '${nik}' ORDER BY seq`).split('\n').filter(Boolean);

/** Saves an applicant through the hub's API (one outbox row each). */
async function saveApplicant(p) {
  await apiCall(
    baseUrl,
    'intake.save_applicant',
    {
      nik: p.nik,
      kk_number: '6101090101050003',
      full_name: p.full_name,
      sex: p.sex,
      birth_place: 'Sambas',
      birth_date: p.birth_date,
      blood_type: 'O',
      religion: 'ISLAM',
      marital_status: 'BELUM KAWIN',
      occupation: 'PELAJAR/MAHASISWA',
      education: 'SLTA/SEDERAJAT',
      citizenship: 'WNI',
      address: 'Jl. Merdeka No. 1',
      rt: '1',
      rw: '2',
      village_code: '61.01.09.2002',
      mobile: '081234567890',
    },
    officerToken,
  );
}

async function status() {
  return apiCall(baseUrl, 'sync.status', {}, officerToken);
}

before(async () => {
  for (const [what, file] of [['hub', bin], ['central', centralBin]]) {
    assert.ok(existsSync(file), `${what} binary not found at ${file}: run \`cargo build -p loket -p loket-central\``);
  }
  assert.ok(existsSync(path.join(uiDir, 'index.html')), `no built UI at ${uiDir}: run \`npm run build\` in ui/`);
  assert.doesNotThrow(() => execFileSync('sqlite3', ['-version'], { stdio: 'ignore' }), 'the sqlite3 CLI is needed (Debian package sqlite3)');
  mkdirSync(outDir, { recursive: true });
  dataDir = mkdtempSync(path.join(tmpdir(), 'loket-e2e-sync-hub-'));
  centralDir = mkdtempSync(path.join(tmpdir(), 'loket-e2e-sync-central-'));

  ({ child: central, url: centralUrl } = await startCentral({ bin: centralBin, dataDir: centralDir, onOutput: (s) => (centralOutput += s) }));
  centralAddr = centralUrl.replace(/^http:\/\//, '');

  initOffice({
    bin,
    cwd: root,
    dataDir,
    district: OFFICE,
    officeName: 'Kantor Kecamatan Sajingan Besar',
    admin: ADMIN.username,
    adminName: ADMIN.fullName,
    password: ADMIN.password,
  });
  ({ child: hub, url: baseUrl } = await startHub({
    bin,
    cwd: root,
    dataDir,
    uiDir,
    env: { LOKET_SYNC_INTERVAL_MS: '500', LOKET_SYNC_BACKOFF_BASE_MS: '100', LOKET_SYNC_BACKOFF_CAP_MS: '1000' },
    onOutput: (s) => (hubOutput += s),
  }));
  const adminToken = await loginApi(baseUrl, ADMIN.username, ADMIN.password);
  for (const p of [SUPERVISOR, OFFICER]) {
    await createStaff(baseUrl, adminToken, p);
  }
  officerToken = await loginApi(baseUrl, OFFICER.username, OFFICER.password);

  browser = await launchChromium(chromium);
});

after(async () => {
  await browser?.close().catch(() => {});
  await stopHub(hub);
  await killCentral(central, 'SIGTERM');
  for (const d of [dataDir, centralDir]) if (d) rmSync(d, { recursive: true, force: true });
  if (run.failed) {
    if (hubOutput) console.error(`--- hub output ---\n${hubOutput}`);
    if (centralOutput) console.error(`--- central output ---\n${centralOutput}`);
  }
});

test('the sync indicator and the sync screen against a real central server', async (t) => {
  await step(t, 'before enrollment the header says "belum terdaftar"; a waiting record brings the warning', async () => {
    const page = await newPage('supervisor');
    await login(page, SUPERVISOR);
    await waitText(page, 'sync-state', /belum terdaftar/i);
    assert.equal(await tid(page, 'sync-indicator').getAttribute('data-tone'), 'unenrolled');
    assert.match(await tid(page, 'sync-waiting').innerText(), /^0 menunggu$/);
    assert.match(await tid(page, 'sync-last-success').innerText(), /belum pernah berhasil/);
    assert.equal(await tid(page, 'sync-warning').count(), 0);
    // The home screen has the tile, the menu the entry.
    await tid(page, 'tile-sync').waitFor();
    await tid(page, 'nav-sync').waitFor();

    await saveApplicant(PEOPLE[0]);
    // Within the 30-second refresh at the latest; the page is not reloaded.
    await waitText(page, 'sync-waiting', /^1 menunggu$/, 35_000);
    await waitText(page, 'sync-warning-text', /belum terdaftar di server pusat: 1 data menunggu/);
    await shot(page, 'header-unenrolled');
  });

  await step(t, 'the indicator opens the sync screen, which explains where the token comes from', async () => {
    const page = pages.supervisor;
    await tid(page, 'sync-indicator').click();
    await tid(page, 'sync-page').waitFor();
    assert.match(page.url(), /#\/sync$/);
    assert.equal(await tid(page, 'sync-token-command').innerText(), `loket-central device add --office ${OFFICE}`);
    await tid(page, 'sync-not-enrolled').waitFor();
    assert.match(await tid(page, 'sync-fact-waiting').innerText(), /1 data/);
    assert.equal(await tid(page, 'sync-send-now').isDisabled(), true);
    await tid(page, 'sync-q-empty').waitFor();
    // On the sync screen itself the warning has no link to it.
    await tid(page, 'sync-warning').waitFor();
    assert.equal(await tid(page, 'sync-warning-link').count(), 0);
    await shot(page, 'screen-unenrolled');
  });

  await step(t, 'enrollment: empty fields, an unreachable address and a wrong token are refused under their fields', async () => {
    const page = pages.supervisor;
    await tid(page, 'sync-enroll-submit').click();
    assert.match(await tid(page, 'sync-url-error').innerText(), /Wajib diisi/);
    assert.match(await tid(page, 'sync-token-error').innerText(), /Wajib diisi/);

    // Nothing listens on port 9 of loopback: refused at once.
    await tid(page, 'sync-url').fill('http://127.0.0.1:9');
    await tid(page, 'sync-token').fill('SALAH-TOKEN-123');
    await tid(page, 'sync-enroll-submit').click();
    await waitText(page, 'sync-url-error', /tidak terjangkau/);
    assert.equal(await tid(page, 'sync-token-error').count(), 0);
    // What was typed stays.
    assert.equal(await tid(page, 'sync-token').inputValue(), 'SALAH-TOKEN-123');

    await tid(page, 'sync-url').fill(centralUrl);
    await tid(page, 'sync-enroll-submit').click();
    await waitText(page, 'sync-token-error', /Token tidak dikenal/);
    assert.equal(await tid(page, 'sync-url-error').count(), 0);
    await waitText(page, 'sync-state', /belum terdaftar/i);
    await shot(page, 'enroll-wrong-token');
  });

  await step(t, 'the right token enrolls the office; the waiting record reaches central', async () => {
    const page = pages.supervisor;
    const token = centralCli({ bin: centralBin, dataDir: centralDir }, ['device', 'add', '--office', OFFICE]).trim();
    assert.match(token, /^\S{10,}$/, `the token: ${token}`);
    await tid(page, 'sync-token').fill(token);
    await tid(page, 'sync-enroll-submit').click();
    await tid(page, 'sync-enrolled-notice').waitFor();
    assert.equal(await tid(page, 'sync-token').count(), 0, 'the form folds away once enrolled');
    await waitText(page, 'sync-fact-url', new RegExp(centralUrl.replace(/[.]/g, '\\.')));
    await waitText(page, 'sync-fact-device', /^[0-9a-f-]{36}$/);
    await waitText(page, 'sync-state', /Pusat: tersambung/);
    await waitText(page, 'sync-waiting', /^0 menunggu$/);
    await waitText(page, 'sync-last-success', /^terakhir berhasil \d{1,2} \S+ \d{4} \d{2}\.\d{2} WIB$/);
    assert.equal(await tid(page, 'sync-warning').count(), 0);
    assert.ok(accepted(changeIds(PEOPLE[0].nik)[0]), 'central holds the first applicant');
  });

  await step(t, 'a new record goes by itself: the header returns to 0 waiting, online, last success set', async () => {
    const page = pages.supervisor;
    await tid(page, 'nav-home').click();
    await tid(page, 'home').waitFor();
    const before = (await status()).last_success_at;
    await saveApplicant(PEOPLE[1]);
    // The uploader sends it on its own (woken by the new outbox row); the header follows.
    await until('central holds the second applicant', () => accepted(changeIds(PEOPLE[1].nik)[0]));
    await until('a newer success', async () => (await status()).last_success_at > before);
    await waitText(page, 'sync-waiting', /^0 menunggu$/);
    await waitText(page, 'sync-state', /Pusat: tersambung/);
    assert.equal(await tid(page, 'sync-indicator').getAttribute('data-tone'), 'online');
    assert.equal(await tid(page, 'sync-oldest').count(), 0);
    assert.match(await tid(page, 'sync-last-success').innerText(), /terakhir berhasil .* WIB/);
    await shot(page, 'header-online');
  });

  await step(t, 'the sync screen shows the state in detail', async () => {
    const page = pages.supervisor;
    await tid(page, 'nav-sync').click();
    await tid(page, 'sync-page').waitFor();
    await waitText(page, 'sync-fact-connection', /tersambung/);
    assert.match(await tid(page, 'sync-fact-waiting').innerText(), /^0 data$/);
    assert.match(await tid(page, 'sync-fact-last-success').innerText(), /\d{4}, \d{2}\.\d{2} WIB/);
    assert.match(await tid(page, 'sync-fact-last-attempt').innerText(), /WIB/);
    assert.match(await tid(page, 'sync-fact-error').innerText(), /Tidak ada/);
    assert.equal(await tid(page, 'sync-send-now').isDisabled(), false);
    await shot(page, 'screen-online');
  });

  await step(t, 'central is killed: the header says offline with 1 waiting', async () => {
    const page = pages.supervisor;
    await killCentral(central);
    await saveApplicant(PEOPLE[2]);
    await waitText(page, 'sync-state', /Pusat: terputus/);
    await waitText(page, 'sync-waiting', /^1 menunggu$/);
    await waitText(page, 'sync-oldest', /^tertua (kurang dari 1 menit|\d+ menit)$/);
    assert.equal(await tid(page, 'sync-indicator').getAttribute('data-tone'), 'offline');
    await waitText(page, 'sync-fact-error', /.{10,}/);
    assert.doesNotMatch(await tid(page, 'sync-fact-error').innerText(), /^Tidak ada$/);
    // Nothing has synced for days yet: no warning.
    assert.equal(await tid(page, 'sync-warning').count(), 0);
    await tid(page, 'nav-home').click();
    await tid(page, 'home').waitFor();
    await shot(page, 'header-offline');
  });

  await step(t, 'nothing synced for four days: supervisors are warned on every screen', async () => {
    const page = pages.supervisor;
    const fourDaysAgo = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-4 days')";
    sql(hubDb(), `UPDATE sync_state SET last_success_at = ${fourDaysAgo} WHERE id = 1; UPDATE outbox SET created_at = ${fourDaysAgo} WHERE delivered_at IS NULL`);
    await waitText(page, 'sync-oldest', /^tertua 4 hari$/, 35_000);
    await waitText(page, 'sync-warning-text', /^Sudah 4 hari tidak ada data yang sampai ke server pusat, dan 1 data menunggu/);
    await waitText(page, 'sync-last-success', /terakhir berhasil/);
    await shot(page, 'header-warning');
    // The link opens the sync screen.
    await tid(page, 'sync-warning-link').click();
    await tid(page, 'sync-page').waitFor();
    await waitText(page, 'sync-fact-oldest', /\(4 hari lalu\)/);
  });

  await step(t, 'two records stamped by a clock two days fast wait too', async () => {
    const page = pages.supervisor;
    await saveApplicant(PEOPLE[3]);
    await saveApplicant(PEOPLE[4]);
    const ahead = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+2 days')";
    sql(hubDb(), `UPDATE outbox SET created_at = ${ahead} WHERE delivered_at IS NULL AND json_extract(payload, '$.biodata.nik') IN ('${PEOPLE[3].nik}', '${PEOPLE[4].nik}')`);
    await waitText(page, 'sync-waiting', /^3 menunggu$/);
    await waitText(page, 'sync-fact-waiting', /^3 data$/);
  });

  await step(t, 'central comes back on the same address; "Kirim sekarang" sends everything', async () => {
    const page = pages.supervisor;
    ({ child: central } = await startCentral({ bin: centralBin, dataDir: centralDir, listen: centralAddr, onOutput: (s) => (centralOutput += s) }));
    await tid(page, 'sync-send-now').click();
    await tid(page, 'sync-send-notice').waitFor();
    await waitText(page, 'sync-waiting', /^0 menunggu$/);
    await waitText(page, 'sync-state', /Pusat: tersambung/);
    await waitText(page, 'sync-refused', /^2 ditolak$/);
    assert.equal(await tid(page, 'sync-warning').count(), 0, 'the warning goes with the success');
    assert.ok(accepted(changeIds(PEOPLE[2].nik)[0]), 'central holds the record made while it was down');
    const held = centralRecords();
    for (const p of PEOPLE.slice(3)) assert.equal(held.get(changeIds(p.nik)[0]), 'invalid', `central refused ${p.nik}`);
  });

  await step(t, 'the refused records are listed with the reason', async () => {
    const page = pages.supervisor;
    await tid(page, 'sync-q-table').waitFor();
    const rows = tid(page, 'sync-q-table').locator('tbody tr');
    assert.equal(await rows.count(), 2);
    const labels = await tid(page, 'sync-q-label').allInnerTexts();
    assert.deepEqual(labels, [`Biodata ${PEOPLE[3].full_name} · NIK ${PEOPLE[3].nik}`, `Biodata ${PEOPLE[4].full_name} · NIK ${PEOPLE[4].nik}`]);
    for (const reason of await tid(page, 'sync-q-reason').allInnerTexts()) assert.match(reason, /masa depan/);
    assert.match(await tid(page, 'sync-fact-refused').innerText(), /2 data/);
    // The "sending started" notice goes by itself after a while; closed here for the screenshot.
    if (await tid(page, 'sync-send-notice').count()) await tid(page, 'sync-send-notice').getByRole('button').click();
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, 'screen-refused');
    await page.evaluate(() => document.getElementById('sync-q-title')?.scrollIntoView({ block: 'start' }));
    await shot(page, 'quarantine');
  });

  await step(t, '"Abaikan" asks first; confirmed, the record leaves the list and is not sent again', async () => {
    const page = pages.supervisor;
    const seq = sql(hubDb(), `SELECT seq FROM outbox WHERE json_extract(payload, '$.biodata.nik') = '${PEOPLE[4].nik}' ORDER BY seq LIMIT 1`);
    await tid(page, `sync-q-dismiss-${seq}`).click();
    await tid(page, 'sync-dismiss-dialog').waitFor();
    assert.match(await tid(page, 'sync-dismiss-dialog').innerText(), new RegExp(PEOPLE[4].full_name));
    await shot(page, 'dismiss-confirm');
    // Cancel keeps it.
    await tid(page, 'sync-dismiss-dialog').getByRole('button', { name: 'Batal' }).click();
    await tid(page, 'sync-dismiss-dialog').waitFor({ state: 'detached' });
    assert.equal(await tid(page, `sync-q-row-${seq}`).count(), 1);
    await tid(page, `sync-q-dismiss-${seq}`).click();
    await tid(page, 'sync-dismiss-confirm').click();
    await tid(page, `sync-q-row-${seq}`).waitFor({ state: 'detached' });
    assert.match(await tid(page, 'sync-q-notice').innerText(), /diabaikan/);
    await waitText(page, 'sync-refused', /^1 ditolak$/);
  });

  await step(t, '"Kirim ulang" sends the other again as it is now; central takes it and the list is empty', async () => {
    const page = pages.supervisor;
    const seq = sql(hubDb(), `SELECT seq FROM outbox WHERE json_extract(payload, '$.biodata.nik') = '${PEOPLE[3].nik}' ORDER BY seq LIMIT 1`);
    await tid(page, `sync-q-resend-${seq}`).click();
    await tid(page, 'sync-q-empty').waitFor();
    assert.match(await tid(page, 'sync-q-notice').innerText(), /dikirim ulang/);
    await waitText(page, 'sync-waiting', /^0 menunggu$/);
    await waitText(page, 'sync-fact-refused', /^0 data$/);
    assert.equal(await tid(page, 'sync-refused').count(), 0);
    // A new change went, which central accepted. The dismissed record stays refused at central.
    const ids = changeIds(PEOPLE[3].nik);
    assert.equal(ids.length, 2);
    const held = centralRecords();
    assert.equal(held.get(ids[1]), 'accepted', 'central holds the re-sent record');
    assert.deepEqual(changeIds(PEOPLE[4].nik).map((id) => held.get(id)), ['invalid']);
    const st = await status();
    assert.equal(st.waiting, 0);
    assert.equal(st.quarantined, 0);
  });

  await step(t, 'the warning limit: out of range is refused under the field, a good value is saved', async () => {
    const page = pages.supervisor;
    await tid(page, 'sync-warn-days').fill('0');
    await tid(page, 'sync-settings-save').click();
    assert.match(await tid(page, 'sync-warn-days-error').innerText(), /1 sampai 60/);
    await tid(page, 'sync-warn-days').fill('5');
    await tid(page, 'sync-settings-save').click();
    await tid(page, 'sync-settings-saved').waitFor();
    assert.equal((await status()).warn_after_days, 5);
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, 'screen');
  });

  await step(t, 'in English the indicator follows the language switch', async () => {
    const page = pages.supervisor;
    await tid(page, 'lang-en').click();
    await waitText(page, 'sync-state', /^Central: connected$/);
    await waitText(page, 'sync-last-success', /^last success \d{1,2} \S+ \d{4} \d{2}:\d{2} WIB$/);
    await shot(page, 'screen-en');
    await tid(page, 'lang-id').click();
  });

  await step(t, 'a counter officer sees the indicator too, but no link and no warning', async () => {
    const page = await newPage('officer');
    await login(page, OFFICER);
    await waitText(page, 'sync-state', /Pusat: tersambung/);
    await waitText(page, 'sync-waiting', /^0 menunggu$/);
    assert.equal(await tid(page, 'sync-indicator').evaluate((el) => el.tagName), 'DIV');
    assert.equal(await tid(page, 'nav-sync').count(), 0);
    assert.equal(await tid(page, 'tile-sync').count(), 0);
    await page.goto(baseUrl + '/#/sync');
    await tid(page, 'no-access').waitFor();
    await tid(page, 'nav-home').click();
    await tid(page, 'home').waitFor();
    await tid(page, 'tile-documents').waitFor();
    await shot(page, 'officer-home');
  });

  await step(t, 'no script failed on any page', async () => {
    assert.deepEqual(pageErrors, []);
  });
});
