// End-to-end: an applicant's day at the office, in headless Chromium against the real hub binary.
// A kiosk ticket is called at the counter → NIK → biodata → a lost-card application with the police
// letter missing → returned with a slip (PDF checked with pdftotext) → the applicant comes back, the
// same application resumes and completes → the recording desk takes a photo from a file (crop box
// moved by keyboard), a signature drawn with the mouse, ten fingers and two irises from the scanner
// folder (one finger too faint: an exception a supervisor approves at the desk) → finish → the
// receipt PDF downloaded, rendered with pdftoppm and read with pdftotext. The kiosk's status check
// follows the application from "returned" to "recorded".
//
//   (cd ui && npm run build) && cargo build -p loket && (cd tests/e2e && node --test intake.test.mjs)
//
// Screenshots and the rendered PDFs land in tests/e2e/out/intake-*.png (gitignored).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { apiCall, createStaff, launchChromium, initOffice, loginApi, startHub, stopHub, stepRunner, openPage, loginPage, paths } from './hub.mjs';

const { root, bin, uiDir, outDir } = paths;

const ADMIN = { username: 'admin', fullName: 'Budi Santoso', password: 'Rahasia-Admin-2026' };
const OFFICER = { username: 'petugas', fullName: 'Siti Rahmawati', roles: ['counter_officer'], initial: 'Awal-Petugas-111', password: 'Baru-Petugas-111' };
const OPERATOR = { username: 'operator', fullName: 'Yohanes Kurniawan', roles: ['recording_operator'], initial: 'Awal-Operator-22', password: 'Baru-Operator-22' };
const SUPERVISOR = { username: 'spv', fullName: 'Maria Ulfa', roles: ['supervisor'], initial: 'Awal-Spv-333333', password: 'Baru-Spv-333333' };

// A man born 17 May 1990 in the office's kecamatan (61.01.09): NIK digits 7–12 are 170590.
const APPLICANT = {
  nik: '6101091705900001',
  kk: '6101090101200001',
  name: 'BUDI HARTONO',
  birthDate: '1990-05-17', // even year: blue background
  village: '61.01.09.2002', // Sebunga
};

let hub;
let hubOutput = '';
let dataDir;
let workDir;
let browser;
let baseUrl;
let adminToken;
const pages = {};
const pageErrors = [];
const state = {};

async function shot(page, name, opts = {}) {
  await page.screenshot({ path: path.join(outDir, `intake-${name}.png`), ...opts });
}

const run = stepRunner(async (tag) => {
  for (const [k, p] of Object.entries(pages)) await shot(p, `FAILED-${tag}-${k}`).catch(() => {});
});
const step = run.step;

const newPage = (name) => openPage(browser, name, pages, pageErrors, { acceptDownloads: true });

const tid = (page, id) => page.getByTestId(id);

const login = (page, who) => loginPage(page, baseUrl, who);

/** Clicks a button that downloads a PDF and returns where it was saved. */
async function download(page, testid, name) {
  const [dl] = await Promise.all([page.waitForEvent('download'), tid(page, testid).click()]);
  assert.match(dl.suggestedFilename(), /\.pdf$/);
  const file = path.join(workDir, name);
  await dl.saveAs(file);
  return file;
}

const pdfText = (file) => execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
const pdfPages = (file) => Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))[1]);

/** Renders page 1 of a PDF to out/intake-<name>.png and returns its path. */
function renderPdf(file, name) {
  const prefix = path.join(outDir, `intake-${name}`);
  execFileSync('pdftoppm', ['-png', '-r', '110', '-singlefile', file, prefix]);
  const png = `${prefix}.png`;
  assert.ok(statSync(png).size > 5_000, `${png} looks empty`);
  return png;
}

/**
 * Test images drawn by the browser's canvas: a 1200×1200 portrait on a blue cloth (the applicant
 * was born in an even year), sine-ridge fingerprints and irises the scanner would write, and one
 * flat grey "finger" (nothing on the glass).
 */
