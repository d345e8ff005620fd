// The print shop the card suites start from (printing.test.mjs, handover.test.mjs): a real central
// server with a synthetic registry, a real office hub enrolled with it and holding finished
// recordings of registered people (`loket dev seed-backlog`), and a real IPP card printer (CUPS's
// `ippeveprinter`, with a private D-Bus), all on loopback; then the staff the suite names.

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { centralCli, killCentral, startCentral } from './central.mjs';
import { apiCall, createStaff, initOffice, loginApi, paths, startHub, stopHub, until } from './hub.mjs';

export const OFFICE = '61.01.09';
export const ADMIN = { username: 'admin', fullName: 'Budi Santoso', password: 'Rahasia-Admin-2026' };
export const centralBin = path.resolve(paths.root, process.env.LOKET_CENTRAL_BIN ?? 'target/debug/loket-central');
export const encoderScript = path.join(paths.root, 'tests', 'support', 'station-encoder.sh');
const printerCommand = path.join(paths.root, 'tests', 'support', 'card-printer-command.sh');

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

/** The path of an installed tool, or a clear error naming the Debian packages. */
export function tool(name) {
  for (const dir of ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin']) {
    const p = path.join(dir, name);
    if (existsSync(p)) return p;
  }
  throw new Error(`${name} is not installed (make deb: cups-ipp-utils, dbus-daemon, poppler-utils, zbar-tools)`);
}

/** ippeveprinter on loopback with a private D-Bus (it does not start without one, even with -r off). */
async function startPrinter(printerDir) {
  const socket = path.join(printerDir, 'bus');
  const dbus = spawn(tool('dbus-daemon'), ['--session', '--nofork', '--nopidfile', `--address=unix:path=${socket}`], { stdio: 'ignore' });
  await until('the private D-Bus is up', () => existsSync(socket), 10_000);
  mkdirSync(path.join(printerDir, 'spool'));
  const port = await freePort();
  let log = '';
  const printer = spawn(
    tool('ippeveprinter'),
    ['-n', 'localhost', '-p', String(port), '-r', 'off', '-k', '-f', 'application/pdf', '-d', path.join(printerDir, 'spool'), '-c', printerCommand, 'LoketTestCard'],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: `unix:path=${socket}` } },
  );
  printer.stdout.on('data', (d) => (log += d));
  printer.stderr.on('data', (d) => (log += d));
  await until(`ippeveprinter answers on ${port} (${log})`, () => connects(port), 15_000);
  return { dbus, printer, port };
}

/**
 * A shop named `name` (in the temp folders' names), not started yet: `open()` it in `before`, and
 * `close(failed)` it in `after` even when `open` failed half-way (the outputs print when it failed).
 */
export function printShop(name) {
  const shop = {
    hubOutput: '',
    centralOutput: '',
    children: {},
    open: (options) => openShop(shop, name, options),
    /** The PDFs the printer received, oldest first (ippeveprinter -k keeps them). */
    spooled() {
      const dir = path.join(shop.printerDir, 'spool');
      return readdirSync(dir)
        .filter((f) => f.endsWith('.pdf'))
        .sort((a, b) => parseInt(a, 10) - parseInt(b, 10))
        .map((f) => path.join(dir, f));
    },
    async close(failed) {
      const c = shop.children;
      await stopHub(c.hub);
      await killCentral(c.central, 'SIGTERM');
      // stopHub stops any child the same way: SIGTERM, then SIGKILL after 5 s.
      await stopHub(c.printer);
      await stopHub(c.dbus);
      for (const d of [shop.dataDir, shop.centralDir, shop.printerDir]) if (d) rmSync(d, { recursive: true, force: true });
      if (failed) {
        if (shop.hubOutput) console.error(`--- hub output ---\n${shop.hubOutput}`);
        if (shop.centralOutput) console.error(`--- central output ---\n${shop.centralOutput}`);
      }
    },
  };
  return shop;
}

/**
 * Starts the shop: `recordings` finished recordings waiting to be sent, the hub syncing every half
 * second, and `staff` (createStaff's shape) made by the administrator.
 */
