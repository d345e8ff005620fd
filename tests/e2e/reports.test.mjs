// End-to-end: the supervisor's dashboard and the report screen (Laporan), in headless Chromium against
// the real hub binary (no central server needed).
//
// `loket init`, then through the API: every service open all week (the test may run on a weekend) and a
// supervisor with a changed password. In the UI: the supervisor's home shows today's dashboard; tickets
// issued through the API the way the kiosk does (`queue.issue`) raise "Menunggu sekarang" and the
// per-service count without a reload, and the arrivals chart gets its bars. Then Laporan: the hub's
// today chosen (as reports.index gives it), today's daily report downloaded as PDF (pdftotext: "LAPORAN HARIAN" and the ticket count; page 1 rendered by
// pdftoppm), Excel (a zip: "PK") and the queue section as CSV (UTF-8 BOM, `;`); a future day is refused
// next to the day field; a period offers the comparison and per-day sections only over two days or
// more, and one starting before the office existed is refused next to "Dari tanggal" (the hub's field
// error). After "Tutup hari" today is one of the kept days, one click away.
//
//   make build && (cd tests/e2e && node --test reports.test.mjs)
//
// Screenshots: docs/screenshots/{supervisor-dashboard,reports-screen,report-daily-page1}.png and
// tests/e2e/out/reports-*.png.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { apiCall, createStaff, initOffice, launchChromium, loginApi, loginPage, openEveryDay, openPage, paths, startHub, stepRunner, stopHub, waitText } from './hub.mjs';

const { root, bin, uiDir, outDir } = paths;
const docsDir = path.join(root, 'docs', 'screenshots');

const ADMIN = { username: 'admin', fullName: 'Budi Santoso', password: 'Rahasia-Admin-2026' };
const SUPERVISOR = { username: 'spv', fullName: 'Maria Ulfa', roles: ['supervisor'], initial: 'Awal-Spv-333333', password: 'Baru-Spv-333333' };

let hub;
let hubOutput = '';
let dataDir;
let browser;
let baseUrl;
let spvToken;
let today;
let page;
const pages = {};
const pageErrors = [];

const outFile = (name) => path.join(outDir, `reports-${name}`);
const shot = (p, name) => p.screenshot({ path: outFile(`${name}.png`) });
const docShot = (p, name) => p.screenshot({ path: path.join(docsDir, `${name}.png`) });
const run = stepRunner(async (tag) => {
  for (const [k, p] of Object.entries(pages)) await shot(p, `FAILED-${tag}-${k}`).catch(() => {});
});
const step = run.step;
const tid = (p, id) => p.getByTestId(id);

/** Clicks a download button and saves what the browser downloads; its path and suggested name. */
async function download(testid, name) {
  const [dl] = await Promise.all([page.waitForEvent('download'), tid(page, testid).click()]);
  const file = outFile(name);
  await dl.saveAs(file);
  return { file, suggested: dl.suggestedFilename() };
}

const tool = (name) => {
  try {
    execFileSync('which', [name], { stdio: 'ignore' });
  } catch {
    assert.fail(`${name} is not installed (poppler-utils)`);
  }
};

before(async () => {
  assert.ok(existsSync(bin), `hub binary not found at ${bin}: run \`make build\` or set LOKET_BIN`);
  assert.ok(existsSync(path.join(uiDir, 'index.html')), `no built UI at ${uiDir}: run \`npm run build\` in ui/`);
  for (const t of ['pdftotext', 'pdftoppm']) tool(t);
  mkdirSync(outDir, { recursive: true });
  mkdirSync(docsDir, { recursive: true });
  dataDir = mkdtempSync(path.join(tmpdir(), 'loket-e2e-reports-'));
  initOffice({ bin, cwd: root, dataDir, district: '61.01.09', officeName: 'Kantor Kecamatan Uji Laporan', admin: ADMIN.username, adminName: ADMIN.fullName, password: ADMIN.password });
  ({ child: hub, url: baseUrl } = await startHub({ bin, cwd: root, dataDir, uiDir, onOutput: (s) => (hubOutput += s) }));

  const admin = await loginApi(baseUrl, ADMIN.username, ADMIN.password);
  await openEveryDay(baseUrl, admin);
  await createStaff(baseUrl, admin, SUPERVISOR);
  spvToken = await loginApi(baseUrl, SUPERVISOR.username, SUPERVISOR.password);
  browser = await launchChromium(chromium);
});

after(async () => {
  await browser?.close().catch(() => {});
  await stopHub(hub);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  if (run.failed && hubOutput) console.error(`--- hub output ---\n${hubOutput}`);
  assert.deepEqual(pageErrors, [], 'no script errors on the pages');
});

