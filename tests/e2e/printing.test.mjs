// End-to-end: printing KTP-el cards, in headless Chromium against the real hub, a real central
// server (`loket-central`) and a real IPP card printer (CUPS's `ippeveprinter`), all on loopback.
//
// Central holds a synthetic registry; the office is enrolled and has two finished recordings of
// people in it (`loket dev seed-backlog`), which central verifies and answers PRINT_READY_RECORD;
// the hub pulls the answers. Then: the supervisor receives 10 blanks (KTP-0001..KTP-0010) on Stok
// Blangko and sets the printer and the chip encoder on Pengaturan Cetak; the print operator finds
// the first receipt on Cetak KTP-el, prints it on KTP-0001 (the card PDF reaches the printer with
// the NIK, the name and the photo), checks it and presses S; the second card's chip fails on
// KTP-0002 (the encoder script fails that serial), and it is reprinted on KTP-0003. Stok Blangko
// then shows 7 in stock, 2 printed, 1 spoiled; the day's posting with 7 counted balances; the
// kiosk says the card can be collected.
//
//   make build && (cd tests/e2e && node --test printing.test.mjs)
//
// Screenshots: docs/screenshots/{printing-queue,printing-check,blanks,print-settings}.png and
// tests/e2e/out/printing-*.png (gitignored).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { centralCli, killCentral, startCentral } from './central.mjs';
import { apiCall, createStaff, initOffice, launchChromium, loginApi, loginPage, openPage, startHub, stepRunner, stopHub, until, waitText } from './hub.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const bin = path.resolve(root, process.env.LOKET_BIN ?? 'target/debug/loket');
const centralBin = path.resolve(root, process.env.LOKET_CENTRAL_BIN ?? 'target/debug/loket-central');
const uiDir = path.join(root, 'ui', 'dist');
const outDir = path.join(here, 'out');
const docsDir = path.join(root, 'docs', 'screenshots');
const encoderScript = path.join(root, 'tests', 'support', 'station-encoder.sh');
const printerCommand = path.join(root, 'tests', 'support', 'card-printer-command.sh');

const OFFICE = '61.01.09';
const ADMIN = { username: 'admin', fullName: 'Budi Santoso', password: 'Rahasia-Admin-2026' };
const SUPERVISOR = { username: 'spv', fullName: 'Maria Ulfa', roles: ['supervisor'], initial: 'Awal-Spv-333333', password: 'Baru-Spv-333333' };
const OPERATOR = { username: 'cetak', fullName: 'Dedi Kurniawan', roles: ['print_operator'], initial: 'Awal-Cetak-4444', password: 'Baru-Cetak-4444' };
/** The encoder script fails the chip of this blank. */
const FAIL_SERIAL = 'KTP-0002';

let hub;
let hubOutput = '';
let central;
let centralOutput = '';
let dbus;
let printer;
let printerPort;
let dataDir;
let centralDir;
let printerDir;
let browser;
let baseUrl;
let operatorToken;
/** The two records ready to print (from printing.queue), oldest first. */
let ready = [];
const pages = {};
const pageErrors = [];

async function shot(page, name) {
  await page.screenshot({ path: path.join(outDir, `printing-${name}.png`) });
}

async function docShot(page, name) {
  await page.screenshot({ path: path.join(docsDir, `${name}.png`) });
}

const run = stepRunner(async (tag) => {
  for (const [k, p] of Object.entries(pages)) await shot(p, `FAILED-${tag}-${k}`).catch(() => {});
});
const step = run.step;
const tid = (page, id) => page.getByTestId(id);


function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const connects = (port) =>
  new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

function tool(name) {
  for (const dir of ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin']) {
    const p = path.join(dir, name);
    if (existsSync(p)) return p;
  }
  throw new Error(`${name} is not installed (make deb: cups-ipp-utils, dbus-daemon, poppler-utils)`);
}

/** ippeveprinter on loopback with a private D-Bus (it does not start without one, even with -r off). */
async function startPrinter() {
  const socket = path.join(printerDir, 'bus');
  dbus = spawn(tool('dbus-daemon'), ['--session', '--nofork', '--nopidfile', `--address=unix:path=${socket}`], { stdio: 'ignore' });
  await until('the private D-Bus is up', () => existsSync(socket), 10_000);
  mkdirSync(path.join(printerDir, 'spool'));
  printerPort = await freePort();
  let log = '';
  printer = spawn(
    tool('ippeveprinter'),
    ['-n', 'localhost', '-p', String(printerPort), '-r', 'off', '-k', '-f', 'application/pdf', '-d', path.join(printerDir, 'spool'), '-c', printerCommand, 'LoketTestCard'],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: `unix:path=${socket}` } },
  );
  printer.stdout.on('data', (d) => (log += d));
  printer.stderr.on('data', (d) => (log += d));
  await until(`ippeveprinter answers on ${printerPort} (${log})`, () => connects(printerPort), 15_000);
}

