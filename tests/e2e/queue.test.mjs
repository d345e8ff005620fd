// End-to-end: the queue. A kiosk issues tickets, two counter officers call and serve them, and the
// waiting-room display shows and speaks each call, all live (no page reloads), in headless Chromium
// against the real hub binary.
//
//   (cd ui && npm run build) && cargo build -p loket && (cd tests/e2e && node --test queue.test.mjs)
//
// The office, the officers and the opening days are set up through the API; the scenario uses the UI.
// Screenshots land in tests/e2e/out/queue-*.png (gitignored).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { apiCall, createStaff, launchChromium, initOffice, loginApi, startHub, stopHub, stepRunner, paths, loginPage, openPage } from './hub.mjs';

const { root, bin, uiDir, outDir } = paths;

const ADMIN = { username: 'admin', fullName: 'Budi Santoso', password: 'Rahasia-Admin-2026' };
const OFFICERS = [
  { username: 'petugas1', fullName: 'Siti Rahmawati', initial: 'Awal-Petugas-111', password: 'Baru-Petugas-111', counter: 1 },
  { username: 'petugas2', fullName: 'Agus Wijaya', initial: 'Awal-Petugas-222', password: 'Baru-Petugas-222', counter: 2 },
];

/** The voice of `A-00n` called to counter `c` (numbers 1–9 only). */
const WORDS = ['', 'satu', 'dua', 'tiga', 'empat', 'lima', 'enam', 'tujuh', 'delapan', 'sembilan'];
const clipsFor = (number, counter) => {
  const [letter, digits] = number.split('-');
  return ['chime', 'nomor-antrian', `huruf-${letter.toLowerCase()}`, WORDS[Number(digits)], 'silakan-menuju', 'loket', WORDS[counter]];
};

let hub;
let hubOutput = '';
let dataDir;
let browser;
let baseUrl;
const pages = {};
const pageErrors = [];
let bookingCode = null;

async function shot(page, name) {
  await page.screenshot({ path: path.join(outDir, `queue-${name}.png`) });
}

const run = stepRunner(async (tag) => {
  for (const [k, p] of Object.entries(pages)) await shot(p, `FAILED-${tag}-${k}`).catch(() => {});
});
const step = run.step;

const newPage = (name, viewport) => openPage(browser, name, pages, pageErrors, { viewport });

const tid = (page, id) => page.getByTestId(id);

/** A marker that a reload would wipe out, plus the navigation count. */
async function markPage(page) {
  await page.evaluate(() => {
    window.__e2eMarker = 'still-here';
  });
}

async function assertNoReload(page, name) {
  const r = await page.evaluate(() => ({
    marker: window.__e2eMarker,
    navigations: performance.getEntriesByType('navigation').length,
  }));
  assert.deepEqual(r, { marker: 'still-here', navigations: 1 }, `${name} was reloaded`);
}

async function announcements() {
  return pages.display.evaluate(() => window.__loketAnnouncements);
}

/** Waits until the display has queued an announcement of `number` with `callCount`, and returns it. */
async function waitAnnounced(number, callCount = 1) {
  await pages.display.waitForFunction(
    ([n, c]) => (window.__loketAnnouncements ?? []).some((a) => a.number === n && a.call_count === c),
    [number, callCount],
    { timeout: 15_000 },
  );
  return (await announcements()).find((a) => a.number === number && a.call_count === callCount);
}

async function currentAt(counter) {
  const page = pages[`counter${counter}`];
  await tid(page, 'counter-current-number').waitFor();
  return (await tid(page, 'counter-current-number').innerText()).trim();
}

/** Presses "Panggil berikutnya" on a counter and returns the number it called. */
async function callNext(counter, { withKey = false } = {}) {
  const page = pages[`counter${counter}`];
  const button = tid(page, 'counter-next');
  await button.waitFor();
  await page.waitForFunction(() => !document.querySelector('[data-testid="counter-next"]')?.disabled);
  if (withKey) {
    await page.locator('body').click({ position: { x: 5, y: 300 } }); // focus nothing in particular
    await page.keyboard.press('b');
  } else {
    await button.click();
  }
  await tid(page, 'counter-current-number').waitFor();
  return currentAt(counter);
}

