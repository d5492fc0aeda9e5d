'use strict';
// The programme forms on a 360×740 phone, as a BNNK Batam coordinator: forming a
// kelurahan's IBM unit without its meeting date comes back with the menu, "Isi tanggal."
// beside the field and every typed value; a bimtek refused the same way keeps its
// modules; the village offers only the Bersinar step its status allows, with only its
// fields; the year's target shows "berjalan". axe finds no violations on any of them.
//
// The administrator is made by the CLI; the organisation and the coordinator come
// through the JSON API. Run with `npm test -- programme.test.js`.

const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./lib/harness');
const { session } = require('./lib/session');

const { MINUTE } = h;
const ADMIN = 'admin.program';
const ADMIN_PASSWORD = 'teh-tarik-pagi-2026';
const PASSWORD = 'kopi-luwak-sore-2026';
const VILLAGE = '21.71.01.1002';

describe('programme forms on a phone', { timeout: 10 * MINUTE }, () => {
  let scene;
  let s;

  before(async () => {
    scene = await h.startScene('programme', ADMIN, ADMIN_PASSWORD);
    s = session({ base: scene.base, browser: scene.browser, password: PASSWORD });
    const { token } = await s.api('POST', '/api/v1/session', null, { username: ADMIN, password: ADMIN_PASSWORD });
    const bnnk = await s.api('POST', '/api/v1/organisations', token, { name: 'BNNK Batam', org_type: 'bnn', region: '21.71' });
    await s.user(token, 'kasi.rehab', 'coordinator', bnnk.id);
  });

  after(() => h.stopScene(scene));

  test('a refused unit and bimtek come back in the page with what was typed', async () => {
    const page = await s.phone('kasi.rehab');
    await page.goto(`/regions/${VILLAGE}`);
    const unit = page.getByRole('form', { name: 'Bentuk unit IBM' });
    await unit.getByLabel('Tempat rapat').fill('Balai Kelurahan Pulau Buluh');
    await unit.getByLabel('SK ditandatangani oleh').fill('Lurah Pulau Buluh');
    await Promise.all([page.waitForLoadState('load'), unit.getByRole('button', { name: 'Bentuk unit IBM' }).click()]);
    const again = page.getByRole('form', { name: 'Bentuk unit IBM' });
    await again.getByText('Isi tanggal.').first().waitFor();
    assert.equal(await again.getByLabel('Tempat rapat').inputValue(), 'Balai Kelurahan Pulau Buluh');
    await page.getByRole('navigation', { name: 'Menu utama', includeHidden: true }).waitFor({ state: 'attached' });
    await h.assertNoSidewaysScroll(page, 'unit refused');
    s.problems.splice(0);
    await s.axeClean(page, 'unit refused');

    await again.getByLabel('Tanggal rapat pembentukan').fill(h.wibDate(30));
    await again.getByLabel('Nomor SK').fill('141/KPTS/2026');
    await again.getByLabel('Tanggal SK').fill(h.wibDate(30));
    await again.getByLabel('Calon agen pemulihan').fill('6');
    await s.go(page, again.getByRole('button', { name: 'Bentuk unit IBM' }), /\/ibm-units\//);

    const bimtek = page.getByRole('form', { name: 'Rencanakan bimtek' });
    await bimtek.getByLabel('Penyelenggara').fill('BNNK Batam');
    await bimtek.getByLabel('Modul kurikulum').fill('Adiksi\nKonseling');
    await Promise.all([page.waitForLoadState('load'), bimtek.getByRole('button', { name: 'Rencanakan bimtek' }).click()]);
    const refused = page.getByRole('form', { name: 'Rencanakan bimtek' });
    await refused.getByText('Isi tanggal.').first().waitFor();
    assert.equal(await refused.getByLabel('Modul kurikulum').inputValue(), 'Adiksi\nKonseling');
    s.problems.splice(0);
    await s.axeClean(page, 'bimtek refused');
    assert.deepEqual(s.problems.splice(0), []);
    await page.context().close();
  });

  test('a village offers only its next Bersinar step and the year shows in progress', async () => {
    const page = await s.phone('kasi.rehab');
    await page.goto(`/regions/${VILLAGE}`);
    await s.go(page, page.getByRole('button', { name: 'Usulkan sebagai calon' }), /bersinar-village/);
    assert.equal(await page.getByRole('button', { name: 'Usulkan sebagai calon' }).count(), 0);
    const designate = page.getByRole('form', { name: 'Tetapkan (SK)' });
    await designate.getByLabel('Nomor SK').fill('188.45/12/2026');
    await Promise.all([page.waitForLoadState('load'), designate.getByRole('button', { name: 'Tetapkan (SK)' }).click()]);
    const refused = page.getByRole('form', { name: 'Tetapkan (SK)' });
    await refused.getByText('Isi tanggal.').waitFor();
    assert.equal(await refused.getByLabel('Nomor SK').inputValue(), '188.45/12/2026');
    s.problems.splice(0);
    await s.axeClean(page, 'designation refused');

    await page.goto('/regions/21.71');
    // the regency page opens on its figures; the target forms wait behind "Ubah/Tambah"
    await page.getByText('Ubah/Tambah target tahunan').click();
    const target = page.getByRole('form', { name: 'Target tahunan' });
    await target.getByLabel('Target').fill('5');
    await s.go(page, target.getByRole('button', { name: 'Simpan target' }), /\/regions\/21\.71/);
    await page.getByText('berjalan 0/5').waitFor();
    await h.assertNoSidewaysScroll(page, 'regency');
    await s.axeClean(page, 'regency targets');
    assert.deepEqual(s.problems.splice(0), []);
    await page.context().close();
  });
});
