// End-to-end: HTTPS on the office LAN. The real hub binary listens on 0.0.0.0 (as with LAN access
// on); headless Debian Chromium trusts the office CA through a fresh NSS database made with
// `certutil` (libnss3-tools), exactly as the settings screen tells an office PC running Chromium on
// Linux, and opens the recording desk at https://<LAN IP>:<port>. With Chromium's fake camera the
// photo step shows the live preview: a LAN browser gets the webcam once the office CA is trusted.
// A second Chromium without the CA is refused the page; plain http from the LAN address is sent to
// https, except the CA certificate itself.
//
//   (cd ui && npm run build) && cargo build && (cd tests/e2e && node --test https.test.mjs)
//
// The screenshot of the live preview is written to docs/screenshots/recording-https-camera.png.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { apiCall, createStaff, initOffice, launchChromium, loginApi, loginPage, openPage, paths, startListening, stepRunner, stopHub } from './hub.mjs';

const { root, bin, uiDir, outDir } = paths;
const ADMIN = { username: 'admin', fullName: 'Budi Santoso', password: 'Rahasia-Admin-2026' };
const OFFICER = { username: 'petugas', fullName: 'Siti Rahmawati', roles: ['counter_officer'], initial: 'Awal-Petugas-111', password: 'Baru-Petugas-111' };
const OPERATOR = { username: 'operator', fullName: 'Yohanes Kurniawan', roles: ['recording_operator'], initial: 'Awal-Operator-22', password: 'Baru-Operator-22' };
const NIK = '6101095708850002';

let hub;
let hubOutput = '';
let dataDir;
let nssHome;
let browser;
let localUrl;
let lanUrl;
let lanIp;
let port;
let application;
const pages = {};
const pageErrors = [];

const run = stepRunner(async (tag) => {
  for (const [name, page] of Object.entries(pages)) {
    await page.screenshot({ path: path.join(outDir, `https-FAILED-${tag}-${name}.png`) }).catch(() => {});
  }
});

before(async () => {
  assert.ok(existsSync(bin), `hub binary not found at ${bin}: run \`cargo build\` or set LOKET_BIN`);
  assert.ok(existsSync(path.join(uiDir, 'index.html')), `no built UI at ${uiDir}: run \`npm run build\` in ui/`);
  assert.doesNotThrow(() => execFileSync('sh', ['-c', 'command -v certutil'], { stdio: 'ignore' }), 'certutil (libnss3-tools) is needed');
  mkdirSync(outDir, { recursive: true });
  dataDir = mkdtempSync(path.join(tmpdir(), 'loket-e2e-https-'));
  nssHome = mkdtempSync(path.join(tmpdir(), 'loket-e2e-https-home-'));
  initOffice({ bin, cwd: root, dataDir, district: '61.01.09', officeName: 'Kantor Kecamatan Sajingan Besar', admin: ADMIN.username, adminName: ADMIN.fullName, password: ADMIN.password });
  ({ child: hub } = await startListening({
    what: 'the hub',
    bin,
    args: ['serve', '--data-dir', dataDir, '--listen', '0.0.0.0:0', '--ui-dir', uiDir],
    cwd: root,
    env: { ...process.env, LOKET_LOG: process.env.LOKET_LOG ?? 'warn' },
    // The address lines come after "listening"; wait for the fingerprint, printed last.
    listening: /Office CA SHA-256: ([0-9A-F:]+)/,
    onOutput: (s) => (hubOutput += s),
  }));
  port = Number(hubOutput.match(/Loket hub listening on http:\/\/[^:\s]+:(\d+)/)[1]);
  lanIp = hubOutput.match(/Loket hub LAN \(HTTPS\): https:\/\/([\d.]+):\d+/)?.[1];
  assert.ok(lanIp, `this machine has no LAN IPv4 address for the test; hub output:\n${hubOutput}`);
  localUrl = `http://127.0.0.1:${port}`;
  lanUrl = `https://${lanIp}:${port}`;

  // The office as the counter would leave it: an application whose documents are complete.
  const admin = await loginApi(localUrl, ADMIN.username, ADMIN.password);
  for (const p of [OFFICER, OPERATOR]) await createStaff(localUrl, admin, p);
  const officer = await loginApi(localUrl, OFFICER.username, OFFICER.password);
  await apiCall(localUrl, 'intake.save_applicant', {
    nik: NIK, kk_number: '6101090101050003', full_name: 'Siti Aminah', sex: 'P',
    birth_place: 'Sambas', birth_date: '1985-08-17', blood_type: 'o+', religion: 'islam',
    marital_status: 'KAWIN', occupation: 'PEDAGANG', education: 'SLTA/SEDERAJAT', citizenship: 'WNI',
    address: 'Jl. Merdeka No. 2', rt: '1', rw: '2', village_code: '61.01.09.2002', mobile: '081234567890',
  }, officer);
  application = await apiCall(localUrl, 'intake.open_application', { nik: NIK, kind: 'lost' }, officer);
  const { items } = await apiCall(localUrl, 'intake.checklist', { application_id: application.id }, officer);
  for (const item of items) {
    await apiCall(localUrl, 'intake.check_requirement', { application_id: application.id, requirement_id: item.requirement_id, status: 'present' }, officer);
  }
  await apiCall(localUrl, 'intake.complete_checks', { application_id: application.id }, officer);
});