async function finish(counter) {
  const page = pages[`counter${counter}`];
  await tid(page, 'counter-finish').click();
  await tid(page, 'counter-no-current').waitFor();
}

before(async () => {
  assert.ok(existsSync(bin), `hub binary not found at ${bin}: run \`cargo build -p loket\` or set LOKET_BIN`);
  assert.ok(existsSync(path.join(uiDir, 'index.html')), `no built UI at ${uiDir}: run \`npm run build\` in ui/`);
  assert.ok(existsSync(path.join(uiDir, 'audio', 'chime.wav')), 'the UI build has no audio clips (ui/dist/audio)');
  mkdirSync(outDir, { recursive: true });
  dataDir = mkdtempSync(path.join(tmpdir(), 'loket-e2e-queue-'));
  initOffice({
    bin,
    cwd: root,
    dataDir,
    district: '61.01.09',
    officeName: 'Kantor Kecamatan Uji Antrian',
    admin: ADMIN.username,
    adminName: ADMIN.fullName,
    password: ADMIN.password,
  });
  ({ child: hub, url: baseUrl } = await startHub({ bin, cwd: root, dataDir, uiDir, onOutput: (s) => (hubOutput += s) }));

  // Setup through the API: open A and B every day (the test may run on a weekend), two officers.
  const admin = await loginApi(baseUrl, ADMIN.username, ADMIN.password);
  const { items: services } = await apiCall(baseUrl, 'queue.service_list', {}, admin);
  for (const s of services) {
    await apiCall(
      baseUrl,
      'queue.service_save',
      {
        id: s.id,
        prefix: s.prefix,
        name: s.name,
        kind: s.kind,
        daily_quota: s.daily_quota,
        time_standard_minutes: s.time_standard_minutes,
        active_days: '1234567',
        active: s.active,
      },
      admin,
    );
  }
  for (const o of OFFICERS) {
    await createStaff(baseUrl, admin, { ...o, roles: ['counter_officer'] });
  }

  browser = await launchChromium(chromium);
});

after(async () => {
  await browser?.close().catch(() => {});
  await stopHub(hub);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  if (run.failed && hubOutput) console.error(`--- hub output ---\n${hubOutput}`);
});

