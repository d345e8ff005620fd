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
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { apiCall, launchChromium, loginApi, loginPage, openPage, paths, stepRunner, until, waitText } from './hub.mjs';
import { encoderScript, printShop, readyToPrint } from './printshop.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const outDir = paths.outDir;
const docsDir = path.join(root, 'docs', 'screenshots');

const SUPERVISOR = { username: 'spv', fullName: 'Maria Ulfa', roles: ['supervisor'], initial: 'Awal-Spv-333333', password: 'Baru-Spv-333333' };
const OPERATOR = { username: 'cetak', fullName: 'Dedi Kurniawan', roles: ['print_operator'], initial: 'Awal-Cetak-4444', password: 'Baru-Cetak-4444' };
/** The encoder script fails the chip of this blank. */
const FAIL_SERIAL = 'KTP-0002';

const shop = printShop('print');
let printerDir;
let printerPort;
let browser;
let baseUrl;
let operatorToken;
/** The two records ready to print (from printing.queue), oldest first. */
let ready = [];
const pages = {};
const pageErrors = [];
const spooled = () => shop.spooled();

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

before(async () => {
  mkdirSync(docsDir, { recursive: true });
  await shop.open({ recordings: 2, staff: [SUPERVISOR, OPERATOR] });
  ({ baseUrl, printerDir, printerPort } = shop);
  operatorToken = await loginApi(baseUrl, OPERATOR.username, OPERATOR.password);
  browser = await launchChromium(chromium);
});

after(async () => {
  await browser?.close().catch(() => {});
  await shop.close(run.failed);
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
    ready = await readyToPrint(baseUrl, operatorToken, 2);
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
