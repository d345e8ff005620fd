// End-to-end: handing printed KTP-el cards over and Suket letters while blanks run out, in headless
// Chromium against the real hub, a real central server and a real IPP card printer (the print
// shop of printshop.mjs, as printing.test.mjs uses it).
//
// Two recordings become print-ready; the office receives one blank and prints the first card on
// it (by API; printing.test.mjs covers the print station). Then in the browser: a pickup ticket at
// the counter opens Pengambilan KTP-el; the officer scans the receipt, compares the photo and hands
// the card to a representative with a scanned surat kuasa and a signature drawn on the pad; the
// pickup receipt PDF carries the names, the NIK and the serial, and its QR the receipt number; the
// kiosk says the card was collected. With no blank left the supervisor switches the Suket policy
// on, the officer issues a letter for the second applicant, its QR (read from the rendered PDF)
// checks valid at the kiosk's Periksa Suket; blanks arrive, the second card is printed and handed
// over, and the same QR then checks superseded.
//
//   make build && (cd tests/e2e && node --test handover.test.mjs)
//
// Screenshots: docs/screenshots/{handover-*,suket-*,kiosk-suket}.png and tests/e2e/out/handover-*.png.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { apiCall, launchChromium, loginApi, loginPage, openPage, paths, stepRunner, waitText } from './hub.mjs';
import { printCard, printShop, readyToPrint, receiveBlanks, setUpStation, tool } from './printshop.mjs';

const docsDir = path.join(paths.root, 'docs', 'screenshots');
const SUPERVISOR = { username: 'spv', fullName: 'Maria Ulfa', roles: ['supervisor'], initial: 'Awal-Spv-333333', password: 'Baru-Spv-333333' };
const OFFICER = { username: 'loket', fullName: 'Rina Wati', roles: ['counter_officer'], initial: 'Awal-Loket-5555', password: 'Baru-Loket-5555' };
const REP = { name: 'Siti Aminah', nik: '6101094101900001', relationship: 'istri' };
/** A scanned surat kuasa, as small as a PDF gets. */
const SURAT_KUASA = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

const shop = printShop('handover');
let browser;
let baseUrl;
let spvToken;
let printerId;
/** The two print-ready records, oldest first: A is handed to a representative, B gets a Suket first. */
let A;
let B;
/** The Suket letter's QR, read from its PDF. */
let suketQr;
const pages = {};
const pageErrors = [];

const outFile = (name) => path.join(paths.outDir, `handover-${name}`);
const shot = (page, name) => page.screenshot({ path: outFile(`${name}.png`) });
const docShot = (page, name) => page.screenshot({ path: path.join(docsDir, `${name}.png`) });
const run = stepRunner(async (tag) => {
  for (const [k, p] of Object.entries(pages)) await shot(p, `FAILED-${tag}-${k}`).catch(() => {});
});
const step = run.step;
const tid = (page, id) => page.getByTestId(id);

/** Saves the PDF a "Unduh PDF" button downloads; its path. */
async function download(page, testid, name) {
  const [dl] = await Promise.all([page.waitForEvent('download'), tid(page, testid).click()]);
  const file = outFile(name);
  await dl.saveAs(file);
  return file;
}

const pdfText = (file) => execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).split(/\s+/).join(' ');

/** The QR codes on a PDF's first page (rendered at 200 dpi, read by zbarimg). */
function pdfQr(file) {
  const png = file.replace(/\.pdf$/, '');
  execFileSync('pdftoppm', ['-r', '200', '-png', '-singlefile', '-f', '1', file, png]);
  return execFileSync('zbarimg', ['-q', '--raw', '-Sdisable', '-Sqrcode.enable', `${png}.png`], { encoding: 'utf8' }).trim().split('\n');
}

/** A signature drawn with the mouse on the pad, then kept. */
async function sign(page) {
  const canvas = tid(page, 'signature-canvas');
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  const at = (fx, fy) => [box.x + box.width * fx, box.y + box.height * fy];
  await page.mouse.move(...at(0.12, 0.6));
  await page.mouse.down();
  for (let i = 1; i <= 24; i++) await page.mouse.move(...at(0.12 + i * 0.03, 0.6 - Math.sin(i / 2.5) * 0.25), { steps: 2 });
  await page.mouse.up();
  await page.mouse.move(...at(0.5, 0.3));
  await page.mouse.down();
  await page.mouse.move(...at(0.55, 0.8), { steps: 6 });
  await page.mouse.up();
  assert.equal(await canvas.getAttribute('data-strokes'), '2');
  await tid(page, 'signature-save').click();
  await tid(page, 'ho-signed').waitFor();
}

