'use strict';
// The place picker in a real browser on a 360×740 phone: an administrator of BNNK Batam
// lists a community organisation of Pulau Buluh by typing "Pulau Bu" into the region
// field, choosing the suggestion (htmx) that names the whole path, and saving; the list
// then names the place with its code. axe finds no violations with the suggestions open.
//
// The national administrator is made by the CLI; the organisation and the Batam
// administrator come through the JSON API. Run with `npm test -- places.test.js`.

const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./lib/harness');
const { session } = require('./lib/session');

const { MINUTE } = h;
const ADMIN = 'admin.tempat';
const ADMIN_PASSWORD = 'teh-manis-sore-2026';
const PASSWORD = 'es-teler-batam-2026';

describe('a place picked by name', { timeout: 10 * MINUTE }, () => {
  let scene;
  let s;

  before(async () => {
    scene = await h.startScene('places', ADMIN, ADMIN_PASSWORD);
    s = session({ base: scene.base, browser: scene.browser, password: PASSWORD });
  });

  after(() => h.stopScene(scene));

  test('an administrator of Batam (API)', async () => {
    const { token } = await s.api('POST', '/api/v1/session', null, { username: ADMIN, password: ADMIN_PASSWORD });
    const bnnk = await s.api('POST', '/api/v1/organisations', token, { name: 'BNNK Batam', org_type: 'bnn', region: '21.71' });
    await s.user(token, 'admin.batam', 'admin', bnnk.id);
  });

  test('types "Pulau Bu", chooses Pulau Buluh and saves the organisation', async () => {
    const page = await s.phone('admin.batam');
    await page.goto('/orgs');
    const region = page.getByLabel('Wilayah', { exact: true });
    assert.equal(await region.inputValue(), 'Kota Batam (21.71)', 'the default region is named');
    await region.fill('');
    await region.pressSequentially('Pulau Bu', { delay: 60 });
    const suggestion = page.getByRole('button', { name: /Pulau Buluh, Kec\. Bulang, Kota Batam, Kepulauan Riau/ });
    await suggestion.waitFor();
    await s.axeClean(page, 'orgs-picker-open');
    await h.assertNoSidewaysScroll(page, 'orgs-picker-open');
    await suggestion.click();
    await page.waitForFunction(() => document.querySelector('#region')?.value === 'Pulau Buluh (21.71.05.1002)');
    await h.expectText(page.locator('#suggest-region'), 'Dipilih: Pulau Buluh', 'the choice is announced');
    await page.getByLabel('Nama', { exact: true }).fill('Tokoh Masyarakat Pulau Buluh');
    await page.getByLabel('Jenis organisasi', { exact: true }).selectOption('community');
    await s.go(page, page.getByRole('button', { name: 'Simpan organisasi' }), '**/orgs');
    const row = page.getByRole('row', { name: /Tokoh Masyarakat Pulau Buluh/ });
    assert.match(await row.textContent(), /Pulau Buluh \(21\.71\.05\.1002\)/, 'the organisation is placed by name');
    await s.axeClean(page, 'orgs-saved');
    await h.assertNoSidewaysScroll(page, 'orgs-saved');
    assert.deepEqual(s.problems.splice(0), []);
  });
});