async function makeImages(page) {
  const urls = await page.evaluate(() => {
    const canvas = (w, h) => {
      const c = document.createElement('canvas');
      c.width = w;
      c.height = h;
      return [c, c.getContext('2d')];
    };
    const [pc, p] = canvas(1200, 1200);
    p.fillStyle = 'rgb(30, 90, 200)';
    p.fillRect(0, 0, 1200, 1200);
    p.fillStyle = 'rgb(45, 45, 60)';
    p.beginPath();
    p.ellipse(600, 1260, 430, 360, 0, 0, Math.PI * 2);
    p.fill();
    p.fillStyle = 'rgb(205, 165, 135)';
    p.beginPath();
    p.ellipse(600, 500, 190, 250, 0, 0, Math.PI * 2);
    p.fill();
    p.fillStyle = 'rgb(40, 30, 25)';
    p.beginPath();
    p.ellipse(600, 330, 200, 110, 0, Math.PI, Math.PI * 2);
    p.fill();
    const photo = pc.toDataURL('image/jpeg', 0.92);

    const ridges = (w, h, flat) => {
      const [c, x] = canvas(w, h);
      const img = x.createImageData(w, h);
      for (let j = 0; j < h; j++) {
        for (let i = 0; i < w; i++) {
          const t = ((i * 0.6 + j * 0.35) * 2 * Math.PI) / 9;
          const v = flat ? 128 + ((i + j) % 3) : Math.round(127.5 + 127 * Math.sin(t));
          const k = (j * w + i) * 4;
          img.data[k] = img.data[k + 1] = img.data[k + 2] = v;
          img.data[k + 3] = 255;
        }
      }
      x.putImageData(img, 0, 0);
      return c.toDataURL('image/png');
    };
    return { photo, finger: ridges(320, 320, false), faint: ridges(320, 320, true), iris: ridges(400, 300, false) };
  });
  const write = (name, dataUrl) => {
    const file = path.join(workDir, name);
    writeFileSync(file, Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64'));
    return file;
  };
  return {
    photo: write('foto-pemohon.jpg', urls.photo),
    finger: write('finger.png', urls.finger),
    faint: write('faint.png', urls.faint),
    iris: write('iris.png', urls.iris),
  };
}

before(async () => {
  assert.ok(existsSync(bin), `hub binary not found at ${bin}: run \`cargo build -p loket\` or set LOKET_BIN`);
  assert.ok(existsSync(path.join(uiDir, 'index.html')), `no built UI at ${uiDir}: run \`npm run build\` in ui/`);
  for (const tool of ['pdftotext', 'pdftoppm', 'pdfinfo']) {
    assert.doesNotThrow(() => execFileSync(tool, ['-v'], { stdio: 'ignore' }), `${tool} (poppler-utils) is needed`);
  }
  mkdirSync(outDir, { recursive: true });
  dataDir = mkdtempSync(path.join(tmpdir(), 'loket-e2e-intake-'));
  workDir = mkdtempSync(path.join(tmpdir(), 'loket-e2e-intake-files-'));
  initOffice({
    bin,
    cwd: root,
    dataDir,
    district: '61.01.09',
    officeName: 'Kantor Kecamatan Sajingan Besar',
    admin: ADMIN.username,
    adminName: ADMIN.fullName,
    password: ADMIN.password,
  });
  ({ child: hub, url: baseUrl } = await startHub({ bin, cwd: root, dataDir, uiDir, onOutput: (s) => (hubOutput += s) }));

  // Setup through the API: every service open all week (the test may run on a weekend), three people.
  adminToken = await loginApi(baseUrl, ADMIN.username, ADMIN.password);
  const { items: services } = await apiCall(baseUrl, 'queue.service_list', {}, adminToken);
  for (const s of services) {
    const { id, prefix, name, kind, daily_quota, time_standard_minutes, active } = s;
    await apiCall(baseUrl, 'queue.service_save', { id, prefix, name, kind, daily_quota, time_standard_minutes, active_days: '1234567', active }, adminToken);
  }
  for (const p of [OFFICER, OPERATOR, SUPERVISOR]) {
    await createStaff(baseUrl, adminToken, p);
  }

  browser = await launchChromium(chromium);
});

after(async () => {
  await browser?.close().catch(() => {});
  await stopHub(hub);
  for (const d of [dataDir, workDir]) if (d) rmSync(d, { recursive: true, force: true });
  if (run.failed && hubOutput) console.error(`--- hub output ---\n${hubOutput}`);
});

test('intake, document check and KTP-el recording, from the kiosk ticket to the receipt', async (t) => {
  await step(t, 'the kiosk issues a ticket', async () => {
    const page = await newPage('kiosk');
    await page.goto(baseUrl + '/#/kiosk');
    await tid(page, 'kiosk-service-A').click();
    await tid(page, 'kiosk-ticket').waitFor();
    assert.equal((await tid(page, 'kiosk-ticket-number').innerText()).trim(), 'A-001');
    await tid(page, 'kiosk-done').click();
    await tid(page, 'kiosk-home').waitFor();
  });

  await step(t, 'the counter officer calls it and opens the intake from the ticket', async () => {
    const page = await newPage('officer');
    await login(page, OFFICER);
    await tid(page, 'tile-documents').waitFor();
    await tid(page, 'tile-queue').click();
    await tid(page, 'counter-sign-in-1').click();
    await tid(page, 'counter-signed-in').waitFor();
    await tid(page, 'counter-next').click();
    await tid(page, 'counter-current-number').getByText('A-001').waitFor();
    await shot(page, '00-counter-intake-button');
    await tid(page, 'counter-intake').click();
    await tid(page, 'intake-page').waitFor();
    assert.match(await tid(page, 'intake-ticket').innerText(), /A-001/);
    assert.match(page.url(), /#\/intake\?ticket=/);
    await tid(page, 'find-input').waitFor();
    await shot(page, '01-nik');
  });

  await step(t, 'a short NIK is refused next to the field; a good one is looked up', async () => {
    const page = pages.officer;
    await tid(page, 'nik-input').fill('61010917059');
    await tid(page, 'nik-submit').click();
    assert.match(await tid(page, 'nik-input-error').innerText(), /16 angka/);
    // A NIK whose kecamatan does not exist: the hub's message, next to the field.
    await tid(page, 'nik-input').fill('9999991705900001');
    await tid(page, 'nik-submit').click();
    await page.waitForFunction(() => !/16 angka/.test(document.querySelector('[data-testid="nik-input-error"]')?.textContent ?? '16 angka'));
    assert.match(await tid(page, 'nik-input-error').innerText(), /kecamatan|wilayah|kode/i);
    await tid(page, 'nik-input').fill(APPLICANT.nik);
    await tid(page, 'nik-submit').click();
    await tid(page, 'biodata-form').waitFor();
    assert.match(await tid(page, 'nik-info').innerText(), /Sajingan Besar · Laki-laki · lahir 17 Mei 1990/);
    await tid(page, 'nik-new').waitFor();
    // What the NIK says is filled in: sex and birth date; the NIK itself cannot be edited here.
    assert.equal(await tid(page, 'bio-sex-L').isChecked(), true);
    assert.equal(await tid(page, 'bio-birth-date').inputValue(), '17-05-1990');
    assert.equal(await tid(page, 'bio-nik').inputValue(), APPLICANT.nik);
    assert.equal(await tid(page, 'bio-nik').getAttribute('readonly'), '');
  });

  await step(t, 'the biodata form names empty and bad fields, keeps what was typed, and saves once on a double click', async () => {
    const page = pages.officer;
    await tid(page, 'bio-save').click();
    await tid(page, 'bio-error').waitFor();
    assert.match(await tid(page, 'bio-kk-error').innerText(), /Wajib diisi/);
    assert.match(await tid(page, 'bio-region-village-error').innerText(), /Wajib diisi/);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'kk_number');

    // The address starts at the office's own kecamatan.
    await page.waitForFunction(() => document.querySelector('[data-testid="bio-region-district"]')?.value === '61.01.09');
    assert.equal(await tid(page, 'bio-region-province').inputValue(), '61');

    await tid(page, 'bio-kk').fill(APPLICANT.kk);
    await tid(page, 'bio-full-name').fill('Budi Hartono');
    await tid(page, 'bio-birth-place').fill('Sambas');
    await tid(page, 'bio-blood-type').selectOption('O');
    await tid(page, 'bio-religion').selectOption('ISLAM');
    await tid(page, 'bio-marital').selectOption('KAWIN');
    await tid(page, 'bio-occupation').selectOption('PETANI/PEKEBUN');
    await tid(page, 'bio-education').selectOption('SLTA/SEDERAJAT');
    assert.equal(await tid(page, 'bio-citizenship').inputValue(), 'WNI');
    await tid(page, 'bio-address').fill('Jl. Perbatasan No. 7');
    await tid(page, 'bio-rt').fill('3');
    await tid(page, 'bio-rw').fill('1a'); // the field keeps digits only
    assert.equal(await tid(page, 'bio-rw').inputValue(), '1');
    await tid(page, 'bio-region-village-filter').fill('sebu');
    await tid(page, 'bio-region-village-filter').press('Enter');
    assert.equal(await tid(page, 'bio-region-village').inputValue(), APPLICANT.village);
    await tid(page, 'bio-postal').fill('79466');
    await tid(page, 'bio-mobile').fill('0812-3456-7890');
    // A corrected field loses its old message.
    assert.equal(await tid(page, 'bio-kk-error').count(), 0);
    // An impossible date is caught before the hub is asked; dates are typed day-month-year.
    await tid(page, 'bio-birth-date').fill('31021990');
    assert.equal(await tid(page, 'bio-birth-date').inputValue(), '31-02-1990');
    await tid(page, 'bio-save').click();
    assert.match(await tid(page, 'bio-birth-date-error').innerText(), /Tanggal tidak sah/);
    await tid(page, 'bio-birth-date').fill('17051990');
    assert.equal(await tid(page, 'bio-birth-date').inputValue(), '17-05-1990');
    await tid(page, 'bio-email').fill('budi@');
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, '02-biodata');
    await shot(page, '02-biodata-full', { fullPage: true });

    // The hub refuses the e-mail address: the message is under that field and nothing is lost.
    await tid(page, 'bio-save').click();
    await tid(page, 'bio-email-error').waitFor();
    assert.match(await tid(page, 'bio-email-error').innerText(), /email tidak sah/i);
    assert.equal(await tid(page, 'bio-full-name').inputValue(), 'Budi Hartono');
    assert.equal(await tid(page, 'bio-region-village').inputValue(), APPLICANT.village);
    assert.equal(await tid(page, 'bio-kk').inputValue(), APPLICANT.kk);

    await tid(page, 'bio-email').fill('budi@example.id');
    await tid(page, 'bio-save').dblclick();
    await tid(page, 'bio-saved').waitFor();
    assert.match(await tid(page, 'bio-saved').innerText(), /BUDI HARTONO/);
    const audit = await apiCall(baseUrl, 'audit.list', { limit: 200 }, adminToken);
    const saves = audit.items.filter((e) => e.subject === APPLICANT.nik && e.action.startsWith('applicant_'));
    assert.deepEqual(saves.map((e) => e.action), ['applicant_created'], 'a double click saved twice');
    const looked = await apiCall(baseUrl, 'intake.lookup', { nik: APPLICANT.nik }, await loginApi(baseUrl, OFFICER.username, OFFICER.password));
    assert.equal(looked.applicant.biodata.full_name, APPLICANT.name);
    assert.equal(looked.applicant.biodata.rw, '001');
    assert.equal(looked.applicant.biodata.mobile, '081234567890');
    assert.equal(looked.applicant.biodata.village_code, APPLICANT.village);
  });

  await step(t, 'a lost-card application is opened for the ticket', async () => {
    const page = pages.officer;
    await tid(page, 'kind-lost').check();
    await shot(page, '03-kind');
    await tid(page, 'kind-open').click();
    await tid(page, 'checklist').waitFor();
    state.number = (await tid(page, 'application-number').innerText()).trim();
    assert.match(state.number, /^PMH-\d{8}-0001$/);
    assert.match(await tid(page, 'application-status').innerText(), /Pemeriksaan dokumen/);
    assert.match(await tid(page, 'application-card').innerText(), /Tiket A-001/);
    await tid(page, 'check-kk').waitFor();
    await tid(page, 'check-police_letter').waitFor();
    assert.equal(await tid(page, 'checklist-complete').isDisabled(), true);
  });

  await step(t, 'the KK is present with a scan, the police letter missing: the file is returned with a slip', async () => {
    const page = pages.officer;
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
    await tid(page, 'check-kk-scan').setInputFiles({ name: 'kk.pdf', mimeType: 'application/pdf', buffer: pdf });
    await tid(page, 'check-kk-scan-type').getByText('PDF tersimpan').waitFor();
    assert.equal(await tid(page, 'check-kk-present').getAttribute('aria-checked'), 'true');

    // "Not valid" needs a reason: the hub says so under that requirement.
    await tid(page, 'check-police_letter-invalid').click();
    assert.match(await tid(page, 'check-police_letter-error').innerText(), /mengapa dokumen tidak sah/);
    await tid(page, 'check-police_letter-missing').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="check-police_letter-missing"]')?.getAttribute('aria-checked') === 'true');
    await tid(page, 'check-police_letter-note').fill('Belum dibuat di Polsek');
    await tid(page, 'check-police_letter-note').press('Enter');
    await page.waitForFunction(() => !document.querySelector('.check-item .muted.small'));
    assert.match(await tid(page, 'checklist-summary').innerText(), /1 dokumen kurang/);

    await tid(page, 'checklist-return').click();
    await tid(page, 'return-slip').waitFor();
    assert.match(await tid(page, 'application-status').innerText(), /Dikembalikan/);
    assert.match(await tid(page, 'timeline').innerText(), /Kurang: Surat keterangan kehilangan dari kepolisian/);
    await shot(page, '04-checklist-returned');

    const a5 = await download(page, 'slip-save', 'slip-a5.pdf');
    assert.equal(pdfPages(a5), 1);
    const text = pdfText(a5);
    assert.match(text, /Surat keterangan kehilangan dari kepolisian/);
    assert.match(text, /Belum dibuat di Polsek/);
    assert.match(text, new RegExp(state.number));
    assert.match(text, /BUDI HARTONO/);
    assert.doesNotMatch(text, /Fotokopi Kartu Keluarga/, 'the slip lists a document that was present');
    renderPdf(a5, '05-slip-a5');

    await tid(page, 'slip-paper-80').check();
    const roll = await download(page, 'slip-save', 'slip-80.pdf');
    assert.match(pdfText(roll), /Surat keterangan kehilangan/);
    const width = Number(/Page size:\s+([\d.]+)/.exec(execFileSync('pdfinfo', [roll], { encoding: 'utf8' }))[1]);
    assert.ok(width > 200 && width < 240, `80 mm roll is ${width} pt wide`);
    renderPdf(roll, '05-slip-80');

    // "Open & print" opens the PDF in a new tab with the browser's viewer.
    const [popup] = await Promise.all([page.context().waitForEvent('page'), tid(page, 'slip-open').click()]);
    await popup.waitForURL(/^blob:/);
    await popup.close();
  });

  await step(t, 'the kiosk shows the returned application by the number on the slip', async () => {
    const page = pages.kiosk;
    await tid(page, 'kiosk-status-open').click();
    await tid(page, 'kiosk-status').waitFor();
    // A QR scanner types like a keyboard into the focused field and ends with Enter.
    await page.keyboard.type(state.number.toLowerCase());
    await page.keyboard.press('Enter');
    await tid(page, 'kiosk-status-result').waitFor();
    assert.match(await tid(page, 'kiosk-status-label').innerText(), /Berkas belum lengkap/);
    assert.match(await tid(page, 'kiosk-status-result').innerText(), new RegExp(state.number));
    assert.doesNotMatch(await tid(page, 'kiosk-status-result').innerText(), /BUDI|6101091705900001/, 'the kiosk shows personal data');
    await shot(page, '06-kiosk-status-returned');
    await tid(page, 'kiosk-status-again').click();
    await tid(page, 'kiosk-status-input').fill('PMH-20000101-0009');
    await tid(page, 'kiosk-status-submit').click();
    assert.match(await tid(page, 'kiosk-status-error').innerText(), /tidak ditemukan/);
    await tid(page, 'kiosk-status-back').click();
    await tid(page, 'kiosk-home').waitFor();
  });

  await step(t, 'the applicant comes back: the application is found by its number and completes', async () => {
    const page = pages.officer;
    await tid(page, 'intake-new').click();
    await tid(page, 'nik-input').waitFor();
    await tid(page, 'find-input').fill(state.number);
    await tid(page, 'find-submit').click();
    await tid(page, `find-${state.number}`).waitFor();
    assert.match(await tid(page, `find-${state.number}`).innerText(), /Dikembalikan/);
    await tid(page, `find-${state.number}-open`).click();
    await tid(page, 'checklist-returned').waitFor();
    // What was checked before is still there.
    assert.equal(await tid(page, 'check-kk-present').getAttribute('aria-checked'), 'true');
    await tid(page, 'check-kk-scan-type').waitFor();
    assert.equal(await tid(page, 'check-police_letter-note').inputValue(), 'Belum dibuat di Polsek');
    await tid(page, 'check-police_letter-present').click();
    await page.waitForFunction(() => !document.querySelector('[data-testid="checklist-complete"]')?.disabled);
    await tid(page, 'checklist-complete').click();
    await tid(page, 'intake-complete').waitFor();
    assert.match(await tid(page, 'application-status').innerText(), /Siap direkam/);
    assert.equal(await tid(page, 'checklist-summary').count(), 0, 'a completed checklist can still be changed');
    await shot(page, '07-complete');

    // Back at the counter, the ticket is finished.
    await tid(page, 'intake-back-counter').click();
    await tid(page, 'counter-current-number').getByText('A-001').waitFor();
    await tid(page, 'counter-finish').click();
    await tid(page, 'counter-no-current').waitFor();
  });

  await step(t, 'the recording desk lists the application and starts recording it', async () => {
    const page = await newPage('operator');
    await login(page, OPERATOR);
    await tid(page, 'tile-recording').click();
    await tid(page, `rec-row-${state.number}`).waitFor();
    assert.match(await tid(page, `rec-row-${state.number}`).innerText(), /BUDI HARTONO/);
    await shot(page, '08-recording-list');
    await tid(page, `rec-start-${state.number}`).click();
    await tid(page, 'rec-applicant').getByText(APPLICANT.name).waitFor();
    await tid(page, 'photo-empty').waitFor();
    state.images = await makeImages(page);
  });

  await step(t, 'no camera here: a clear message; the photo comes from a file, the crop box moved by keyboard', async () => {
    const page = pages.operator;
    await tid(page, 'photo-camera').click();
    await tid(page, 'camera-problem').waitFor();
    assert.match(await tid(page, 'camera-problem').innerText(), /kamera/i);
    // The applicant was born in 1990: the operator is told to hang the blue cloth.
    assert.match(await tid(page, 'photo-background').innerText(), /BIRU/);
    await shot(page, '09-camera-problem');

    await tid(page, 'photo-file').setInputFiles(state.images.photo);
    const box = tid(page, 'crop-box');
    await box.waitFor();
    assert.equal(await box.getAttribute('data-crop'), '150,0,900,1200');
    await box.focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowLeft');
    assert.equal(await box.getAttribute('data-crop'), '114,0,900,1200');
    await page.keyboard.press('-');
    const [x, y, w, h] = (await box.getAttribute('data-crop')).split(',').map(Number);
    assert.equal(w, 857);
    assert.equal(h, 1143);
    assert.ok(x > 114 && y > 0, `the box shrank around its centre: ${x},${y}`);
    // A drag with the mouse moves it too.
    const bb = await box.boundingBox();
    await page.mouse.move(bb.x + bb.width / 2, bb.y + bb.height / 2);
    await page.mouse.down();
    await page.mouse.move(bb.x + bb.width / 2 + 6, bb.y + bb.height / 2, { steps: 3 });
    await page.mouse.up();
    assert.ok(Number((await box.getAttribute('data-crop')).split(',')[0]) > x, 'dragging did not move the box');
    await shot(page, '09-photo-crop-box');

    await tid(page, 'photo-save').click();
    await tid(page, 'photo-normalised').waitFor();
    await tid(page, 'photo-checks-ok').waitFor();
    const natural = await tid(page, 'photo-normalised').evaluate((img) => [img.naturalWidth, img.naturalHeight]);
    assert.deepEqual(natural, [300, 400]);
    assert.equal(await tid(page, 'rec-tab-photo').evaluate((el) => el.classList.contains('done')), true);
    await shot(page, '10-photo-saved');
    await tid(page, 'rec-next').click();
  });

  await step(t, 'the signature is drawn on the canvas with the mouse and saved', async () => {
    const page = pages.operator;
    assert.equal(await tid(page, 'rec-tab-signature').getAttribute('aria-selected'), 'true');
    const canvas = tid(page, 'signature-canvas');
    await canvas.waitFor();
    assert.equal(await tid(page, 'signature-save').isDisabled(), true);
    const bb = await canvas.boundingBox();
    const at = (fx, fy) => [bb.x + bb.width * fx, bb.y + bb.height * fy];
    await page.mouse.move(...at(0.12, 0.6));
    await page.mouse.down();
    for (let i = 1; i <= 40; i++) {
      const fx = 0.12 + (0.7 * i) / 40;
      await page.mouse.move(...at(fx, 0.55 - 0.25 * Math.sin(i / 3)));
    }
    await page.mouse.up();
    await page.mouse.move(...at(0.3, 0.8));
    await page.mouse.down();
    await page.mouse.move(...at(0.8, 0.78), { steps: 10 });
    await page.mouse.up();
    assert.equal(await canvas.getAttribute('data-strokes'), '2');
    await shot(page, '11-signature');
    await tid(page, 'signature-save').click();
    await tid(page, 'signature-normalised').waitFor();
    const [w, h] = await tid(page, 'signature-normalised').evaluate((img) => [img.naturalWidth, img.naturalHeight]);
    assert.ok(w > h && h > 10, `the cleaned signature is ${w}×${h}`);
    await shot(page, '11-signature-saved');
  });

  await step(t, 'biometrics: the scanner folder is shown, 10 fingers and 2 irises imported with their quality', async () => {
    const page = pages.operator;
    await tid(page, 'rec-tab-biometrics').click();
    const dir = (await tid(page, 'scanner-dir').innerText()).trim();
    assert.equal(dir, path.join(dataDir, 'scanner'));
    await tid(page, 'scanner-missing').waitFor();
    await tid(page, 'biometrics-import').click();
    assert.match(await tid(page, 'biometrics-error').innerText(), /Folder pemindai/);

    mkdirSync(dir, { recursive: true });
    const fingers = ['right_thumb', 'right_index', 'right_middle', 'right_ring', 'right_little', 'left_thumb', 'left_index', 'left_middle', 'left_ring'];
    const { copyFileSync } = await import('node:fs');
    for (const f of fingers) copyFileSync(state.images.finger, path.join(dir, `${f}.png`));
    copyFileSync(state.images.faint, path.join(dir, 'left_little.png'));
    copyFileSync(state.images.iris, path.join(dir, 'iris_right.png'));
    copyFileSync(state.images.iris, path.join(dir, 'IRIS_LEFT.PNG'));

    await tid(page, 'biometrics-import').click();
    await tid(page, 'biometrics-imported').waitFor();
    assert.match(await tid(page, 'biometrics-summary').innerText(), /11 dari 12 bagian selesai/);
    for (const f of [...fingers, 'iris_right', 'iris_left']) {
      assert.equal(await tid(page, `part-${f}`).getAttribute('data-status'), 'good', f);
    }
    assert.match(await tid(page, 'part-right_thumb-state').innerText(), /Baik · skor 100/);
    assert.equal(await tid(page, 'part-left_little').getAttribute('data-status'), 'low');
    assert.match(await tid(page, 'part-left_little-state').innerText(), /Mutu rendah/);
    // The next applicant must never get these prints: the folder was emptied.
    assert.deepEqual(readdirSync(dir), []);
  });

  await step(t, 'a finger that cannot be captured: an exception a supervisor approves at this desk', async () => {
    const page = pages.operator;
    await tid(page, 'part-left_little-exception').click();
    const dialog = tid(page, 'exception-dialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Jari diamputasi' }).click();
    assert.equal(await tid(page, 'exception-reason').inputValue(), 'Jari diamputasi');
    await tid(page, 'exception-submit').click();
    await dialog.getByText('Lampirkan foto').waitFor();
    await tid(page, 'exception-photo').setInputFiles(state.images.photo);
    await tid(page, 'exception-submit').click();
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await tid(page, 'part-left_little').getAttribute('data-status'), 'exception_pending');

    await tid(page, 'part-left_little-approve').click();
    await tid(page, 'approve-dialog').waitFor();
    // The operator cannot approve their own exception.
    await tid(page, 'approve-username').fill(OPERATOR.username);
    await tid(page, 'approve-password').fill(OPERATOR.password);
    await tid(page, 'approve-submit').click();
    assert.match(await tid(page, 'approve-error').innerText(), /bukan supervisor/);
    await tid(page, 'approve-username').fill(SUPERVISOR.username);
    await tid(page, 'approve-password').fill('salah-sekali');
    await tid(page, 'approve-submit').click();
    await page.waitForFunction(() => /salah/i.test(document.querySelector('[data-testid="approve-error"]')?.textContent ?? ''));
    await tid(page, 'approve-password').fill(SUPERVISOR.password);
    await shot(page, '12-approve');
    await tid(page, 'approve-submit').click();
    await tid(page, 'approve-dialog').waitFor({ state: 'detached' });
    assert.equal(await tid(page, 'part-left_little').getAttribute('data-status'), 'exception_approved');
    assert.match(await tid(page, 'biometrics-summary').innerText(), /12 dari 12 bagian selesai/);
    // The operator is still the one logged in at this desk.
    assert.match(await tid(page, 'header-user').innerText(), new RegExp(OPERATOR.fullName));
    const audit = await apiCall(baseUrl, 'audit.list', { limit: 200 }, adminToken);
    const approved = audit.items.find((e) => e.action === 'biometric_exception_approved');
    assert.equal(approved?.actor, SUPERVISOR.username);
    await shot(page, '13-biometrics');
  });

  await step(t, 'finish: the receipt number, and the receipt PDF with name, NIK and number', async () => {
    const page = pages.operator;
    await tid(page, 'rec-tab-finish').click();
    await tid(page, 'finish-ready').waitFor();
    await tid(page, 'rec-finish').dblclick();
    await tid(page, 'receipt-number').waitFor();
    state.receipt = (await tid(page, 'receipt-number').innerText()).trim();
    assert.match(state.receipt, /^BP-610109-\d{8}-0001$/);
    await shot(page, '14-receipt');

    const a5 = await download(page, 'receipt-save', 'receipt-a5.pdf');
    assert.equal(pdfPages(a5), 1);
    const text = pdfText(a5);
    for (const want of [APPLICANT.name, APPLICANT.nik, state.receipt, 'SEBUNGA', OPERATOR.fullName]) {
      assert.ok(text.includes(want), `the receipt lacks ${want}:\n${text}`);
    }
    assert.match(text, /(WIB|WITA|WIT)/);
    renderPdf(a5, '15-receipt-a5');
    await tid(page, 'receipt-paper-80').check();
    const roll = await download(page, 'receipt-save', 'receipt-80.pdf');
    const rollText = pdfText(roll);
    assert.ok(rollText.includes(state.receipt) && rollText.includes(APPLICANT.nik), rollText);
    renderPdf(roll, '15-receipt-80');

    // One recording, one receipt: the double click did not finish twice.
    const audit = await apiCall(baseUrl, 'audit.list', { limit: 300 }, adminToken);
    assert.equal(audit.items.filter((e) => e.action === 'recording_finished').length, 1);
    await tid(page, 'rec-back').click();
    await tid(page, 'rec-empty').waitFor();
  });

  await step(t, 'the kiosk shows the application as recorded, by the receipt number', async () => {
    const page = pages.kiosk;
    await tid(page, 'kiosk-status-open').click();
    await tid(page, 'kiosk-status-key-BP').click();
    await tid(page, 'kiosk-status-input').press('End');
    await page.keyboard.type(state.receipt.slice(3));
    assert.equal(await tid(page, 'kiosk-status-input').inputValue(), state.receipt);
    await shot(page, '16-kiosk-status-keypad');
    await tid(page, 'kiosk-status-submit').click();
    await tid(page, 'kiosk-status-result').waitFor();
    assert.match(await tid(page, 'kiosk-status-label').innerText(), /Sudah direkam/);
    assert.match(await tid(page, 'kiosk-status-result').innerText(), new RegExp(state.number));
    await shot(page, '16-kiosk-status-recorded');
  });

  await step(t, 'a supervisor edits the document requirements', async () => {
    const page = await newPage('supervisor');
    await login(page, SUPERVISOR);
    await tid(page, 'tile-requirements').click();
    await tid(page, 'req-row-lost-police_letter').waitFor();
    await tid(page, 'req-add').click();
    await tid(page, 'req-kind').selectOption('new');
    await tid(page, 'req-name').fill('Surat pengantar RT/RW');
    await tid(page, 'req-code').fill('Pengantar RT');
    await tid(page, 'req-save').click();
    assert.match(await tid(page, 'req-code-error').innerText(), /huruf kecil/);
    await tid(page, 'req-code').fill('pengantar_rt');
    await tid(page, 'req-save').click();
    await tid(page, 'req-row-new-pengantar_rt').waitFor();
    await tid(page, 'req-edit-damaged-damaged_card').click();
    await tid(page, 'req-active').uncheck();
    await tid(page, 'req-save').click();
    await tid(page, 'req-dialog').waitFor({ state: 'detached' });
    assert.match(await tid(page, 'req-row-damaged-damaged_card').innerText(), /Tidak aktif/);
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, '17-requirements');
  });

  await step(t, 'no script failed on any page', async () => {
    assert.deepEqual(pageErrors, []);
  });
});