async function openShop(shop, name, { recordings, staff = [] }) {
  for (const [what, file] of [['hub', paths.bin], ['central', centralBin]]) {
    assert.ok(existsSync(file), `${what} binary not found at ${file}: run \`make build\``);
  }
  assert.ok(existsSync(path.join(paths.uiDir, 'index.html')), `no built UI at ${paths.uiDir}: run \`npm run build\` in ui/`);
  for (const t of ['pdftotext', 'pdfimages']) tool(t);
  mkdirSync(paths.outDir, { recursive: true });
  shop.dataDir = mkdtempSync(path.join(tmpdir(), `loket-e2e-${name}-hub-`));
  shop.centralDir = mkdtempSync(path.join(tmpdir(), `loket-e2e-${name}-central-`));
  shop.printerDir = mkdtempSync(path.join(tmpdir(), `loket-e2e-${name}-printer-`));

  // Central with a registry of the office's kecamatan.
  const registry = path.join(shop.centralDir, 'registry.csv');
  const cli = { bin: centralBin, dataDir: shop.centralDir };
  centralCli(cli, ['registry', 'generate', '--count', '50', '--office', OFFICE, '--seed', '7', '--out', registry]);
  centralCli(cli, ['registry', 'import', registry]);
  const c = await startCentral({ bin: centralBin, dataDir: shop.centralDir, onOutput: (s) => (shop.centralOutput += s) });
  shop.children.central = c.child;

  // The office: set up, enrolled, finished recordings of registered people waiting to be sent.
  const { bin, root, uiDir } = paths;
  const dataDir = shop.dataDir;
  initOffice({ bin, cwd: root, dataDir, district: OFFICE, officeName: 'Kantor Kecamatan Sajingan Besar', admin: ADMIN.username, adminName: ADMIN.fullName, password: ADMIN.password });
  const token = centralCli(cli, ['device', 'add', '--office', OFFICE]).trim();
  execFileSync(bin, ['--data-dir', dataDir, 'sync', 'enroll', c.url, token], { encoding: 'utf8' });
  execFileSync(bin, ['--data-dir', dataDir, 'dev', 'seed-backlog', '--registry', registry, '--count', String(recordings), '--seed', '3'], { encoding: 'utf8' });

  const p = await startPrinter(shop.printerDir);
  Object.assign(shop.children, { printer: p.printer, dbus: p.dbus });
  shop.printerPort = p.port;
  const h = await startHub({
    bin,
    cwd: root,
    dataDir,
    uiDir,
    env: { LOKET_SYNC_INTERVAL_MS: '500', LOKET_SYNC_BACKOFF_BASE_MS: '100', LOKET_SYNC_BACKOFF_CAP_MS: '1000' },
    onOutput: (s) => (shop.hubOutput += s),
  });
  shop.children.hub = h.child;
  shop.baseUrl = h.url;
  shop.adminToken = await loginApi(h.url, ADMIN.username, ADMIN.password);
  for (const s of staff) await createStaff(h.url, shop.adminToken, s);
  return shop;
}

/** Waits until central has answered PRINT_READY_RECORD for `count` records and the hub pulled it; the print queue, oldest first. */
export async function readyToPrint(baseUrl, token, count) {
  let items = [];
  await until(
    `${count} records are ready to print`,
    async () => {
      items = (await apiCall(baseUrl, 'printing.queue', {}, token)).items;
      return items.length === count;
    },
    90_000,
  );
  return items;
}


/** Receives the blanks `from`..`to` by API (report number `report`), dated the office's today. */
export async function receiveBlanks(baseUrl, token, { report, from, to }) {
  const { today } = await apiCall(baseUrl, 'stock.summary', {}, token);
  return apiCall(baseUrl, 'stock.receive', { report_number: report, received_on: today.day, blank_version: 'KTP-el 2026', serial_from: from, serial_to: to }, token);
}

/** Sets the shop's printer and an encoder that writes every chip, by API; the printer's id. */
export async function setUpStation(shop, token) {
  const printer = await apiCall(shop.baseUrl, 'printing.printer_save', {
    name: 'Printer Kartu Meja 1', uri: `ipp://127.0.0.1:${shop.printerPort}/ipp/print`, offset_x_mm: 0, offset_y_mm: 0, active: true,
  }, token);
  await apiCall(shop.baseUrl, 'printing.station_save', {
    encoder_command: encoderScript, encoder_args: ['NONE', path.join(shop.printerDir, 'encoder.log')], encoder_timeout_secs: 30,
  }, token);
  return printer.id;
}

/** Prints a record's card on a blank by API and confirms it (Sesuai): the finished job. */
export async function printCard(baseUrl, token, { recordingId, serial, printerId }) {
  let job = await apiCall(baseUrl, 'printing.start', { recording_id: recordingId, serial, printer_id: printerId }, token);
  await until(
    `the card on ${serial} waits for the check`,
    async () => {
      job = await apiCall(baseUrl, 'printing.job', { job_id: job.id }, token);
      if (job.state === 'spoiled' || job.state === 'cancelled') throw new Error(`the print job on ${serial} ended ${job.state}: ${job.message}`);
      return job.state === 'checking';
    },
    60_000,
  );
  return apiCall(baseUrl, 'printing.confirm', { job_id: job.id }, token);
}