/** Finds a record on a search box the way a scanner does: the receipt number, then Enter. */
async function scan(page, input, text) {
  await tid(page, input).click();
  await tid(page, input).fill('');
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

/** The kiosk's Periksa Suket, reached through `entry` (the status check's link or the start's button). */
async function kioskSuket(page, entry, qr) {
  await tid(page, entry).click();
  await tid(page, 'kiosk-suket').waitFor();
  // The scanner types into the focused field.
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'kiosk-suket-qr');
  await shot(page, `kiosk-suket-from-${entry}`);
  await page.keyboard.insertText(qr);
  await page.keyboard.press('Enter');
  await tid(page, 'kiosk-suket-result').waitFor();
}

before(async () => {
  for (const t of ['pdftoppm', 'zbarimg']) tool(t);
  mkdirSync(docsDir, { recursive: true });
  await shop.open({ recordings: 2, staff: [SUPERVISOR, OFFICER] });
  baseUrl = shop.baseUrl;
  spvToken = await loginApi(baseUrl, SUPERVISOR.username, SUPERVISOR.password);
  // Every service open all week (the test may run on a weekend).
  const { items: services } = await apiCall(baseUrl, 'queue.service_list', {}, shop.adminToken);
  for (const { id, prefix, name, kind, daily_quota, time_standard_minutes, active } of services) {
    await apiCall(baseUrl, 'queue.service_save', { id, prefix, name, kind, daily_quota, time_standard_minutes, active_days: '1234567', active }, shop.adminToken);
  }
  browser = await launchChromium(chromium);
});

after(async () => {
  await browser?.close().catch(() => {});
  await shop.close(run.failed);
});

