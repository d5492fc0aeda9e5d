'use strict';
// The place picker in a real browser on a 360×740 phone: an administrator of BNNK Batam
// adds an agent for Pulau Buluh by typing "Pulau Bu" into the region field, choosing the
// suggestion (htmx) that names the whole path, and saving; the user list then names the
// place with its code. axe finds no violations with the suggestions open.
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

  test('types "Pulau Bu", chooses Pulau Buluh and saves the agent', async () => {
    const page = await s.phone('admin.batam');
    await page.goto('/users');
    const scope = page.getByLabel('Cakupan wilayah', { exact: true });
    assert.equal(await scope.inputValue(), 'Kota Batam (21.71)', 'the default scope is named');
    await scope.fill('');
    await scope.pressSequentially('Pulau Bu', { delay: 60 });
    const suggestion = page.getByRole('button', { name: /Pulau Buluh, Kec\. Bulang, Kota Batam, Kepulauan Riau/ });
    await suggestion.waitFor();
    await s.axeClean(page, 'users-picker-open');
    await h.assertNoSidewaysScroll(page, 'users-picker-open');
    await suggestion.click();
    await page.waitForFunction(() => document.querySelector('#scope')?.value === 'Pulau Buluh (21.71.05.1002)');
    await h.expectText(page.locator('#suggest-scope'), 'Dipilih: Pulau Buluh', 'the choice is announced');
    await page.getByLabel('Nama pengguna', { exact: true }).fill('agen.buluh');
    await page.getByLabel('Nama tampilan', { exact: true }).fill('Agen Pulau Buluh');
    await page.getByLabel('Peran', { exact: true }).selectOption('agent');
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Simpan pengguna' }).click()]);
    const row = page.getByRole('row', { name: /agen\.buluh/ });
    assert.match(await row.textContent(), /Pulau Buluh \(21\.71\.05\.1002\)/, 'the new user is placed by name');
    await s.axeClean(page, 'users-saved');
    assert.deepEqual(s.problems.splice(0), []);
  });
});
