'use strict';
// A closed-loop referral in a real browser on a 360×740 phone: a counsellor refers a
// consenting client to a BLK welding course on the client's referral page; the BLK's
// partner user logs in, sees one waiting referral on "Tugas saya", opens it (name and
// phone shown, no clinical data) and accepts it; the counsellor sees the new state and
// the notification. axe finds no violations on the referral pages.
//
// The administrator is made by the CLI; organisations, users and the service come
// through the JSON API. Run with `npm test`.

const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');
const h = require('./lib/harness');

const { MINUTE, log } = h;
const ADMIN = 'admin.rujukan';
const ADMIN_PASSWORD = 'teh-manis-sore-2026';
const PASSWORD = 'kopi-tubruk-pagi-2026';

describe('a referral accepted by a partner', { timeout: 10 * MINUTE }, () => {
  let dataDir;
  let server;
  let base;
  let browser;
  let problems;
  let clientId;
  let code;

  async function api(method, url, token, body) {
    const r = await fetch(`${base}${url}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = await r.json();
    assert.ok(r.ok, `${method} ${url}: ${r.status} ${JSON.stringify(json)}`);
    return json;
  }

  // A user with a chosen password (the one-time password is changed through the API).
  async function user(token, username, role, org) {
    const u = await api('POST', '/api/v1/users', token, { username, display_name: username, role, org_id: org, scope: '21.71' });
    const { token: own } = await api('POST', '/api/v1/session', null, { username, password: u.one_time_password });
    await api('POST', '/api/v1/me/password', own, { current_password: u.one_time_password, new_password: PASSWORD });
    const { token: fresh } = await api('POST', '/api/v1/session', null, { username, password: PASSWORD });
    return fresh;
  }

  async function phone(username) {
    const context = await browser.newContext({
      baseURL: base,
      locale: 'id-ID',
      viewport: { width: 360, height: 740 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    context.setDefaultTimeout(30_000);
    problems = h.watchProblems(context);
    const page = await context.newPage();
    await page.goto('/login');
    await page.getByLabel('Nama pengguna').fill(username);
    await page.getByLabel('Kata sandi', { exact: true }).fill(PASSWORD);
    await Promise.all([page.waitForURL((u) => u.pathname !== '/login'), page.getByRole('button', { name: 'Masuk', exact: true }).click()]);
    return page;
  }

  async function go(page, locator, urlPart) {
    try {
      await Promise.all([page.waitForURL(urlPart, { waitUntil: 'load', timeout: 15_000 }), locator.click()]);
    } catch (e) {
      const shown = await page.locator('.alert, .error').allTextContents().catch(() => []);
      await h.screenshot(page, 'referral-navigation').catch(() => {});
      throw new Error(`${e.message}\nstill at ${page.url()}, showing: ${JSON.stringify(shown)}`);
    }
  }

  async function axeClean(page, label) {
    const violations = await h.axeScan(page, label);
    assert.deepEqual(violations, [], `axe on ${label}`);
  }

  before(async () => {
    const bin = h.pulihBin();
    assert.ok(fs.existsSync(bin), `no pulih binary at ${bin}: run \`cargo build -p pulih-cli\` or set PULIH_BIN`);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulih-referrals-'));
    log('importing the official region tree…');
    h.runPulih(bin, ['regions', 'import', '--data-dir', dataDir], { timeoutMs: 10 * MINUTE });
    h.runPulih(bin, ['admin', 'create', '--username', ADMIN, '--password-stdin', '--data-dir', dataDir], {
      input: `${ADMIN_PASSWORD}\n`,
      timeoutMs: 2 * MINUTE,
    });
    server = await h.startServer(bin, dataDir);
    process.once('exit', () => server?.child.kill('SIGKILL'));
    base = server.url;
    browser = await chromium.launch({ executablePath: h.chromiumPath(), args: h.CHROMIUM_ARGS, headless: true, timeout: MINUTE });
  });

  after(async () => {
    if (browser) await browser.close().catch((e) => log(`closing the browser: ${e.message}`));
    if (server) {
      await h.stopServer(server.child);
      const err = server.stderr().trim();
      if (err) log(`server stderr (last lines):\n${err.split('\n').slice(-20).join('\n')}`);
    }
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('an IPWL counsellor with a consenting client, and a BLK listing a welding course (API)', async () => {
    const { token } = await api('POST', '/api/v1/session', null, { username: ADMIN, password: ADMIN_PASSWORD });
    const ipwl = await api('POST', '/api/v1/organisations', token, { name: 'IPWL Puskesmas Batam Kota', org_type: 'ipwl', region: '21.71' });
    const blk = await api('POST', '/api/v1/organisations', token, { name: 'BLK Batam', org_type: 'disnakertrans', region: '21.71' });
    const counsellor = await user(token, 'konselor.rujuk', 'counsellor', ipwl.id);
    const partner = await user(token, 'staf.blk', 'partner', blk.id);
    await api('POST', '/api/v1/partner-services', partner, {
      org_id: blk.id, name: 'Pelatihan Las Dasar', service: 'vocational_training', areas: ['21.71'],
      capacity: 16, contact: '0778-456789', hours: 'Senin–Jumat 08.00–15.00',
    });
    const client = await api('POST', '/api/v1/clients', counsellor, { name: 'Dewi Lestari', phone: '081277778888' });
    clientId = client.id;
    code = client.code;
    await api('POST', `/api/v1/clients/${clientId}/consents`, counsellor, {
      services: true, share_with: ['disnakertrans'], follow_up: true, given_by: 'client', method: 'signed_form',
      given_on: new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10),
    });
    log(`client ${code} ready`);
  });

  test('the counsellor refers the client to the welding course on the phone', async () => {
    const page = await phone('konselor.rujuk');
    await page.goto(`/clients/${clientId}`);
    await go(page, page.getByRole('link', { name: 'Lihat rujukan klien dan rujuk ke layanan mitra' }), `**/clients/${clientId}/referrals`);
    await page.getByLabel('Layanan mitra', { exact: true }).selectOption({ label: 'Pelatihan Las Dasar · BLK Batam (Pelatihan kerja)' });
    await page.getByLabel('Alasan rujukan').fill('Ingin belajar las setelah rehabilitasi');
    await go(page, page.getByRole('button', { name: 'Kirim rujukan' }), /\/referrals\/[0-9a-f-]{36}$/);
    await h.expectText(page.locator('#referral-status'), 'Menunggu jawaban', 'status after sending');
    await h.assertNoSidewaysScroll(page, 'referral');
    assert.deepEqual(problems.splice(0), []);
    await page.goto(`/clients/${clientId}/referrals`);
    const refused = page.getByRole('button', { name: 'Kirim rujukan' });
    await page.getByLabel('Layanan mitra', { exact: true }).selectOption({ label: 'Pelatihan Las Dasar · BLK Batam (Pelatihan kerja)' });
    await Promise.all([page.waitForLoadState('load'), refused.click()]);
    await page.getByText('Tulis alasannya').first().waitFor();
    assert.equal(await page.getByLabel('Layanan mitra', { exact: true }).inputValue() !== '', true, 'the choice is kept');
    problems.splice(0);
    await axeClean(page, 'client referrals with an error');
    await page.context().close();
  });

  test('the partner sees one waiting referral and accepts it', async () => {
    const page = await phone('staf.blk');
    await page.goto('/worklist');
    const waiting = page.getByRole('list', { name: /Rujukan menunggu jawaban Anda/ });
    assert.equal(await waiting.getByRole('listitem').count(), 1, 'one waiting referral');
    await go(page, waiting.getByRole('link'), /\/referrals\/[0-9a-f-]{36}$/);
    const shared = page.getByRole('region', { name: 'Data klien yang dibagikan' });
    await shared.getByText('Dewi Lestari').waitFor();
    await shared.getByText('081277778888').waitFor();
    assert.equal(await shared.getByText('Zat (saat asesmen awal)').count(), 0, 'no clinical data for a training place');
    await axeClean(page, 'referral seen by the partner');
    await go(page, page.getByRole('button', { name: 'Terima rujukan' }), /\/referrals\/[0-9a-f-]{36}$/);
    await h.expectText(page.locator('#referral-status'), 'Diterima', 'status after accepting');
    await page.getByRole('button', { name: 'Catat layanan dimulai' }).waitFor();
    await page.goto('/worklist');
    assert.equal(await page.getByRole('list', { name: /Rujukan menunggu jawaban Anda/ }).count(), 0, 'nothing waits now');
    assert.deepEqual(problems.splice(0), []);
    await page.context().close();
  });

  test('the counsellor sees the new state and is told', async () => {
    const page = await phone('konselor.rujuk');
    await page.goto('/referrals');
    await page.getByText(code).first().waitFor();
    await h.expectText(page.locator('.tag').first(), 'Diterima', 'status in the sent list');
    await page.goto('/notifications');
    await page.getByText(`BLK Batam menerima rujukan klien ${code}.`).waitFor();
    await axeClean(page, 'notifications');
    assert.deepEqual(problems.splice(0), []);
    await page.context().close();
  });
});
