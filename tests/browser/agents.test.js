'use strict';
// Supervision of agents on a 360×740 phone: the coordinator of BNNK Sanggau opens an
// agent of the IBM unit of Desa Binjai from the unit's member list, reads the agent's
// last 90 days (an outreach accompanied by a BNNK counsellor, an awareness session),
// records a supervision visit on the unit page, and finds it on the agent's page.
// axe finds no violations on either page, and nothing scrolls sideways.
//
// The administrator is made by the CLI; organisations, users, the unit and the agent's
// activities come through the JSON API. Run with `npm test -- agents.test.js`.

const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./lib/harness');
const { session } = require('./lib/session');

const { MINUTE } = h;
const ADMIN = 'admin.agents';
const ADMIN_PASSWORD = 'teh-tarik-siang-2026';
const PASSWORD = 'kopi-tubruk-sore-2026';
const BINJAI = '61.03.10.2010';

describe('supervision of agents on a phone', { timeout: 10 * MINUTE }, () => {
  let scene;
  let s;
  let unit;
  let agentId;

  before(async () => {
    scene = await h.startScene('agents', ADMIN, ADMIN_PASSWORD);
    s = session({ base: scene.base, browser: scene.browser, password: PASSWORD });
    const { token } = await s.api('POST', '/api/v1/session', null, { username: ADMIN, password: ADMIN_PASSWORD });
    const bnnk = await s.api('POST', '/api/v1/organisations', token, { name: 'BNNK Sanggau', org_type: 'bnn', region: '61.03' });
    const coord = await s.user(token, 'kasi.rehab', 'coordinator', bnnk.id, '61.03');
    const counsellorToken = await s.user(token, 'konselor.hery', 'counsellor', bnnk.id, '61.03');
    const agent = await s.user(token, 'agen.binjai', 'agent', bnnk.id, BINJAI);
    const me = await s.api('GET', '/api/v1/me', agent);
    agentId = me.id;
    const counsellor = await s.api('GET', '/api/v1/me', counsellorToken);
    const counsellorId = counsellor.id;
    unit = await s.api('POST', `/api/v1/villages/${BINJAI}/ibm-unit`, coord, {
      founded_on: '2023-03-09', place: 'Kantor Desa Binjai',
      attendees: { village_head: 1, agent: 5, bnnk_officer: 2 },
      decree_number: '19/DPMPemdes/2023', decree_date: '2023-03-09', decree_signed_by: 'Bupati Sanggau',
      members: [{ user_id: agentId, phone: '081234567801', sex: 'male', age_band: '25_44' }],
    });
    await s.api('POST', `/api/v1/ibm-units/${unit.id}/activities`, agent,
      { kind: 'outreach', reached: 12, agreed_to_screening: 3, accompanied_by: counsellorId });
    await s.api('POST', `/api/v1/ibm-units/${unit.id}/activities`, agent,
      { kind: 'awareness', level: 'rw', total: 40, male: 22, female: 18 });
  });

  after(() => h.stopScene(scene));

  test("a coordinator reads an agent's work and records a supervision visit", async () => {
    const page = await s.phone('kasi.rehab');
    await page.goto(`/ibm-units/${unit.id}`);
    await s.go(page, page.getByRole('link', { name: 'agen.binjai' }), /\/ibm-units\/[0-9a-f-]+\/agents\/[0-9a-f-]+$/);
    await page.getByRole('heading', { name: 'agen.binjai', level: 1 }).waitFor();
    const figure = (label) => page.locator('dt', { hasText: label }).locator('xpath=following-sibling::dd[1]');
    await h.expectText(figure('Sosialisasi'), '1', 'awareness sessions');
    await h.expectText(figure('Penjangkauan'), '1', 'outreach');
    await h.expectText(figure('Orang yang dijangkau'), '52', 'people reached');
    await page.getByText('Didampingi petugas').first().waitFor();
    await h.assertNoSidewaysScroll(page, 'agent page');
    s.problems.splice(0);
    await s.axeClean(page, 'agent page');

    await s.go(page, page.getByRole('link', { name: 'Catat kunjungan supervisi' }), /\/ibm-units\/[0-9a-f-]+(#visits)?$/);
    const form = page.getByRole('form', { name: 'Catat kunjungan supervisi' });
    await form.getByLabel('Tanggal kunjungan').fill(h.wibDate(1));
    await form.getByLabel('Temuan').fill('Agen menjangkau 12 orang di Dusun II bersama konselor.');
    await form.getByLabel('Tindak lanjut').fill('Tambah leaflet untuk sosialisasi RW berikutnya');
    await h.assertNoSidewaysScroll(page, 'unit page with the visit form');
    await s.axeClean(page, 'unit page with the visit form');
    await s.go(page, form.getByRole('button', { name: 'Catat kunjungan supervisi' }), /\/ibm-units\/[0-9a-f-]+(#visits)?$/);
    await page.getByText('Tambah leaflet untuk sosialisasi RW berikutnya').waitFor();

    await page.goto(`/ibm-units/${unit.id}/agents/${agentId}`);
    await page.getByText('Tambah leaflet untuk sosialisasi RW berikutnya').waitFor();
    await h.assertNoSidewaysScroll(page, 'agent page with a visit');
    await s.axeClean(page, 'agent page with a visit');
    assert.deepEqual(s.problems.splice(0), []);
    await page.context().close();
  });
});