after(async () => {
  await browser?.close().catch(() => {});
  await stopHub(hub);
  for (const d of [dataDir, nssHome]) if (d) rmSync(d, { recursive: true, force: true });
  if (run.failed && hubOutput) console.error(`--- hub output ---\n${hubOutput}`);
  if (pageErrors.length) console.error(`--- page errors ---\n${pageErrors.join('\n')}`);
});

test('a LAN browser that trusts the office CA opens the recording desk over https and gets the camera', async (t) => {
  const { step } = run;

  await step(t, 'the CA certificate comes over plain http; everything else on the LAN address is sent to https', async () => {
    const ca = await fetch(`http://${lanIp}:${port}/ca.crt`);
    assert.equal(ca.status, 200);
    const pem = await ca.text();
    assert.match(pem, /^-----BEGIN CERTIFICATE-----/);
    const fingerprint = hubOutput.match(/Office CA SHA-256: ([0-9A-F:]+)/)[1];
    // The fingerprint the hub prints (and the settings screen shows) is the file's.
    writeFileSync(path.join(nssHome, 'loket-ca-kantor.crt'), pem);
    const openssl = execFileSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256', '-in', path.join(nssHome, 'loket-ca-kantor.crt')], { encoding: 'utf8' });
    assert.equal(openssl.trim().split('=')[1], fingerprint);
    const plain = await fetch(`http://${lanIp}:${port}/#/recording`, { redirect: 'manual' });
    assert.equal(plain.status, 308);
    assert.equal(plain.headers.get('location'), `${lanUrl}/`);
  });

  await step(t, 'Chromium without the office CA is refused the page', async () => {
    const untrusting = await launchChromium(chromium);
    try {
      const page = await (await untrusting.newContext()).newPage();
      await assert.rejects(page.goto(lanUrl + '/'), /ERR_CERT_AUTHORITY_INVALID/);
    } finally {
      await untrusting.close();
    }
  });

  await step(t, 'the CA goes into a fresh NSS database, as the settings screen tells Linux PCs', async () => {
    const db = `sql:${path.join(nssHome, '.pki', 'nssdb')}`;
    mkdirSync(path.join(nssHome, '.pki', 'nssdb'), { recursive: true });
    execFileSync('certutil', ['-d', db, '-N', '--empty-password']);
    execFileSync('certutil', ['-d', db, '-A', '-t', 'C,,', '-n', 'Loket KTP-el CA', '-i', path.join(nssHome, 'loket-ca-kantor.crt')]);
    assert.match(execFileSync('certutil', ['-d', db, '-L'], { encoding: 'utf8' }), /Loket KTP-el CA\s+C,,/);
    browser = await launchChromium(chromium, {
      env: { ...process.env, HOME: nssHome },
      args: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
    });
  });

  await step(t, 'the recording desk over https: a secure page, the live camera preview and a snapshot', async () => {
    const page = await openPage(browser, 'operator', pages, pageErrors);
    await loginPage(page, lanUrl, OPERATOR);
    assert.equal(await page.evaluate(() => window.isSecureContext && location.protocol), 'https:');
    await page.getByTestId('tile-recording').click();
    await page.getByTestId(`rec-start-${application.number}`).click();
    await page.getByTestId('rec-applicant').getByText('SITI AMINAH').waitFor();
    await page.getByTestId('photo-camera').click();
    await page.getByTestId('photo-video').waitFor();
    await page.waitForFunction(() => {
      const v = document.querySelector('[data-testid="photo-video"]');
      return v && v.videoWidth > 0 && !v.paused;
    });
    assert.equal(await page.getByTestId('camera-problem').count(), 0);
    await page.waitForFunction(() => !document.querySelector('[data-testid="photo-snapshot"]')?.disabled);
    mkdirSync(path.join(root, 'docs', 'screenshots'), { recursive: true });
    await page.screenshot({ path: path.join(root, 'docs', 'screenshots', 'recording-https-camera.png') });
    await page.getByTestId('photo-snapshot').click();
    await page.getByTestId('crop-box').waitFor();
  });

  await step(t, 'the settings screen shows the same CA fingerprint, the https addresses and the install guide', async () => {
    const page = await openPage(browser, 'admin', pages, pageErrors);
    await loginPage(page, lanUrl, ADMIN);
    await page.goto(lanUrl + '/#/settings');
    const fingerprint = hubOutput.match(/Office CA SHA-256: ([0-9A-F:]+)/)[1];
    assert.equal((await page.getByTestId('lancert-fingerprint').innerText()).trim(), fingerprint);
    assert.match(await page.getByTestId('lancert-addresses').innerText(), new RegExp(`https://${lanIp.replaceAll('.', '\\.')}:${port}/`));
    const download = await page.getByTestId('lancert-download').getAttribute('href');
    assert.equal(download, '/ca.crt');
    await page.getByTestId('lancert').locator('summary').click();
    await page.getByTestId('lancert').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(outDir, 'https-settings-ca.png'), fullPage: true });
  });
});