test('card pickup and Suket: a representative collects a card, a letter while blanks run out, superseded by the card', async (t) => {
  await step(t, 'both recordings are print-ready; one blank is received and the first card printed on it', async () => {
    [A, B] = await readyToPrint(baseUrl, spvToken, 2);
    printerId = await setUpStation(shop, spvToken);
    await receiveBlanks(baseUrl, spvToken, { report: 'BA-021/DUKCAPIL/XI/2026', from: 'KTP-0001', to: 'KTP-0001' });
    const job = await printCard(baseUrl, spvToken, { recordingId: A.recording_id, serial: 'KTP-0001', printerId });
    assert.equal(job.state, 'done');
    const { counts } = await apiCall(baseUrl, 'stock.summary', {}, spvToken);
    assert.equal(Number(counts.in_stock), 0, 'no blank is left');
  });

  await step(t, 'a pickup ticket at the counter opens Pengambilan KTP-el with the ticket', async () => {
    const ticket = await apiCall(baseUrl, 'queue.issue', { service_prefix: 'C' });
    const page = await openPage(browser, 'officer', pages, pageErrors);
    await loginPage(page, baseUrl, OFFICER);
    await tid(page, 'tile-handover').waitFor();
    await tid(page, 'tile-suket').waitFor();
    await tid(page, 'nav-counter').click();
    await tid(page, 'counter-sign-in-3').click();
    await tid(page, 'counter-signed-in').waitFor();
    await tid(page, 'counter-next').click();
    await waitText(page, 'counter-current-number', new RegExp(ticket.ticket?.number ?? 'C-'));
    await tid(page, 'counter-handover').waitFor();
    assert.equal(await tid(page, 'counter-intake').count(), 0, 'a pickup ticket has no intake button');
    await tid(page, 'counter-handover').click();
    await tid(page, 'handover-page').waitFor();
    await waitText(page, 'ho-ticket', /Melayani tiket C-/);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'ho-search', 'the search has the focus for the scanner');
  });

  await step(t, 'the receipt scanned: the recorded photo, large, and the card ready to collect', async () => {
    const page = pages.officer;
    await page.keyboard.type(A.receipt_number);
    await page.keyboard.press('Enter');
    await waitText(page, 'ho-person-name', new RegExp(A.full_name));
    await waitText(page, 'ho-person-nik', new RegExp(A.nik));
    assert.equal(await tid(page, 'ho-person-card').getAttribute('data-status'), 'ready');
    await waitText(page, 'ho-person-card', /Siap diambil.*KTP-0001/);
    const photo = await tid(page, 'ho-person-photo').boundingBox();
    assert.ok(photo && photo.width >= 250 && photo.height >= 330, `the photo is large (${JSON.stringify(photo)})`);
    await docShot(page, 'handover-search');
    // Nothing chosen yet: the button says what is missing, under the fields.
    await tid(page, 'ho-submit').click();
    await waitText(page, 'ho-collector-error', /Pilih siapa yang mengambil/);
    await waitText(page, 'ho-sign-error', /harus menandatangani/);
    await shot(page, 'missing');
  });

  await step(t, 'a representative with a scanned surat kuasa signs on the pad; the card is handed over', async () => {
    const page = pages.officer;
    await tid(page, 'ho-collector-representative').check();
    await tid(page, 'ho-rep').waitFor();
    await tid(page, 'ho-rep-name').fill(REP.name);
    await tid(page, 'ho-rep-nik').fill(REP.nik);
    await tid(page, 'ho-rep-relationship').fill(REP.relationship);
    assert.equal(await tid(page, 'ho-rep-doc').inputValue(), 'surat_kuasa');
    // A wrong kind of file is refused next to the field.
    await tid(page, 'ho-rep-scan').setInputFiles({ name: 'kuasa.txt', mimeType: 'text/plain', buffer: Buffer.from('bukan pindaian') });
    await waitText(page, 'ho-rep-scan-error', /JPEG, PNG atau PDF/);
    await tid(page, 'ho-rep-scan').setInputFiles({ name: 'surat-kuasa.pdf', mimeType: 'application/pdf', buffer: SURAT_KUASA });
    await waitText(page, 'ho-rep-scan-ok', /surat-kuasa\.pdf/);
    await sign(page);
    await page.evaluate(() => window.scrollTo(0, 0));
    await docShot(page, 'handover-representative');
    await tid(page, 'ho-submit').click();
    await tid(page, 'ho-done').waitFor();
    await waitText(page, 'ho-done-line', new RegExp(`${A.full_name}.*KTP-0001.*${REP.name} \\(istri, NIK ${REP.nik}\\)`, 'is'));
    await docShot(page, 'handover-done');
  });

  await step(t, 'the pickup receipt (A5 and 80 mm) names both people, the NIK and the serial; its QR is the receipt number', async () => {
    const page = pages.officer;
    const a5 = await download(page, 'ho-receipt-save', 'receipt-a5.pdf');
    const text = pdfText(a5);
    for (const s of [A.full_name, A.nik, 'KTP-0001', REP.name, REP.nik]) assert.ok(text.toUpperCase().includes(s.toUpperCase()), `the A5 receipt has ${s}:\n${text}`);
    assert.deepEqual(pdfQr(a5), [A.receipt_number]);
    await tid(page, 'ho-receipt-paper-80').check();
    const roll = await download(page, 'ho-receipt-save', 'receipt-80.pdf');
    const rollText = pdfText(roll);
    for (const s of [A.nik, 'KTP-0001']) assert.ok(rollText.includes(s), `the 80 mm receipt has ${s}`);
    // The representative's scan is kept with the hand-over.
    const { items } = await apiCall(baseUrl, 'handover.lookup', { query: A.receipt_number }, spvToken);
    assert.equal(items[0].card.status, 'handed_over');
    const res = await fetch(`${baseUrl}/api/v1/files/handover.document?handover_id=${items[0].card.handover_id}`, { headers: { authorization: `Bearer ${spvToken}` } });
    assert.equal(res.status, 200);
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(SURAT_KUASA), 'the scan comes back as it was sent');
  });

  await step(t, 'the kiosk status check says the card was collected', async () => {
    const page = await openPage(browser, 'kiosk', pages, pageErrors);
    await page.goto(baseUrl + '/#/kiosk');
    await tid(page, 'kiosk-status-open').click();
    await tid(page, 'kiosk-status').waitFor();
    await page.keyboard.type(A.receipt_number);
    await page.keyboard.press('Enter');
    await waitText(page, 'kiosk-status-label', /KTP-el sudah diambil/);
    await shot(page, 'kiosk-status');
  });

  await step(t, 'with the policy off, Suket › Terbitkan says why the letter cannot be issued', async () => {
    const page = pages.officer;
    await tid(page, 'nav-suket').click();
    await tid(page, 'suket-page').waitFor();
    await waitText(page, 'suket-policy-chip', /MATI/);
    await scan(page, 'suket-search', B.receipt_number);
    await waitText(page, 'suket-person-name', new RegExp(B.full_name));
    assert.equal(await tid(page, 'suket-person-card').getAttribute('data-status'), 'not_printed');
    assert.equal(await tid(page, 'suket-issue').isDisabled(), true);
    await waitText(page, 'suket-issue-why', /dimatikan oleh supervisor/);
    await shot(page, 'suket-policy-off');
    // The officer reads the policy but cannot change it.
    await tid(page, 'suket-tab-policy').click();
    await tid(page, 'suket-policy-read').waitFor();
    assert.equal(await tid(page, 'suket-policy-form').count(), 0);
  });

  await step(t, 'the supervisor switches the Suket policy on, with the letterhead and the signer', async () => {
    const page = await openPage(browser, 'supervisor', pages, pageErrors);
    await loginPage(page, baseUrl, SUPERVISOR);
    await tid(page, 'nav-suket').click();
    await tid(page, 'suket-tab-policy').click();
    await tid(page, 'suket-policy-form').waitFor();
    await tid(page, 'suket-enabled').check({ force: true });
    await tid(page, 'suket-letterhead').fill('PEMERINTAH KABUPATEN SAMBAS\nDINAS KEPENDUDUKAN DAN PENCATATAN SIPIL');
    await tid(page, 'suket-signer-title').fill('Kepala Dinas Kependudukan dan Pencatatan Sipil');
    await tid(page, 'suket-signer-name').fill('Drs. H. Abdul Rahman');
    await tid(page, 'suket-policy-save').click();
    await tid(page, 'suket-policy-saved').waitFor();
    await waitText(page, 'suket-policy-chip', /AKTIF/);
    await docShot(page, 'suket-policy');
  });

  await step(t, 'the officer issues a Suket for the second applicant; the letter PDF carries a QR', async () => {
    const page = pages.officer;
    await tid(page, 'suket-tab-issue').click();
    await scan(page, 'suket-search', B.receipt_number);
    await waitText(page, 'suket-person-name', new RegExp(B.full_name));
    await page.waitForFunction(() => !document.querySelector('[data-testid="suket-issue"]')?.disabled);
    await tid(page, 'suket-issue').click();
    await waitText(page, 'suket-letter', /Suket SKT-\d+-\d{4}-00001 siap dicetak/);
    await waitText(page, 'suket-person-suket', /BERLAKU|berlaku/i);
    await docShot(page, 'suket-issue');
    const letter = await download(page, 'suket-letter-pdf-save', 'suket.pdf');
    const text = pdfText(letter);
    for (const s of [B.full_name, B.nik, 'SAMBAS']) assert.ok(text.toUpperCase().includes(s.toUpperCase()), `the letter has ${s}:\n${text}`);
    const qrs = pdfQr(letter);
    assert.equal(qrs.length, 1, `one QR on the letter: ${qrs}`);
    suketQr = qrs[0];
  });

  await step(t, 'Periksa QR on the staff screen: genuine and valid, with the recorded photo', async () => {
    const page = pages.officer;
    await tid(page, 'suket-tab-verify').click();
    await tid(page, 'suket-qr').fill(suketQr);
    await tid(page, 'suket-qr').press('Enter');
    await waitText(page, 'suket-check-word', /^BERLAKU$/);
    assert.equal(await tid(page, 'suket-check').getAttribute('data-state'), 'valid');
    await waitText(page, 'suket-check-nik', new RegExp(`^${B.nik}$`));
    await tid(page, 'suket-check-photo').waitFor();
    await docShot(page, 'suket-verify');
    // A changed QR is not genuine.
    await tid(page, 'suket-qr').fill(suketQr.slice(0, -3) + (suketQr.endsWith('AAA') ? 'BBB' : 'AAA'));
    await tid(page, 'suket-qr').press('Enter');
    await waitText(page, 'suket-check-word', /^TIDAK ASLI$/);
  });

  await step(t, 'the kiosk\'s Periksa Suket says valid in big words, the NIK masked and no photo', async () => {
    const page = pages.kiosk;
    // From the status check, where the kiosk still is.
    await kioskSuket(page, 'kiosk-status-suket', suketQr);
    await waitText(page, 'kiosk-suket-result-word', /^BERLAKU$/);
    await waitText(page, 'kiosk-suket-result-nik', /^\d{6}\*{6}\d{4}$/);
    assert.equal(await tid(page, 'kiosk-suket-result-photo').count(), 0);
    await docShot(page, 'kiosk-suket');
  });

  await step(t, 'the register counts the letter; the supervisor may withdraw it (asked with a reason)', async () => {
    const page = pages.supervisor;
    await tid(page, 'suket-tab-register').click();
    await waitText(page, 'suket-count-valid', /^1/);
    await waitText(page, 'suket-count-prints', /^1/);
    await tid(page, 'suket-register').waitFor();
    assert.equal(await tid(page, 'suket-register').locator('tbody tr').count(), 1);
    const number = (await tid(page, 'suket-register').locator('tbody tr td').first().innerText()).trim();
    await docShot(page, 'suket-register');
    await tid(page, `suket-withdraw-${number}`).click();
    await tid(page, 'suket-withdraw-dialog').waitFor();
    await tid(page, 'suket-withdraw-confirm').click();
    await waitText(page, 'suket-reason-error', /Alasan penarikan wajib/);
    await shot(page, 'suket-withdraw');
    await page.keyboard.press('Escape');
    await tid(page, 'suket-withdraw-dialog').waitFor({ state: 'detached' });
    // The officer has no withdraw button.
    const officer = pages.officer;
    await tid(officer, 'suket-tab-register').click();
    await tid(officer, `suket-row-${number}`).waitFor();
    assert.equal(await tid(officer, `suket-withdraw-${number}`).count(), 0);
  });

  await step(t, 'blanks arrive and the second card is printed: the supervisor\'s home counts one letter to exchange', async () => {
    await receiveBlanks(baseUrl, spvToken, { report: 'BA-022/DUKCAPIL/XII/2026', from: 'KTP-0002', to: 'KTP-0005' });
    const job = await printCard(baseUrl, spvToken, { recordingId: B.recording_id, serial: 'KTP-0002', printerId });
    assert.equal(job.state, 'done');
    const page = pages.supervisor;
    await tid(page, 'nav-home').click();
    await tid(page, 'home-uncollected').waitFor();
    await tid(page, 'home-expiring').waitFor();
    await waitText(page, 'home-exchange', /^1 pemegang Suket/);
    await waitText(page, 'home-uncollected', /30 hari atau lebih/);
    // The dashboard comes first on the supervisor's home: the pickup lists are below it.
    await tid(page, 'home-uncollected').evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await docShot(page, 'handover-supervisor-home');
    // The supervisor changes after how many days a card counts as uncollected.
    await tid(page, 'home-uncollected-days-edit').click();
    await tid(page, 'home-uncollected-days').fill('14');
    await tid(page, 'home-uncollected-days-save').click();
    await waitText(page, 'home-uncollected', /14 hari atau lebih/);
    assert.equal((await apiCall(baseUrl, 'handover.settings_get', {}, spvToken)).uncollected_days, 14);
  });

  await step(t, 'the second applicant collects the card in person; the Suket is superseded', async () => {
    const page = pages.officer;
    await tid(page, 'nav-handover').click();
    await tid(page, 'handover-page').waitFor();
    await scan(page, 'ho-search', B.receipt_number);
    await waitText(page, 'ho-person-name', new RegExp(B.full_name));
    await waitText(page, 'ho-person-suket', /BERLAKU|berlaku/i);
    await tid(page, 'ho-collector-applicant').check();
    await sign(page);
    await tid(page, 'ho-submit').click();
    await tid(page, 'ho-done').waitFor();
    await waitText(page, 'ho-done-line', /kepada pemohon sendiri/);
    await waitText(page, 'ho-done-suket', /tidak berlaku lagi/);
    await shot(page, 'done-applicant');
  });

  await step(t, 'the same QR at the kiosk now says superseded', async () => {
    const page = pages.kiosk;
    await tid(page, 'kiosk-suket-back').click();
    await kioskSuket(page, 'kiosk-suket-open', suketQr);
    await waitText(page, 'kiosk-suket-result-word', /^DIGANTIKAN KTP-el$/);
    assert.equal(await tid(page, 'kiosk-suket-result').getAttribute('data-state'), 'superseded');
    await shot(page, 'kiosk-suket-superseded');
  });

  await step(t, 'no script failed on any page', async () => {
    assert.deepEqual(pageErrors, []);
  });
});