/** The PDFs the printer received, oldest first (ippeveprinter -k keeps them). */
function spooled() {
  const dir = path.join(printerDir, 'spool');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.pdf'))
    .sort((a, b) => parseInt(a, 10) - parseInt(b, 10))
    .map((f) => path.join(dir, f));
}

before(async () => {
  for (const [what, file] of [['hub', bin], ['central', centralBin]]) {
    assert.ok(existsSync(file), `${what} binary not found at ${file}: run \`make build\``);
  }
  assert.ok(existsSync(path.join(uiDir, 'index.html')), `no built UI at ${uiDir}: run \`npm run build\` in ui/`);
  for (const t of ['pdftotext', 'pdfimages']) tool(t);
  mkdirSync(outDir, { recursive: true });
  mkdirSync(docsDir, { recursive: true });
  dataDir = mkdtempSync(path.join(tmpdir(), 'loket-e2e-print-hub-'));
  centralDir = mkdtempSync(path.join(tmpdir(), 'loket-e2e-print-central-'));
  printerDir = mkdtempSync(path.join(tmpdir(), 'loket-e2e-print-printer-'));

  // Central with a registry of the office's kecamatan.
  const registry = path.join(centralDir, 'registry.csv');
  const cli = { bin: centralBin, dataDir: centralDir };
  centralCli(cli, ['registry', 'generate', '--count', '50', '--office', OFFICE, '--seed', '7', '--out', registry]);
  centralCli(cli, ['registry', 'import', registry]);
  let centralUrl;
  ({ child: central, url: centralUrl } = await startCentral({ bin: centralBin, dataDir: centralDir, onOutput: (s) => (centralOutput += s) }));

  // The office: set up, enrolled, two finished recordings of registered people waiting to be sent.
  initOffice({ bin, cwd: root, dataDir, district: OFFICE, officeName: 'Kantor Kecamatan Sajingan Besar', admin: ADMIN.username, adminName: ADMIN.fullName, password: ADMIN.password });
  const token = centralCli(cli, ['device', 'add', '--office', OFFICE]).trim();
  execFileSync(bin, ['--data-dir', dataDir, 'sync', 'enroll', centralUrl, token], { encoding: 'utf8' });
  execFileSync(bin, ['--data-dir', dataDir, 'dev', 'seed-backlog', '--registry', registry, '--count', '2', '--seed', '3'], { encoding: 'utf8' });

  await startPrinter();
  ({ child: hub, url: baseUrl } = await startHub({
    bin,
    cwd: root,
    dataDir,
    uiDir,
    env: { LOKET_SYNC_INTERVAL_MS: '500', LOKET_SYNC_BACKOFF_BASE_MS: '100', LOKET_SYNC_BACKOFF_CAP_MS: '1000' },
    onOutput: (s) => (hubOutput += s),
  }));
  const adminToken = await loginApi(baseUrl, ADMIN.username, ADMIN.password);
  for (const p of [SUPERVISOR, OPERATOR]) await createStaff(baseUrl, adminToken, p);
  operatorToken = await loginApi(baseUrl, OPERATOR.username, OPERATOR.password);
  browser = await launchChromium(chromium);
});

after(async () => {
  await browser?.close().catch(() => {});
  await stopHub(hub);
  await killCentral(central, 'SIGTERM');
  // stopHub stops any child the same way: SIGTERM, then SIGKILL after 5 s.
  await stopHub(printer);
  await stopHub(dbus);
  for (const d of [dataDir, centralDir, printerDir]) if (d) rmSync(d, { recursive: true, force: true });
  if (run.failed) {
    if (hubOutput) console.error(`--- hub output ---\n${hubOutput}`);
    if (centralOutput) console.error(`--- central output ---\n${centralOutput}`);
  }
});

