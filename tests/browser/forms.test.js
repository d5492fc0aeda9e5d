'use strict';
// Safe defaults on a 360×740 phone: the new-user form refuses an administrator until the
// confirmation is ticked (and then creates it), `/users` fits the phone without sideways
// scroll (its table becomes cards), and a registration with no choice between "with
// identity" and "anonymous" creates nobody until anonymous is chosen; a coordinator's
// regency, village, dashboard and referral pages fit the phone too, their wide tables
// turned into cards. axe finds no violations on the pages visited.
//
// The administrator is made by the CLI; organisations and the counsellor come through
// the JSON API. Run with `npm test`.

const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./lib/harness');
const { session } = require('./lib/session');

const { MINUTE, log } = h;
const ADMIN = 'admin.formulir';
const ADMIN_PASSWORD = 'bakso-urat-malam-2026';
const PASSWORD = 'kopi-susu-gula-aren-2026';

describe('safe defaults of the user and registration forms', { timeout: 10 * MINUTE }, () => {
  let scene;
  let s;
  let bnnk;

  before(async () => {
    scene = await h.startScene('forms', ADMIN, ADMIN_PASSWORD);
    s = session({ base: scene.base, browser: scene.browser, password: PASSWORD });
    const { token } = await s.api('POST', '/api/v1/session', null, { username: ADMIN, password: ADMIN_PASSWORD });
    bnnk = await s.api('POST', '/api/v1/organisations', token, { name: 'BNNK Batam', org_type: 'bnn', region: '21.71' });
    const ipwl = await s.api('POST', '/api/v1/organisations', token, { name: 'IPWL Puskesmas Batam', org_type: 'ipwl', region: '21.71' });
    await s.user(token, 'konselor.batam', 'counsellor', ipwl.id);
  });

  after(() => h.stopScene(scene));

  test('an administrator is created only after the confirmation is ticked', async () => {
    const page = await s.phone(ADMIN, ADMIN_PASSWORD);
    await page.goto('/users');
    await h.assertNoSidewaysScroll(page, 'users');
    await s.axeClean(page, 'users');
    await page.getByLabel('Nama pengguna').fill('admin.batam');
    await page.getByLabel('Nama tampilan').fill('Admin BNNK Batam');
    await page.getByLabel('Peran').selectOption('admin');
    await page.getByLabel('Organisasi').selectOption(bnnk.id);
    await page.getByLabel('Cakupan wilayah').fill('Kota Batam');
    await s.go(page, page.getByRole('button', { name: 'Simpan pengguna' }), '**/users');
    const confirm = page.getByRole('checkbox', { name: /Saya mengonfirmasi/ });
    await confirm.waitFor();
    assert.equal(await confirm.isChecked(), false, 'the confirmation is never ticked for the user');
    assert.equal(await page.getByLabel('Nama pengguna').inputValue(), 'admin.batam', 'what was typed is kept');
    assert.equal(await page.locator('table').getByText('admin.batam', { exact: true }).count(), 0, 'nobody was created');
    await page.getByText('centang konfirmasi lalu simpan lagi').waitFor();
    await h.assertNoSidewaysScroll(page, 'users-confirm');
    await s.axeClean(page, 'users-confirm');
    await confirm.check();
    await s.go(page, page.getByRole('button', { name: 'Simpan pengguna' }), '**/users');
    await page.getByRole('status').filter({ hasText: 'Tautan undangan' }).waitFor();
    await page.getByRole('button', { name: 'Nonaktifkan admin.batam' }).waitFor();
    await h.assertNoSidewaysScroll(page, 'users-created');
    await s.axeClean(page, 'users-created');
    await page.context().close();
    log('admin: refused without confirmation, created with it; /users fits 360 px');
  });

  test('a registration needs the explicit anonymous choice', async () => {
    const page = await s.phone('konselor.batam');
    await page.goto('/clients');
    const register = page.getByRole('button', { name: 'Daftarkan klien' });
    await s.go(page, register, '**/clients');
    await page.getByText('Isi identitas klien, atau pilih Anonim').first().waitFor();
    const anonymous = page.getByLabel('Anonim (tanpa identitas apa pun)');
    assert.equal(await anonymous.isChecked(), false, 'nothing is chosen for the user');
    await h.assertNoSidewaysScroll(page, 'registration-refused');
    await s.axeClean(page, 'registration-refused');
    await anonymous.check();
    await s.go(page, register, /\/clients\/[0-9a-f-]{36}$/);
    const heading = await page.getByRole('heading', { level: 1 }).textContent();
    await s.axeClean(page, 'anonymous-record');
    await page.context().close();
    log(`counsellor: an empty registration is refused; anonymous made ${heading.trim()}`);
  });

  test('the regency, village, dashboard and referral pages fit the phone, their tables as cards', async () => {
    const { token } = await s.api('POST', '/api/v1/session', null, { username: ADMIN, password: ADMIN_PASSWORD });
    await s.user(token, 'koordinator.batam', 'coordinator', bnnk.id);
    const page = await s.phone('koordinator.batam');
    const pages = [
      ['/regions/21.71', 'regency'],
      ['/regions/21.71.05.1002', 'village'],
      ['/dashboard/21.71', 'dashboard'],
      ['/dashboard/21.71.05', 'dashboard-district'],
      ['/referrals', 'referrals'],
    ];
    for (const [path, label] of pages) {
      await page.goto(path);
      // what sits behind "more" is laid out too
      await page.locator('details').evaluateAll((all) => all.forEach((d) => { d.open = true; }));
      await h.assertNoSidewaysScroll(page, label);
      const tables = await page.locator('table').evaluateAll((all) => all.map((t) => {
        const row = t.querySelector('tbody tr');
        const box = t.parentElement;
        return {
          name: (t.querySelector('caption, thead')?.textContent || '').trim().slice(0, 40),
          columns: t.querySelectorAll('thead th').length,
          cards: t.classList.contains('cards'),
          row: row ? getComputedStyle(row).display : 'block',
          inner: box.scrollWidth - box.clientWidth,
        };
      }));
      for (const t of tables) {
        assert.ok(t.inner <= 1, `${label}: the table "${t.name}" scrolls sideways by ${t.inner} px`);
        if (t.columns > 3) {
          assert.ok(t.cards && t.row === 'block', `${label}: the table "${t.name}" is not cards on a phone`);
        }
      }
      await s.axeClean(page, label);
      log(`coordinator: ${path} fits 360 px (${tables.length} tables)`);
    }
    await page.context().close();
  });
});
