'use strict';
// Two-factor login on a 360×740 phone, with the server's default settings (required of
// administrators and coordinators): the administrator logs in with a password, is kept on
// "Akun saya" until enrolled, scans (here: reads) the secret, confirms with a code and sees
// ten recovery codes once. The next login asks for a code: a wrong one is refused in plain
// words, the right one lets in, the same one again is refused, and a recovery code works
// once. axe finds no violations on the enrolment, recovery-code and code pages.
//
// The codes are computed here as an authenticator app would (RFC 6238: HMAC-SHA-1, 30 s
// steps, 6 digits); the server accepts one step either side of its own and never the same
// step twice. Run with `npm test -- totp.test.js`.

const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const h = require('./lib/harness');
const { session } = require('./lib/session');

const { MINUTE } = h;
const ADMIN = 'admin.totp';
const ADMIN_PASSWORD = 'nasi-uduk-subuh-2026';
const STEP_SECS = 30;

/// The bytes of an RFC 4648 base32 text (as the page shows the secret).
function base32(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of text.replace(/[\s=]/g, '').toUpperCase()) {
    const v = alphabet.indexOf(c);
    assert.ok(v >= 0, `not base32: ${c}`);
    bits += v.toString(2).padStart(5, '0');
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/// The 6-digit code of `step` under `secret` (RFC 4226 over the step counter).
function code(secret, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigInt64BE(BigInt(step));
  const hash = crypto.createHmac('sha1', secret).update(counter).digest();
  const offset = hash[hash.length - 1] & 0x0f;
  const bin = hash.readUInt32BE(offset) & 0x7fffffff;
  return String(bin % 1_000_000).padStart(6, '0');
}

const stepNow = () => Math.floor(h.serverNow() / 1000 / STEP_SECS);

/// What the pages logged, less the browser's own line for a refused code (401, 422).
const unexpected = (problems) => problems.filter((p) => !/status of (401|422)/.test(p));

describe('two-factor login on a phone', { timeout: 10 * MINUTE }, () => {
  let scene;
  let s;

  before(async () => {
    scene = await h.startScene('totp', ADMIN, ADMIN_PASSWORD, { totp: true });
    s = session({ base: scene.base, browser: scene.browser, password: ADMIN_PASSWORD });
  });

  after(() => h.stopScene(scene));

  test('an administrator enrols, then logs in with a code and with a recovery code', async () => {
    const page = await s.phone(ADMIN);
    assert.equal(new URL(page.url()).pathname, '/account', 'an administrator without two-factor login is sent to enrol');
    await page.getByText('Peran Anda wajib memakai verifikasi dua langkah').waitFor();
    // the rest of the app waits for enrolment
    await page.goto('/clients');
    assert.equal(new URL(page.url()).pathname, '/account', 'other pages lead back to enrolment');

    await s.go(page, page.getByRole('button', { name: 'Aktifkan verifikasi dua langkah' }), /\/account/);
    await page.getByRole('img', { name: 'Kode QR untuk aplikasi autentikator' }).waitFor();
    const secret = base32(await page.locator('#totp-secret').innerText());
    assert.ok(secret.length >= 20, 'a secret of at least 160 bits');
    await h.assertNoSidewaysScroll(page, 'enrolment');
    s.problems.splice(0);
    await s.axeClean(page, 'enrolment');

    // a wrong code is refused on the same page, which keeps the QR code
    await page.getByLabel('Kode verifikasi').fill('000000' === code(secret, stepNow()) ? '111111' : '000000');
    await page.getByRole('button', { name: 'Konfirmasi' }).click();
    await page.getByText('Kode verifikasi salah atau sudah dipakai').waitFor();
    await page.getByRole('img', { name: 'Kode QR untuk aplikasi autentikator' }).waitFor();

    const enrolledAt = stepNow();
    await page.getByLabel('Kode verifikasi').fill(code(secret, enrolledAt));
    await s.go(page, page.getByRole('button', { name: 'Konfirmasi' }), /\/account/);
    await page.getByRole('heading', { name: 'Kode pemulihan' }).waitFor();
    const recovery = await page.locator('#recovery-codes code').allInnerTexts();
    assert.equal(recovery.length, 10, 'ten recovery codes');
    assert.equal(new Set(recovery).size, 10, 'all different');
    await h.assertNoSidewaysScroll(page, 'recovery codes');
    await s.axeClean(page, 'recovery codes');
    // shown once: the account page no longer lists them
    await page.goto('/account');
    await page.getByText('Verifikasi dua langkah aktif.').waitFor();
    assert.equal(await page.locator('#recovery-codes').count(), 0, 'recovery codes are shown only once');
    assert.deepEqual(unexpected(s.problems), [], 'no page logged an error');
    await page.context().close();

    // the next login asks for a code after the password
    const login = async () => {
      const context = await scene.browser.newContext({ baseURL: scene.base, locale: 'id-ID', viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
      s.problems = h.watchProblems(context);
      const p = await context.newPage();
      await p.goto('/login');
      await p.getByLabel('Nama pengguna').fill(ADMIN);
      await p.getByLabel('Kata sandi', { exact: true }).fill(ADMIN_PASSWORD);
      await s.go(p, p.getByRole('button', { name: 'Masuk', exact: true }), /\/login/);
      await p.getByRole('heading', { name: 'Kode verifikasi' }).waitFor();
      return p;
    };
    const submitCode = async (p, value) => {
      await p.getByLabel('Kode verifikasi').fill(value);
      await p.getByRole('button', { name: 'Masuk', exact: true }).click();
      await p.waitForLoadState('load');
    };

    let p = await login();
    await s.axeClean(p, 'code step');
    await submitCode(p, code(secret, enrolledAt));
    await p.getByText('Kode verifikasi salah atau sudah dipakai').waitFor();
    assert.equal(new URL(p.url()).pathname.startsWith('/login'), true, 'a code already used does not let in');
    await s.axeClean(p, 'code step with its error');
    // the authenticator's code now, or its next one while the enrolment's step lasts (the
    // server takes one step ahead of its clock)
    const next = Math.max(stepNow(), enrolledAt + 1);
    await submitCode(p, code(secret, next));
    await p.getByRole('heading', { name: 'Beranda' }).waitFor();
    assert.ok(!new URL(p.url()).pathname.startsWith('/login'), `logged in with the next code, at ${p.url()}`);
    assert.deepEqual(unexpected(s.problems), [], 'no page logged an error');
    await p.context().close();

    // the same code again, then a recovery code: used once only
    p = await login();
    await submitCode(p, code(secret, next));
    await p.getByText('Kode verifikasi salah atau sudah dipakai').waitFor();
    await submitCode(p, recovery[3]);
    await p.getByRole('heading', { name: 'Beranda' }).waitFor();
    assert.ok(!new URL(p.url()).pathname.startsWith('/login'), 'a recovery code lets in');
    assert.deepEqual(unexpected(s.problems), [], 'no page logged an error');
    await p.context().close();

    p = await login();
    await submitCode(p, recovery[3]);
    await p.getByText('Kode verifikasi salah atau sudah dipakai').waitFor();
    assert.deepEqual(unexpected(s.problems), [], 'no page logged an error');
    await p.context().close();
  });
});