test('reports: the supervisor’s live dashboard and the daily report in PDF, Excel and CSV', async (t) => {
  await step(t, 'the supervisor’s home shows today’s dashboard next to the notices', async () => {
    page = await openPage(browser, 'supervisor', pages, pageErrors, { acceptDownloads: true });
    await loginPage(page, baseUrl, SUPERVISOR);
    await tid(page, 'dashboard').waitFor();
    await tid(page, 'dash-waiting-value').waitFor();
    assert.equal((await tid(page, 'dash-waiting-value').innerText()).trim(), '0');
    assert.equal((await tid(page, 'dash-served-value').innerText()).trim(), '0 / 0');
    await tid(page, 'dash-arrivals-none').waitFor();
    assert.match(await tid(page, 'dash-updated').innerText(), /^diperbarui \d{2}\.\d{2} WIB$/);
    // No blank received yet: the stock warning is the first alert, in red.
    const alerts = tid(page, 'dash-alerts').locator('li');
    assert.match(await alerts.first().innerText(), /blangko/i);
    assert.equal(await alerts.first().getAttribute('data-tone'), 'red');
    assert.equal(await tid(page, 'dash-blanks').getAttribute('data-tone'), 'red');
    // The work tiles: Laporan is built now (no "Segera hadir" left).
    assert.equal(await tid(page, 'tile-reports').getAttribute('href'), '#/reports');
    assert.equal(await page.locator('.tile-soon').count(), 0);
    await shot(page, '01-home-empty');
  });

  await step(t, 'tickets issued as the kiosk does raise the waiting figure without a reload', async () => {
    await page.evaluate(() => (window.__e2eMarker = 'still-here'));
    const first = await apiCall(baseUrl, 'queue.issue', { service_prefix: 'A' });
    assert.equal(first.ticket.number, 'A-001');
    await waitText(page, 'dash-waiting-value', /^1$/, 5_000);
    for (const prefix of ['A', 'B']) await apiCall(baseUrl, 'queue.issue', { service_prefix: prefix });
    await waitText(page, 'dash-waiting-value', /^3$/, 5_000);
    await waitText(page, 'dash-service-A-waiting', /^2$/);
    await waitText(page, 'dash-service-B-waiting', /^1$/);
    await waitText(page, 'dash-served-value', /^0 \/ 3$/);
    await tid(page, 'dash-arrivals-chart').waitFor();
    const bars = await tid(page, 'dash-arrivals-chart').getAttribute('data-values');
    assert.equal(bars.split(',').map(Number).reduce((a, b) => a + b, 0), 3, `arrivals ${bars}`);
    const r = await page.evaluate(() => ({ marker: window.__e2eMarker, navigations: performance.getEntriesByType('navigation').length }));
    assert.deepEqual(r, { marker: 'still-here', navigations: 1 }, 'the home was reloaded');
    await page.evaluate(() => window.scrollTo(0, 0));
    await docShot(page, 'supervisor-dashboard');
  });

  await step(t, 'Laporan opens from the navigation with today chosen and the note about kept days', async () => {
    await tid(page, 'nav-reports').click();
    await tid(page, 'reports-page').waitFor();
    today = await tid(page, 'rep-day').inputValue();
    assert.match(today, /^\d{4}-\d{2}-\d{2}$/);
    // The hub's today (its clock, the office's zone), as reports.index gives it, not the browser's.
    const index = await apiCall(baseUrl, 'reports.index', {}, spvToken);
    assert.equal(today, index.today);
    assert.equal(await tid(page, 'rep-day').getAttribute('max'), today);
    assert.match(await tid(page, 'rep-covers').innerText(), /^Laporan untuk \w+, \d{1,2} \w+ \d{4}\.$/);
    assert.match(await tid(page, 'rep-kept-note').innerText(), /Tutup hari/);
    await tid(page, 'rep-kept-none').waitFor();
    await tid(page, 'rep-today').click();
    await shot(page, '02-reports-daily');
  });

  await step(t, 'today’s report downloads as PDF with the day’s tickets', async () => {
    const { file, suggested } = await download('rep-pdf', 'daily.pdf');
    assert.match(suggested, /\.pdf$/);
    assert.equal(readFileSync(file).subarray(0, 5).toString(), '%PDF-');
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    assert.match(text, /LAPORAN HARIAN/);
    assert.match(text, /Kantor Kecamatan Uji Laporan/);
    // The queue's total row: arrived 3, served 0.
    const total = text.split('\n').find((l) => /^\s*Jumlah\s+\d/.test(l));
    assert.ok(total, `no total row in:\n${text}`);
    assert.deepEqual(total.trim().split(/\s+/).slice(1, 3), ['3', '0'], total);
    execFileSync('pdftoppm', ['-r', '110', '-png', '-singlefile', '-f', '1', '-l', '1', file, path.join(docsDir, 'report-daily-page1')]);
  });

  await step(t, 'the same day as Excel and its queue section as CSV for Excel in Indonesian', async () => {
    const xlsx = await download('rep-xlsx', 'daily.xlsx');
    assert.match(xlsx.suggested, /\.xlsx$/);
    assert.equal(readFileSync(xlsx.file).subarray(0, 2).toString(), 'PK', 'an xlsx is a zip');

    assert.equal(await tid(page, 'rep-style-id').isChecked(), true, '; and comma by default');
    await tid(page, 'rep-section').selectOption('queue');
    const csv = await download('rep-csv', 'daily-queue.csv');
    assert.match(csv.suggested, /\.csv$/);
    const bytes = readFileSync(csv.file);
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM for Excel');
    const lines = bytes.subarray(3).toString('utf8').split(/\r?\n/);
    // The section's title, then its figures with `;`.
    assert.equal(lines[0], 'Antrean');
    assert.equal(lines[1], 'Tiket diambil;3');
    const totalRow = lines.find((l) => l.startsWith('Jumlah;'));
    assert.ok(totalRow, lines.join('\n'));
    assert.equal(totalRow.split(';')[1], '3', totalRow);

    // Excel in English: commas and decimal points.
    await tid(page, 'rep-style-en').check();
    const en = await download('rep-csv', 'daily-queue-en.csv');
    const enText = readFileSync(en.file).subarray(3).toString('utf8');
    assert.ok(enText.split(/\r?\n/).some((l) => l.startsWith('Jumlah,3,')), enText);
    await tid(page, 'rep-style-id').check();
  });

  await step(t, 'a future day is refused next to the day field, a period before the office next to its start', async () => {
    const [y, m, d] = today.split('-').map(Number);
    const tomorrow = new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
    await tid(page, 'rep-day').fill(tomorrow);
    await tid(page, 'rep-pdf').click();
    await waitText(page, 'rep-day-error', /belum terjadi/);
    assert.equal(await tid(page, 'rep-day').getAttribute('aria-invalid'), 'true');
    await shot(page, '03-reports-future-day');
    await tid(page, 'rep-today').click();
    assert.equal(await tid(page, 'rep-day-error').count(), 0, 'choosing another day clears the error');

    // A period: the presets fill the days; a start before the office existed is the hub's refusal.
    await tid(page, 'rep-mode-period').check();
    await tid(page, 'rep-preset-this_month').check();
    assert.equal(await tid(page, 'rep-from').inputValue(), `${today.slice(0, 7)}-01`);
    assert.equal(await tid(page, 'rep-to').inputValue(), today);
    await tid(page, 'rep-monthly').waitFor();
    // The sections the hub marks period-only come with a range of two days or more: a one-day
    // period is the daily report, which has no comparison or per-day part.
    const yesterday = new Date(Date.UTC(y, m - 1, d - 1)).toISOString().slice(0, 10);
    const offered = async (id) => tid(page, 'rep-section').locator(`option[value="${id}"]`).count();
    await tid(page, 'rep-from').fill(today);
    assert.equal(await offered('per_day'), 0, 'no per-day section for one day');
    assert.equal(await offered('comparison'), 0, 'no comparison for one day');
    await tid(page, 'rep-from').fill(yesterday);
    assert.equal(await offered('per_day'), 1, 'a range of two days offers the per-day section');
    assert.equal(await offered('comparison'), 1);
    // The office was set up today: a month back is before it.
    await tid(page, 'rep-from').fill(new Date(Date.UTC(y, m - 1, d - 30)).toISOString().slice(0, 10));
    assert.equal(await tid(page, 'rep-preset-custom').isChecked(), true);
    await tid(page, 'rep-xlsx').click();
    await waitText(page, 'rep-from-error', /mulai memakai Loket/);
    await shot(page, '04-reports-period-error');
    await tid(page, 'rep-mode-daily').check();
  });

  await step(t, 'after “Tutup hari” today is a kept day, one click away', async () => {
    await apiCall(baseUrl, 'queue.close_day', {}, spvToken);
    await tid(page, 'nav-home').click();
    await tid(page, 'dashboard').waitFor();
    await tid(page, 'nav-reports').click();
    await tid(page, `rep-kept-${today}`).waitFor();
    assert.match(await tid(page, `rep-kept-${today}`).innerText(), /ditutup .* oleh Maria Ulfa/);
    await tid(page, 'rep-yesterday').click();
    await tid(page, `rep-kept-${today}`).click();
    assert.equal(await tid(page, 'rep-day').inputValue(), today);
    assert.match(await tid(page, 'rep-covers').innerText(), /tersimpan/);
    await docShot(page, 'reports-screen');
  });
});
