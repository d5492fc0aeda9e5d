'use strict';
// Dashboards on a 360×740 phone: a coordinator with national scope opens the nation,
// goes down to Kepulauan Riau and Kota Batam, shows the year with the period form and
// sorts Batam's districts by episodes opened, with ranks. axe finds no violations on
// each page and the page never scrolls sideways (the tables scroll in their own box).
//
// The administrator is made by the CLI; the organisations, the users and three clients
// with an episode each (two in Batu Ampar, one in Belakang Padang) come through the
// JSON API. Run with `npm test`.

const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./lib/harness');
const { session } = require('./lib/session');

const { MINUTE, log } = h;
const ADMIN = 'admin.dasbor';
const ADMIN_PASSWORD = 'kopi-tubruk-pagi-2026';
const PASSWORD = 'sate-padang-malam-2026';
const INTAKES = 'Episode layanan dibuka';

describe('dashboards from the nation down on a phone', { timeout: 10 * MINUTE }, () => {
  let scene;
  let s;

  before(async () => {
    scene = await h.startScene('dashboard', ADMIN, ADMIN_PASSWORD);
    s = session({ base: scene.base, browser: scene.browser, password: PASSWORD });
  });

  after(() => h.stopScene(scene));

  test('a national coordinator and clients in two districts of Batam (API)', async () => {
    const { token } = await s.api('POST', '/api/v1/session', null, { username: ADMIN, password: ADMIN_PASSWORD });
    const bnn = await s.api('POST', '/api/v1/organisations', token, { name: 'BNN RI Deputi Rehabilitasi', org_type: 'bnn', region: 'ID' });
    await s.user(token, 'koord.nasional', 'coordinator', bnn.id, 'ID');
    const ipwl = await s.api('POST', '/api/v1/organisations', token, { name: 'IPWL Batam', org_type: 'ipwl', region: '21.71' });
    const counsellor = await s.user(token, 'konselor.dasbor', 'counsellor', ipwl.id);
    for (const region of ['21.71.02', '21.71.01', '21.71.02']) {
      const client = await s.api('POST', '/api/v1/clients', counsellor, { region });
      await s.api('POST', `/api/v1/clients/${client.id}/consents`, counsellor, {
        services: true, share_with: [], follow_up: true, given_by: 'client', method: 'signed_form', given_on: h.wibDate(1),
      });
      await s.api('POST', `/api/v1/clients/${client.id}/episodes`, counsellor, { pathway: 'family_referral' });
    }
    log('three clients with an episode');
  });

  test('the coordinator goes down the tree, changes the period and sorts the districts', async () => {
    const page = await s.phone('koord.nasional');
    const checked = async (label) => {
      await s.axeClean(page, label);
      await h.assertNoSidewaysScroll(page, `dashboard-${label}`);
    };
    await page.goto('/dashboard');
    await page.getByRole('heading', { name: 'Dasbor: Indonesia' }).waitFor();
    await checked('nation');

    await s.go(page, page.getByRole('link', { name: 'Kepulauan Riau', exact: true }), /\/dashboard\/21\?period=/);
    await checked('province');
    await s.go(page, page.getByRole('link', { name: 'Kota Batam', exact: true }), /\/dashboard\/21\.71\?period=/);
    await page.getByRole('heading', { name: 'Dasbor: Kota Batam' }).waitFor();

    const year = h.wibDate(0).slice(0, 4);
    await page.getByLabel('Periode', { exact: true }).fill(year);
    await s.go(page, page.getByRole('button', { name: 'Tampilkan' }), `/dashboard/21.71?period=${year}`);
    await checked('regency-year');

    // on a phone the table is cards without its header row: the sort form does it
    const sortForm = page.getByRole('form', { name: 'Urutkan wilayah' });
    await sortForm.getByLabel('Urutkan menurut').selectOption({ label: INTAKES });
    await s.go(page, sortForm.getByRole('button', { name: 'Urutkan' }), `/dashboard/21.71?period=${year}&sort=intakes&order=desc`);
    const sorted = page.getByRole('table', { name: /Per wilayah di bawahnya/ });
    const header = sorted.getByRole('columnheader', { name: INTAKES, exact: true });
    assert.equal(await header.getAttribute('aria-sort'), 'descending');
    const first = sorted.locator('tbody tr').first();
    await h.expectText(first.locator('td').first(), '1', 'Batu Ampar ranks first');
    await h.expectText(first.getByRole('rowheader'), 'Batu Ampar', 'the district with two episodes');
    await h.expectText(sorted.locator('tbody tr').nth(1).locator('td').first(), '2', 'Belakang Padang ranks second');
    await checked('regency-sorted');

    const again = page.getByRole('form', { name: 'Urutkan wilayah' });
    assert.equal(await again.getByLabel('Urutkan menurut').inputValue(), 'intakes', 'the form shows the sort in force');
    await again.getByLabel('Urutan').selectOption({ label: 'Terkecil dulu' });
    await s.go(page, again.getByRole('button', { name: 'Urutkan' }), `/dashboard/21.71?period=${year}&sort=intakes&order=asc`);
    const reversed = page.getByRole('table', { name: /Per wilayah di bawahnya/ });
    assert.equal(await reversed.getByRole('columnheader', { name: INTAKES, exact: true }).getAttribute('aria-sort'), 'ascending');
    await h.expectText(reversed.locator('tbody tr').last().getByRole('rowheader'), 'Batu Ampar', 'largest last');
    assert.deepEqual(s.problems.splice(0), []);
    await page.context().close();
  });
});
