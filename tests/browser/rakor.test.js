'use strict';
// A rakor with action items on a 360×740 phone: a BNNK Batam coordinator records a rakor
// in Kota Batam, typed by name, with Dinsos Batam present, adds an action item owned by Dinsos that is already past
// due (it shows "Terlambat"), and a Dinsos partner marks it done from the same page.
// axe finds no violations on any page, and nothing scrolls sideways.
//
// The administrator is made by the CLI; organisations and users come through the JSON
// API. Run with `npm test -- rakor.test.js`.

const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./lib/harness');
const { session } = require('./lib/session');

const { MINUTE } = h;
const ADMIN = 'admin.rakor';
const ADMIN_PASSWORD = 'teh-tarik-pagi-2026';
const PASSWORD = 'kopi-luwak-sore-2026';

describe('rakor on a phone', { timeout: 10 * MINUTE }, () => {
  let scene;
  let s;

  before(async () => {
    scene = await h.startScene('rakor', ADMIN, ADMIN_PASSWORD);
    s = session({ base: scene.base, browser: scene.browser, password: PASSWORD });
    const { token } = await s.api('POST', '/api/v1/session', null, { username: ADMIN, password: ADMIN_PASSWORD });
    const bnnk = await s.api('POST', '/api/v1/organisations', token, { name: 'BNNK Batam', org_type: 'bnn', region: '21.71' });
    const dinsos = await s.api('POST', '/api/v1/organisations', token, { name: 'Dinsos Batam', org_type: 'dinsos', region: '21.71' });
    await s.user(token, 'kasi.rakor', 'coordinator', bnnk.id);
    await s.user(token, 'mitra.dinsos', 'partner', dinsos.id);
  });

  after(() => h.stopScene(scene));

  test('a coordinator records a rakor and an action item, and its owner marks it done', async () => {
    const page = await s.phone('kasi.rakor');
    await page.goto('/rakor');
    const form = page.getByRole('form', { name: 'Catat rakor' });
    const region = form.getByLabel('Wilayah', { exact: true });
    assert.equal(await region.inputValue(), 'Kota Batam (21.71)', 'the region is shown by name');
    await region.fill('Kota Batam');
    await form.getByLabel('Tanggal').fill(h.wibDate(10));
    await form.getByLabel('Tempat', { exact: true }).fill('Aula BNNK Batam');
    await form.getByLabel('Dinsos Batam').check();
    await form.getByLabel('Organisasi lain yang hadir (belum terdaftar)').fill('Kejaksaan Negeri Batam');
    await form.getByLabel('Pokok bahasan').fill('Pembentukan IBM di Kelurahan Tanjung Riau');
    await h.assertNoSidewaysScroll(page, 'rakor form');
    s.problems.splice(0);
    await s.axeClean(page, 'rakor list');
    await s.go(page, form.getByRole('button', { name: 'Simpan rakor' }), /\/rakor\/[0-9a-f-]+$/);
    await page.getByText('Kejaksaan Negeri Batam').waitFor();
    await page.locator('dd', { hasText: 'Kota Batam' }).filter({ hasText: '21.71' }).waitFor();
    const rakorUrl = page.url();

    const item = page.getByRole('form', { name: 'Tambah tindak lanjut' });
    await item.getByLabel('Tindak lanjut').fill('Data calon penerima bantuan sosial pasca rehab');
    await item.getByLabel('Penanggung jawab').selectOption({ label: 'Dinsos Batam' });
    await item.getByLabel('Batas waktu').fill(h.wibDate(2));
    await s.go(page, item.getByRole('button', { name: 'Simpan tindak lanjut' }), /\/rakor\/[0-9a-f-]+$/);
    await page.getByText('Terlambat', { exact: true }).waitFor();
    await h.assertNoSidewaysScroll(page, 'rakor page');
    await s.axeClean(page, 'rakor with an item');
    assert.deepEqual(s.problems.splice(0), []);
    await page.context().close();

    const owner = await s.phone('mitra.dinsos');
    await owner.goto('/rakor');
    await s.go(owner, owner.getByRole('link', { name: /Aula BNNK Batam/ }), /\/rakor\/[0-9a-f-]+$/);
    assert.equal(owner.url(), rakorUrl);
    await owner.getByLabel('Status').selectOption({ label: 'Selesai' });
    await s.go(owner, owner.getByRole('button', { name: 'Ubah status' }), /\/rakor\/[0-9a-f-]+$/);
    await owner.getByText('Selesai', { exact: true }).first().waitFor();
    assert.equal(await owner.getByText('Terlambat', { exact: true }).count(), 0);
    await h.assertNoSidewaysScroll(owner, 'rakor owner');
    s.problems.splice(0);
    await s.axeClean(owner, 'rakor owner');
    assert.deepEqual(s.problems.splice(0), []);
    await owner.context().close();
  });
});
