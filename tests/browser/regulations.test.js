'use strict';
// Local regulations and the Bupati's programme decree on a 360×740 phone. A BNN Kota
// Batam coordinator records the revised Perda on narcotics as a draft from the city's
// page, submits it to the DPRD and enacts it with its number, each step dated; the
// enacted Perda then shows as evidence beside the IKOTAN form. A BNNK Sanggau
// coordinator records SK Bupati Sanggau 19/DPMPemdes/2023 naming two villages, which
// become Bersinar candidates at once; Desa Binjai's history shows the decree.
// axe finds no violations on any page, and nothing scrolls sideways.
//
// The administrator is made by the CLI; organisations and users come through the JSON
// API. Run with `npm test -- regulations.test.js`.

const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./lib/harness');
const { session } = require('./lib/session');

const { MINUTE } = h;
const ADMIN = 'admin.perda';
const ADMIN_PASSWORD = 'teh-tarik-pagi-2026';
const PASSWORD = 'kopi-luwak-sore-2026';

describe('regulations and decrees on a phone', { timeout: 10 * MINUTE }, () => {
  let scene;
  let s;

  before(async () => {
    scene = await h.startScene('regulations', ADMIN, ADMIN_PASSWORD);
    s = session({ base: scene.base, browser: scene.browser, password: PASSWORD });
    const { token } = await s.api('POST', '/api/v1/session', null, { username: ADMIN, password: ADMIN_PASSWORD });
    const batam = await s.api('POST', '/api/v1/organisations', token, { name: 'BNN Kota Batam', org_type: 'bnn', region: '21.71' });
    const sanggau = await s.api('POST', '/api/v1/organisations', token, { name: 'BNNK Sanggau', org_type: 'bnn', region: '61.03' });
    await s.user(token, 'kasi.perda', 'coordinator', batam.id);
    await s.user(token, 'kasi.sanggau', 'coordinator', sanggau.id, '61.03');
  });

  after(() => h.stopScene(scene));

  test('a coordinator takes a Perda from draft through the council to enacted', async () => {
    const page = await s.phone('kasi.perda');
    await page.goto('/regions/21.71');
    await page.locator('summary', { hasText: 'Catat peraturan' }).click();
    const form = page.getByRole('form', { name: 'Catat peraturan' });
    await form.getByLabel('Jenis').selectOption({ label: 'Perda' });
    await form.getByLabel('Judul').fill('Perubahan atas Perda Fasilitasi P4GN');
    await form.getByLabel('Topik').selectOption('p4gn');
    await form.getByLabel('Status').selectOption({ label: 'Rancangan' });
    await form.getByLabel('Tanggal').fill(h.wibDate(40));
    await h.assertNoSidewaysScroll(page, 'regulation form');
    s.problems.splice(0);
    await s.axeClean(page, 'city page with the regulation form');
    await s.go(page, form.getByRole('button', { name: 'Simpan peraturan' }), /\/regulations\/[0-9a-f-]+$/);
    await page.getByText('Rancangan', { exact: true }).first().waitFor();

    const submit = page.getByRole('form', { name: 'Ajukan ke DPRD/BPD' });
    await submit.getByLabel('Tanggal').fill(h.wibDate(20));
    await s.go(page, submit.getByRole('button', { name: 'Ajukan ke DPRD/BPD' }), /\/regulations\/[0-9a-f-]+$/);
    const enact = page.getByRole('form', { name: 'Tetapkan' });
    await enact.getByLabel('Tanggal').fill(h.wibDate(2));
    await enact.getByLabel('Nomor').fill('Perda Kota Batam No. 3 Tahun 2026');
    await h.assertNoSidewaysScroll(page, 'regulation steps');
    await s.axeClean(page, 'regulation in council');
    await s.go(page, enact.getByRole('button', { name: 'Tetapkan' }), /\/regulations\/[0-9a-f-]+$/);
    await page.locator('dd', { hasText: 'Ditetapkan' }).waitFor();
    assert.equal(await page.getByRole('listitem').filter({ hasText: 'Dibahas di DPRD/BPD' }).count(), 1);
    await page.getByRole('form', { name: 'Catat perubahan' }).waitFor();
    await s.axeClean(page, 'enacted regulation');

    await page.goto('/regions/21.71');
    await page.locator('summary', { hasText: 'Penilaian IKOTAN' }).click();
    await page.locator('#ikotan-evidence + ul', { hasText: 'Perda Kota Batam No. 3 Tahun 2026' }).waitFor();
    await h.assertNoSidewaysScroll(page, 'city page with IKOTAN evidence');
    await s.axeClean(page, 'city page with IKOTAN evidence');
    assert.deepEqual(s.problems.splice(0), []);
    await page.context().close();
  });

  test("a Bupati's decree makes the villages it names candidates at once", async () => {
    const page = await s.phone('kasi.sanggau');
    await page.goto('/regions/61.03');
    await page.locator('summary', { hasText: 'Catat SK program Desa Bersinar' }).click();
    const form = page.getByRole('form', { name: 'Catat SK program Desa Bersinar' });
    await form.getByLabel('Nomor SK').fill('19/DPMPemdes/2023');
    await form.getByLabel('Tanggal SK').fill(h.wibDate(3));
    await form.getByLabel('Penerbit SK').fill('Bupati Sanggau');
    await form.getByLabel('Binjai (61.03.10.2010)').check();
    await form.getByLabel('Sosok (61.03.10.2001)').check();
    await h.assertNoSidewaysScroll(page, 'decree form');
    s.problems.splice(0);
    await s.axeClean(page, 'regency page with the decree form');
    await s.go(page, form.getByRole('button', { name: 'Simpan SK' }), /\/regions\/61\.03#decree-/);
    const decree = page.locator('li.card', { hasText: '19/DPMPemdes/2023' });
    await decree.waitFor();
    assert.match(await decree.innerText(), /Diusulkan sebagai calon: 2 \/ 2/);
    await h.assertNoSidewaysScroll(page, 'regency page with the decree');
    await s.axeClean(page, 'regency page with the decree');

    await page.goto('/regions/61.03.10.2010');
    await page.getByText(/19\/DPMPemdes\/2023 \(.*Bupati Sanggau\)/).waitFor();
    await h.assertNoSidewaysScroll(page, 'village history');
    await s.axeClean(page, 'village history');
    assert.deepEqual(s.problems.splice(0), []);
    await page.context().close();
  });
});
