'use strict';
// A BNN office's own activities on a 360×740 phone (article-002: the province office's
// own penyuluhan). A BNNP Kalimantan Barat coordinator opens Desa Binjai's page, records
// an awareness session at a school with the audience counted by group (students, guru
// BK, relawan) and the facilitators by kind, sees it on the village's and the regency's
// pages and corrects a count. Nobody is named. axe finds no violations on any page, and
// nothing scrolls sideways.
//
// The administrator is made by the CLI; organisations and users come through the JSON
// API. Run with `npm test -- office_activities.test.js`.

const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./lib/harness');
const { session } = require('./lib/session');

const { MINUTE } = h;
const ADMIN = 'admin.kantor';
const ADMIN_PASSWORD = 'teh-tarik-pagi-2026';
const PASSWORD = 'kopi-luwak-sore-2026';
const BINJAI = '61.03.10.2010';

describe('office activities on a phone', { timeout: 10 * MINUTE }, () => {
  let scene;
  let s;

  before(async () => {
    scene = await h.startScene('office_activities', ADMIN, ADMIN_PASSWORD);
    s = session({ base: scene.base, browser: scene.browser, password: PASSWORD });
    const { token } = await s.api('POST', '/api/v1/session', null, { username: ADMIN, password: ADMIN_PASSWORD });
    const bnnp = await s.api('POST', '/api/v1/organisations', token, { name: 'BNNP Kalimantan Barat', org_type: 'bnn', region: '61' });
    await s.user(token, 'kabid.p2m', 'coordinator', bnnp.id, '61');
  });

  after(() => h.stopScene(scene));

  test('a province office records a school session with relawan and guru BK, counted', async () => {
    const page = await s.phone('kabid.p2m');
    await page.goto(`/regions/${BINJAI}`);
    await s.go(page, page.getByRole('link', { name: 'Catat kegiatan kantor' }), /\/office-activities\/new$/);
    const form = page.getByRole('form', { name: /Catat kegiatan kantor/ });
    await form.getByLabel('Tempat atau tingkat').selectOption('school');
    await form.getByLabel('Jumlah peserta').fill('120');
    await form.getByLabel('Laki-laki').fill('55');
    await form.getByLabel('Perempuan').fill('65');
    await form.getByLabel('Pelajar/mahasiswa').fill('100');
    await form.getByLabel('Guru BK').first().fill('4');
    await form.getByLabel('Relawan anti-narkoba').first().fill('6');
    await h.assertNoSidewaysScroll(page, 'office activity form');
    s.problems.splice(0);
    await s.axeClean(page, 'office activity form');
    // no facilitator yet: refused, what was typed stays
    await form.getByRole('button', { name: 'Simpan kegiatan' }).click();
    await page.getByText('Isi paling sedikit satu pelaksana.').waitFor();
    // the refusal is a 422, which the browser logs: expected here, nothing else
    const refused = s.problems.splice(0);
    assert.ok(refused.every((p) => p.includes('422')), refused.join('\n'));
    assert.equal(await form.getByLabel('Pelajar/mahasiswa').inputValue(), '100');
    await s.axeClean(page, 'refused office activity form');
    await form.getByLabel('Pegawai BNN').fill('2');
    await form.getByLabel('Relawan anti-narkoba').nth(1).fill('3');
    await s.go(page, form.getByRole('button', { name: 'Simpan kegiatan' }), /\/office-activities\/[0-9a-f-]+\?recorded=1$/);
    await page.getByText('Kegiatan kantor tersimpan.').waitFor();
    await page.locator('dd', { hasText: '100' }).first().waitFor();
    await h.assertNoSidewaysScroll(page, 'office activity');
    await s.axeClean(page, 'office activity');

    await s.go(page, page.getByRole('link', { name: 'Koreksi' }), /\/edit$/);
    const fix = page.getByRole('form', { name: /Perbaiki kegiatan kantor/ });
    await fix.getByLabel('Relawan anti-narkoba').first().fill('8');
    await s.axeClean(page, 'office activity correction');
    await s.go(page, fix.getByRole('button', { name: /Simpan/ }), /\?corrected=1$/);
    await page.locator('dd', { hasText: '8' }).first().waitFor();

    await page.goto('/regions/61.03');
    const line = page.locator('#office-activities ~ ul li').first();
    await line.waitFor();
    assert.match(await line.innerText(), /8 Relawan anti-narkoba/);
    await h.assertNoSidewaysScroll(page, 'regency page with office activities');
    await s.axeClean(page, 'regency page with office activities');
    assert.deepEqual(s.problems.splice(0), []);
    await page.context().close();
  });
});