/** Finds a record on the print station by its receipt number, as a scanner types it, and waits for its preview. */
async function findAndChoose(page, record) {
  // After a finished card the search has the focus already; otherwise / puts it there.
  if ((await page.evaluate(() => document.activeElement?.id)) !== 'print-search') await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'print-search', '/ focuses the search');
  await page.keyboard.type(record.receipt_number);
  await page.keyboard.press('Enter');
  await tid(page, `queue-item-${record.recording_id}`).waitFor();
  await waitText(page, 'print-selected-name', new RegExp(record.full_name));
  await waitText(page, 'card-nik', new RegExp(record.nik));
  // The serial field has the focus: the scanner types the blank's serial next.
  await until('the serial field has the focus', async () => (await page.evaluate(() => document.activeElement?.id)) === 'print-serial');
}

test('printing KTP-el cards: blanks in, printer and encoder set, print, check, a spoiled chip, the stock balances', async (t) => {
  await step(t, 'central answers PRINT_READY_RECORD for both recordings and the hub pulls it', async () => {
    await until(
      'both records are ready to print',
      async () => {
        const q = await apiCall(baseUrl, 'printing.queue', {}, operatorToken);
        ready = q.items;
        return ready.length === 2;
      },
      90_000,
    );
    for (const r of ready) assert.match(r.receipt_number, /\S/, 'a receipt number');
  });

  await step(t, 'the supervisor receives 10 blanks on Stok Blangko', async () => {
    const page = await openPage(browser, 'supervisor', pages, pageErrors);
    await loginPage(page, baseUrl, SUPERVISOR);
    await tid(page, 'tile-blanks').waitFor();
    await tid(page, 'tile-print-settings').waitFor();
    await tid(page, 'nav-blanks').click();
    await tid(page, 'blanks-page').waitFor();
    await waitText(page, 'stock-in-stock', /^0/);
    // Empty fields are refused under the fields.
    await tid(page, 'rcv-submit').click();
    assert.match(await tid(page, 'rcv-report-error').innerText(), /Wajib diisi/);
    await tid(page, 'rcv-report').fill('BA-017/DUKCAPIL/XI/2026');
    await tid(page, 'rcv-version').fill('KTP-el 2026');
    await tid(page, 'rcv-from').fill('ktp-0001');
    await tid(page, 'rcv-to').fill('KTP-0010');
    await tid(page, 'rcv-submit').click();
    await waitText(page, 'blanks-received', /10 blangko diterima \(KTP-0001 – KTP-0010\)/);
    await waitText(page, 'stock-in-stock', /^10/);
    await waitText(page, 'bal-received', /^10$/);
  });

  await step(t, 'the supervisor sets the card printer and the chip encoder on Pengaturan Cetak', async () => {
    const page = pages.supervisor;
    await tid(page, 'nav-print-settings').click();
    await tid(page, 'print-settings-page').waitFor();
    await tid(page, 'ps-printers-empty').waitFor();
    await tid(page, 'pr-name').fill('Printer Kartu Meja 1');
    await tid(page, 'pr-uri').fill(`ipp://127.0.0.1:${printerPort}/ipp/print`);
    await tid(page, 'pr-x').fill('0,5');
    await tid(page, 'pr-submit').click();
    await waitText(page, 'ps-printer-saved', /\s Printer Kartu Meja 1 disimpan\./);
    await tid(page, 'ps-printer-table').waitFor();
    assert.match(await tid(page, 'ps-printer-table').innerText(), /kanan 0,5 mm/);

    const encoderLog = path.join(printerDir, 'encoder.log');
    await tid(page, 'enc-command').fill(encoderScript);
    await tid(page, 'enc-args').fill(`${FAIL_SERIAL}\n${encoderLog}`);
    await tid(page, 'enc-timeout').fill('30');
    await tid(page, 'enc-submit').click();
    await tid(page, 'ps-encoder-saved').waitFor();
    const st = await apiCall(baseUrl, 'printing.station_get', {}, await loginApi(baseUrl, SUPERVISOR.username, SUPERVISOR.password));
    assert.deepEqual(st.encoder_args, [FAIL_SERIAL, encoderLog]);
    await page.evaluate(() => window.scrollTo(0, 0));
    await docShot(page, 'print-settings');
  });

  await step(t, 'the print operator finds the first receipt; the preview and the printer state show', async () => {
    const page = await openPage(browser, 'operator', pages, pageErrors);
    await loginPage(page, baseUrl, OPERATOR);
    await tid(page, 'tile-printing').waitFor();
    await tid(page, 'tile-blanks').waitFor();
    assert.equal(await tid(page, 'tile-print-settings').count(), 0);
    await tid(page, 'tile-printing').click();
    await tid(page, 'printing-page').waitFor();
    await tid(page, `queue-item-${ready[0].recording_id}`).waitFor();
    await waitText(page, 'today-waiting', /^2$/);
    await findAndChoose(page, ready[0]);
    await waitText(page, 'printer-state-text', /Siap/);
    assert.equal(await tid(page, 'printer-state').getAttribute('data-tone'), 'ok');
    await tid(page, 'card-photo').waitFor();
    // The main flow fits the window: no page scroll.
    const scroll = await page.evaluate(() => document.documentElement.scrollHeight - window.innerHeight);
    assert.ok(scroll <= 0, `the print station scrolls by ${scroll}px`);
    await page.keyboard.type('ktp-0001');
    await docShot(page, 'printing-queue');
  });

  await step(t, 'Enter prints on KTP-0001: the printer gets the card, the chip is written, the check panel asks', async () => {
    const page = pages.operator;
    await page.keyboard.press('Enter');
    await tid(page, 'print-steps').waitFor();
    await tid(page, 'print-check').waitFor({ timeout: 30_000 });
    await waitText(page, 'print-job-state', /KTP-0001/);
    assert.equal(await tid(page, 'print-job-state').getAttribute('data-state'), 'checking');
    const pdfs = spooled();
    assert.equal(pdfs.length, 1, 'one card reached the printer');
    const text = execFileSync('pdftotext', ['-layout', pdfs[0], '-'], { encoding: 'utf8' });
    assert.match(text, new RegExp(ready[0].nik), 'the NIK is printed');
    for (const word of ready[0].full_name.split(/\s+/)) assert.match(text, new RegExp(word), `the name is printed (${word})`);
    const images = execFileSync('pdfimages', ['-list', pdfs[0]], { encoding: 'utf8' }).trim().split('\n').slice(2);
    assert.ok(images.some((l) => /\bjpeg\b|\bimage\b/.test(l)), `the photo is in the PDF:\n${images.join('\n')}`);
    await docShot(page, 'printing-check');
  });

  await step(t, 'S (Sesuai) finishes the card; the record leaves the queue', async () => {
    const page = pages.operator;
    await page.keyboard.press('s');
    await waitText(page, 'print-notice', /selesai dicetak pada blangko KTP-0001/);
    await tid(page, `queue-item-${ready[0].recording_id}`).waitFor({ state: 'detached' });
    await waitText(page, 'today-printed', /^1$/);
    await waitText(page, 'today-waiting', /^1$/);
    await shot(page, 'done');
  });

  await step(t, 'the second card: the chip of KTP-0002 fails, the blank is spoiled by the encoder', async () => {
    const page = pages.operator;
    await findAndChoose(page, ready[1]);
    await page.keyboard.type('KTP-0002');
    await page.keyboard.press('Enter');
    await waitText(page, 'print-notice', /Blangko KTP-0002 rusak: .*Chip tidak merespons/, 30_000);
    await tid(page, 'print-reprint-spoiled').waitFor();
    await waitText(page, 'today-spoiled', /^1$/);
    assert.equal(await tid(page, 'print-serial').inputValue(), '', 'the serial of the spoiled blank is cleared');
    await shot(page, 'spoiled');
  });

  await step(t, 'it is reprinted on KTP-0003 (reason spoiled in print, no approval) and checked', async () => {
    const page = pages.operator;
    await until('the serial field has the focus', async () => (await page.evaluate(() => document.activeElement?.id)) === 'print-serial');
    await page.keyboard.type('KTP-0003');
    await page.keyboard.press('Enter');
    await tid(page, 'print-check').waitFor({ timeout: 30_000 });
    await waitText(page, 'print-job-state', /KTP-0003/);
    await tid(page, 'print-confirm').click();
    await waitText(page, 'print-notice', /selesai dicetak pada blangko KTP-0003/);
    await waitText(page, 'today-printed', /^2$/);
    await waitText(page, 'today-reprints', /^1$/);
    await waitText(page, 'today-waiting', /^0$/);
    await tid(page, 'print-queue-empty').waitFor();
    assert.equal(spooled().length, 3, 'three cards went to the printer');
    const log = readFileSync(path.join(printerDir, 'encoder.log'), 'utf8');
    assert.deepEqual(log.trim().split('\n').map((l) => l.split(' ')[1]), ['KTP-0001', 'KTP-0002', 'KTP-0003']);
  });

  await step(t, 'Stok Blangko shows 7 in stock, 2 printed, 1 spoiled; the posting of 7 counted balances', async () => {
    const page = pages.supervisor;
    await tid(page, 'nav-blanks').click();
    await tid(page, 'blanks-page').waitFor();
    await waitText(page, 'stock-in-stock', /^7/);
    await waitText(page, 'stock-printed', /^2$/);
    await waitText(page, 'stock-spoiled', /^1$/);
    await waitText(page, 'bal-closing', /^7$/);
    await tid(page, 'blanks-tab-spoiled').click();
    await tid(page, 'blank-KTP-0002').waitFor();
    assert.match(await tid(page, 'blank-KTP-0002').innerText(), /Gagal encoding/);
    await tid(page, 'blanks-tab-posting').click();
    await tid(page, 'post-count').fill('7');
    await tid(page, 'post-submit').click();
    await tid(page, 'posting-result').waitFor();
    assert.equal(await tid(page, 'posting-result').getAttribute('data-difference'), '0');
    assert.match(await tid(page, 'posting-result').innerText(), /seimbang/);
    await tid(page, 'postings-table').waitFor();
    assert.equal(await tid(page, 'stock-unexplained').count(), 0);
    await page.evaluate(() => window.scrollTo(0, 0));
    await docShot(page, 'blanks');
  });

  await step(t, 'the supervisor downloads this month\'s blank report: the PDF and the CSV carry the figures', async () => {
    const page = pages.supervisor;
    await tid(page, 'blanks-tab-monthly').click();
    await tid(page, 'blanks-monthly').waitFor();
    const month = (await page.evaluate(() => new Date().toISOString())).slice(0, 7);
    // The office day may already be in the next month (WIB is ahead of UTC): take the field's maximum.
    const max = await tid(page, 'monthly-month-input').getAttribute('max');
    await tid(page, 'monthly-month-input').fill(max ?? month);
    const [pdf] = await Promise.all([page.waitForEvent('download'), tid(page, 'monthly-pdf').click()]);
    const pdfPath = path.join(printerDir, pdf.suggestedFilename());
    await pdf.saveAs(pdfPath);
    assert.match(pdf.suggestedFilename(), /^laporan-blangko-\d{4}-\d{2}\.pdf$/);
    const text = execFileSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' }).split(/\s+/).join(' ');
    assert.match(text, /LAPORAN BULANAN BLANGKO KTP-EL/);
    assert.match(text, /Diterima dari kabupaten \+10/);
    assert.match(text, /Stok akhir bulan 7/);
    assert.match(text, /Gagal encoding chip 1/);
    const [csv] = await Promise.all([page.waitForEvent('download'), tid(page, 'monthly-csv').click()]);
    const csvPath = path.join(printerDir, csv.suggestedFilename());
    await csv.saveAs(csvPath);
    const rows = readFileSync(csvPath, 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/).map((l) => l.split(';'));
    assert.deepEqual(rows[0], ['bagian', 'uraian', 'jumlah', 'keterangan']);
    assert.deepEqual(rows.find((r) => r[1] === 'Dicetak')?.slice(0, 3), ['ringkasan', 'Dicetak', '2']);
    await shot(page, 'blanks-monthly');
  });

  await step(t, 'the print operator reads the stock but has no forms', async () => {
    const page = pages.operator;
    await tid(page, 'nav-blanks').click();
    await tid(page, 'blanks-page').waitFor();
    await waitText(page, 'stock-in-stock', /^7/);
    // The operator starts on the blank list; the delivery section says who records deliveries.
    await tid(page, 'blank-table').waitFor();
    await tid(page, 'blanks-tab-receive').click();
    await tid(page, 'blanks-readonly').waitFor();
    assert.equal(await tid(page, 'receive-form').count(), 0);
    await tid(page, 'blanks-tab-posting').click();
    assert.equal(await tid(page, 'posting-form').count(), 0);
    await tid(page, 'postings-table').waitFor();
    await shot(page, 'blanks-operator');
  });

  await step(t, 'the kiosk status check says the card can be collected', async () => {
    const page = await openPage(browser, 'kiosk', pages, pageErrors);
    await page.goto(baseUrl + '/#/kiosk');
    await tid(page, 'kiosk-status-open').click();
    await tid(page, 'kiosk-status').waitFor();
    await page.keyboard.type(ready[0].receipt_number);
    await page.keyboard.press('Enter');
    await tid(page, 'kiosk-status-result').waitFor();
    assert.match(await tid(page, 'kiosk-status-label').innerText(), /KTP-el sudah dicetak, silakan ambil/);
    await shot(page, 'kiosk');
  });

  await step(t, 'no script failed on any page', async () => {
    assert.deepEqual(pageErrors, []);
  });
});