test('queue: kiosk tickets, two counters calling in order, the display speaking each call', async (t) => {
  await step(t, 'the display opens without login and asks for a click to turn the sound on', async () => {
    const page = await newPage('display', { width: 1920, height: 1080 });
    await page.goto(baseUrl + '/#/display');
    await tid(page, 'display').waitFor();
    await tid(page, 'display-no-call').waitFor();
    assert.match(await tid(page, 'display-office').innerText(), /Kantor Kecamatan Uji Antrian/);
    assert.match(await tid(page, 'display-clock').innerText(), /\d\d\.\d\d (WIB|WITA|WIT)/);
    await tid(page, 'display-running-text').waitFor();
    const overlay = tid(page, 'display-enable-sound');
    await overlay.waitFor();
    assert.match(await overlay.innerText(), /Klik untuk mengaktifkan suara/);
    await shot(page, '01-display-sound-overlay');
    await overlay.click();
    await overlay.waitFor({ state: 'detached' });
    assert.equal(await tid(page, 'display').getAttribute('data-sound'), 'on');
    await markPage(page);
    await shot(page, '02-display-empty');
  });

  await step(t, 'two officers log in and sign in to Loket 1 and Loket 2', async () => {
    for (const o of OFFICERS) {
      const page = await newPage(`counter${o.counter}`, { width: 1366, height: 768 });
      await loginPage(page, baseUrl, o);
      await tid(page, 'tile-queue').click();
      await tid(page, 'counter-page').waitFor();
      const choice = tid(page, `counter-choice-${o.counter}`);
      await choice.waitFor();
      if (o.counter === 2) {
        // Loket 1 is taken by the first officer: shown, and not selectable.
        assert.match(await tid(page, 'counter-choice-1').innerText(), /Dipakai oleh Siti Rahmawati/);
        assert.equal(await tid(page, 'counter-sign-in-1').isDisabled(), true);
        await shot(page, '03-counter-choose');
      }
      await tid(page, `counter-sign-in-${o.counter}`).click();
      await tid(page, 'counter-signed-in').waitFor();
      assert.match(await tid(page, 'counter-signed-in').innerText(), new RegExp(`Loket ${o.counter}`));
      await tid(page, 'counter-empty').waitFor();
      assert.match(await tid(page, 'counter-empty').innerText(), /Belum ada antrian/);
      assert.equal(await tid(page, 'counter-no-show').isDisabled(), true);
      await markPage(page);
    }
  });

  await step(t, 'the kiosk shows the services with quota and waiting counts', async () => {
    const page = await newPage('kiosk', { width: 1366, height: 768 });
    await page.goto(baseUrl + '/#/kiosk');
    await tid(page, 'kiosk-service-A').waitFor();
    assert.match(await tid(page, 'kiosk-office').innerText(), /Kantor Kecamatan Uji Antrian/);
    assert.match(await tid(page, 'kiosk-service-A').innerText(), /Sisa kuota 100/);
    assert.match(await tid(page, 'kiosk-service-A-waiting').innerText(), /^0 menunggu$/);
    await markPage(page);
    await shot(page, '04-kiosk-home');
  });

  await step(t, 'the kiosk issues four normal tickets and one for an elderly applicant', async () => {
    const page = pages.kiosk;
    for (let i = 1; i <= 5; i++) {
      if (i === 5) {
        await tid(page, 'kiosk-priority-elderly').click();
        assert.equal(await tid(page, 'kiosk-priority-elderly').getAttribute('aria-pressed'), 'true');
        await shot(page, '05-kiosk-priority-chosen');
      }
      await tid(page, 'kiosk-service-A').click();
      await tid(page, 'kiosk-ticket').waitFor();
      assert.equal((await tid(page, 'kiosk-ticket-number').innerText()).trim(), `A-00${i}`);
      const ahead = await tid(page, 'kiosk-ticket-ahead').innerText();
      assert.match(ahead, i === 1 ? /Tidak ada yang menunggu di depan Anda/ : new RegExp(`${i - 1} orang menunggu di depan Anda`));
      // No ticket printer is set up: the kiosk offers the ticket as a PDF.
      const pdf = tid(page, 'kiosk-pdf');
      await pdf.waitFor();
      if (i === 5) {
        assert.match(await tid(page, 'kiosk-ticket').innerText(), /Lansia/);
        assert.match(await tid(page, 'kiosk-ticket').innerText(), /(WIB|WITA|WIT)/);
        assert.match(await tid(page, 'kiosk-countdown').innerText(), /Kembali ke awal dalam \d+ detik/);
        await shot(page, '06-kiosk-ticket');
        const href = await pdf.getAttribute('href');
        const res = await fetch(baseUrl + href);
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('content-type'), 'application/pdf');
      }
      await tid(page, 'kiosk-done').click();
      await tid(page, 'kiosk-home').waitFor();
    }
    // The priority choice does not stick to the next applicant.
    assert.equal(await tid(page, 'kiosk-priority-elderly').getAttribute('aria-pressed'), 'false');
    await page.waitForFunction(() => document.querySelector('[data-testid="kiosk-service-A-waiting"]')?.textContent?.trim() === '5 menunggu');
    assert.match(await tid(page, 'kiosk-service-A-remaining').innerText(), /Sisa kuota 95/);
  });

  await step(t, 'the counters see the five tickets arrive live', async () => {
    for (const c of [1, 2]) {
      const page = pages[`counter${c}`];
      await tid(page, 'counter-line-A').waitFor();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="counter-line-A"] li').length === 5);
      assert.match(await tid(page, 'counter-waiting-A-005').innerText(), /Lansia/);
    }
    await tid(pages.display, 'display-waiting-A').getByText('5 orang').waitFor();
    await shot(pages.counter1, '07-counter-waiting');
  });

  await step(t, 'calls follow the rule: one priority after every two normal tickets', async () => {
    const order = [];
    order.push([await callNext(1), 1]);
    assert.deepEqual((await waitAnnounced('A-001')).clips, clipsFor('A-001', 1));
    assert.deepEqual(clipsFor('A-001', 1), ['chime', 'nomor-antrian', 'huruf-a', 'satu', 'silakan-menuju', 'loket', 'satu']);
    await tid(pages.display, 'display-current-number').getByText('A-001').waitFor();
    assert.match(await tid(pages.display, 'display-current-counter').innerText(), /LOKET 1/);
    await shot(pages.display, '08-display-call');

    order.push([await callNext(2, { withKey: true }), 2]); // A-002, by keyboard shortcut
    assert.deepEqual((await waitAnnounced('A-002')).clips, clipsFor('A-002', 2));
    await shot(pages.counter2, '09-counter-called');

    await finish(1);
    order.push([await callNext(1), 1]); // A-005 (lansia)
    await finish(2);
    order.push([await callNext(2), 2]);
    await finish(1);
    order.push([await callNext(1), 1]);

    assert.deepEqual(order.map(([n]) => n), ['A-001', 'A-002', 'A-005', 'A-003', 'A-004']);
    for (const [n, c] of order) assert.deepEqual((await waitAnnounced(n)).clips, clipsFor(n, c));
    await tid(pages.display, 'display-counter-1-ticket').getByText('A-004').waitFor();
    await tid(pages.display, 'display-counter-2-ticket').getByText('A-003').waitFor();
    await tid(pages.display, 'display-waiting-A').getByText('0 orang').waitFor();
  });

  await step(t, 'a recall is announced again; "Tidak hadir" only after three calls', async () => {
    const page = pages.counter2;
    assert.equal(await currentAt(2), 'A-003');
    assert.equal(await tid(page, 'counter-no-show').isDisabled(), true);
    await tid(page, 'counter-no-show-hint').waitFor();
    await tid(page, 'counter-recall').click();
    await tid(page, 'counter-current-calls').getByText('Panggilan ke-2').waitFor();
    const again = await waitAnnounced('A-003', 2);
    assert.deepEqual(again.clips, clipsFor('A-003', 2));
    assert.equal(await tid(page, 'counter-no-show').isDisabled(), true);
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('u'); // recall by keyboard
    await tid(page, 'counter-current-calls').getByText('Panggilan ke-3').waitFor();
    await waitAnnounced('A-003', 3);
    await page.waitForFunction(() => !document.querySelector('[data-testid="counter-no-show"]')?.disabled);
    await shot(page, '10-counter-no-show-ready');
    await tid(page, 'counter-no-show').click();
    await tid(page, 'counter-no-current').waitFor();
  });

  await step(t, 'a ticket transferred to service B keeps its place and appears in B’s line', async () => {
    const page = pages.counter1;
    assert.equal(await currentAt(1), 'A-004');
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('m'); // start serving
    await tid(page, 'counter-current-status').getByText('Sedang dilayani').waitFor();
    await tid(page, 'counter-transfer').click();
    const dialog = tid(page, 'counter-transfer-dialog');
    await dialog.waitFor();
    // Typing letters inside the dialog must not trigger counter shortcuts.
    await page.keyboard.press('b');
    await tid(page, 'counter-transfer-B').check();
    await shot(page, '11-counter-transfer');
    await tid(page, 'counter-transfer-submit').click();
    await dialog.waitFor({ state: 'detached' });
    await tid(page, 'counter-no-current').waitFor();
    assert.match(await tid(page, 'counter-notice').innerText(), /A-004 dialihkan ke layanan B/);
    for (const c of [1, 2]) {
      await tid(pages[`counter${c}`], 'counter-line-B').locator('[data-testid="counter-waiting-A-004"]').waitFor();
    }
    await tid(pages.display, 'display-waiting-B').getByText('1 orang').waitFor();
  });

  await step(t, 'the transferred ticket is called from B, parked and called back', async () => {
    assert.equal(await callNext(2), 'A-004');
    const page = pages.counter2;
    await tid(page, 'counter-park').click();
    await tid(page, 'counter-parked-A-004').waitFor();
    await tid(page, 'counter-no-current').waitFor();
    await tid(page, 'counter-call-parked-A-004').click();
    await tid(page, 'counter-current-number').getByText('A-004').waitFor();
    await tid(page, 'counter-current-calls').getByText('Panggilan ke-2').waitFor();
    await waitAnnounced('A-004', 2);
    await finish(2);
    await tid(page, 'counter-empty').waitFor();
    await shot(page, '12-counter-empty-again');
  });

  await step(t, 'the display spoke every call once, in order, never two at a time', async () => {
    const page = pages.display;
    const expected = [
      ['A-001', 1, 1],
      ['A-002', 2, 1],
      ['A-005', 1, 1],
      ['A-003', 2, 1],
      ['A-004', 1, 1],
      ['A-003', 2, 2],
      ['A-003', 2, 3],
      ['A-004', 2, 1],
      ['A-004', 2, 2],
    ];
    const queued = await announcements();
    assert.deepEqual(queued.map((a) => [a.number, a.counter_number, a.call_count]), expected);
    await page.waitForFunction((n) => (window.__loketSpoken ?? []).length === n, expected.length, { timeout: 150_000 });
    const spoken = await page.evaluate(() => window.__loketSpoken);
    assert.deepEqual(spoken.map((a) => [a.number, a.counter_number, a.call_count]), expected);
    for (const [i, s] of spoken.entries()) {
      assert.equal(s.muted, false, `${s.number} was not played`);
      assert.deepEqual(s.clips, queued[i].clips);
      assert.ok(s.ended_at > s.started_at, `${s.number} took no time`);
      if (i > 0) assert.ok(s.started_at >= spoken[i - 1].ended_at, `${s.number} overlapped ${spoken[i - 1].number}`);
    }
    await tid(page, 'display-current-number').getByText('A-004').waitFor();
    assert.match(await tid(page, 'display-current-counter').innerText(), /LOKET 2/);
    await shot(page, '13-display-after-calls');
    await page.setViewportSize({ width: 1366, height: 768 });
    await shot(page, '14-display-1366');
  });

  await step(t, 'no page was reloaded and no script failed', async () => {
    for (const [name, page] of Object.entries(pages)) await assertNoReload(page, name);
    assert.deepEqual(pageErrors, []);
  });

  await step(t, 'the supervisor screens: queue settings and statistics', async () => {
    const page = await newPage('admin', { width: 1366, height: 768 });
    await loginPage(page, baseUrl, ADMIN);
    await tid(page, 'tile-queue-settings').click();
    await tid(page, 'qs-services').waitFor();
    assert.match(await tid(page, 'qs-counter-1').innerText(), /Siti Rahmawati/);
    await shot(page, '15-queue-settings');

    // A booking code from the appointment form works at the kiosk.
    await tid(page, 'qs-appt-name').fill('Dewi Lestari');
    await tid(page, 'qs-appt-submit').click();
    await tid(page, 'qs-appt-code').waitFor();
    const code = (await tid(page, 'qs-appt-code').innerText()).trim();
    assert.match(code, /^[A-Z0-9]{6}$/);
    bookingCode = code;
    await page.locator('#qs-appt-title').scrollIntoViewIfNeeded();
    await shot(page, '16-queue-settings-appointment');

    await tid(page, 'nav-queue-metrics').click();
    await tid(page, 'qm-totals').waitFor();
    const totals = await tid(page, 'qm-totals').innerText();
    assert.match(totals, /5\s*Datang/);
    assert.match(totals, /1\s*Tidak hadir/);
    await tid(page, 'qm-table').waitFor();
    await shot(page, '17-queue-metrics');
  });

  await step(t, 'the kiosk refuses a booking code for another day with the hub’s message', async () => {
    const page = pages.kiosk;
    await tid(page, 'kiosk-booking-open').click();
    await tid(page, 'kiosk-booking').waitFor();
    const code = bookingCode;
    for (const ch of code) await tid(page, `kiosk-key-${ch}`).click();
    assert.equal(await tid(page, 'kiosk-code').inputValue(), code);
    await tid(page, 'kiosk-booking-submit').click();
    await tid(page, 'kiosk-code-error').waitFor();
    // The appointment is for tomorrow.
    assert.match(await tid(page, 'kiosk-code-error').innerText(), /bukan hari ini/);
    await shot(page, '18-kiosk-booking');
    await tid(page, 'kiosk-booking-back').click();
    await tid(page, 'kiosk-home').waitFor();
    await assertNoReload(page, 'kiosk');
  });
});
