'use strict';
// Each role's home on a 360×740 phone: the administrator of a new installation lands on
// the set-up checklist; an agent of Pulau Buluh (a kelurahan of Kota Batam) reaches the
// activity form in one tap; the header stays one row (at most 64 px) on every page, the
// menu opens and closes; a saved form says so once; and the agent's home on emulated 3G
// is measured (time and bytes printed; the bytes are checked: pages are compressed).
// axe finds no violations on the pages visited.
//
// The administrator is made by the CLI; organisations, users and the IBM unit come
// through the JSON API. Run with `npm test`.

const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./lib/harness');
const { session } = require('./lib/session');

const { MINUTE, log } = h;
const ADMIN = 'admin.beranda';
const ADMIN_PASSWORD = 'nasi-uduk-pagi-2026';
const PASSWORD = 'es-teh-manis-sore-2026';
const PULAU_BULUH = '21.71.05.1002';
/// The header's height limit on a phone (issue: at most 64 px on every page).
const HEADER_MAX = 64;

describe('home pages and the phone frame', { timeout: 10 * MINUTE }, () => {
  let scene;
  let s;
  let unitId;

  before(async () => {
    scene = await h.startScene('home', ADMIN, ADMIN_PASSWORD);
    s = session({ base: scene.base, browser: scene.browser, password: PASSWORD });
  });

  after(() => h.stopScene(scene));

  const headerFits = async (page, label) => {
    const height = await page.locator('header.top').evaluate((e) => e.getBoundingClientRect().height);
    assert.ok(height <= HEADER_MAX, `${label}: header ${height} px`);
  };

  test('the administrator of a new installation lands on the set-up checklist', async () => {
    const page = await s.phone(ADMIN, ADMIN_PASSWORD);
    assert.equal(new URL(page.url()).pathname, '/home');
    await page.getByRole('heading', { name: 'Menyiapkan Pulih' }).waitFor();
    await headerFits(page, 'admin home');
    await s.axeClean(page, 'admin-home');
    const menu = page.getByRole('navigation', { name: 'Menu utama' });
    assert.equal(await menu.isVisible(), false, 'the menu starts closed on a phone');
    await page.locator('details.menu > summary').click();
    assert.ok(await menu.getByRole('link', { name: 'Pengguna', exact: true }).isVisible(), 'open menu shows its links');
    await s.axeClean(page, 'admin-menu-open');
    await s.go(page, menu.getByRole('link', { name: 'Organisasi', exact: true }), '**/orgs');
    await headerFits(page, 'orgs');
    await page.getByLabel('Nama', { exact: true }).fill('Dinas Sosial Kota Batam');
    await page.getByLabel('Jenis organisasi').selectOption('dinsos');
    await page.getByLabel('Wilayah').fill('21.71');
    await s.go(page, page.getByRole('button', { name: /Tambah|Simpan/ }), '**/orgs');
    await page.getByRole('status').filter({ hasText: 'Perubahan tersimpan.' }).waitFor();
    await page.reload();
    assert.equal(await page.getByText('Perubahan tersimpan.').count(), 0, 'the notice shows once');
    await page.context().close();
    log('admin: checklist, menu, saved notice');
  });

  test('an agent of Pulau Buluh records an activity in one tap from home', async () => {
    const { token } = await s.api('POST', '/api/v1/session', null, { username: ADMIN, password: ADMIN_PASSWORD });
    const bnnk = await s.api('POST', '/api/v1/organisations', token, { name: 'BNNK Batam', org_type: 'bnn', region: '21.71' });
    const coord = await s.user(token, 'koord.batam', 'coordinator', bnnk.id);
    const agent = await s.api('POST', '/api/v1/users', token, {
      username: 'agen.buluh', display_name: 'Agen Pulau Buluh', role: 'agent', org_id: bnnk.id, scope: PULAU_BULUH,
    });
    await s.api('POST', `/api/v1/links/${agent.link.token}`, null, { password: PASSWORD });
    const unit = await s.api('POST', `/api/v1/villages/${PULAU_BULUH}/ibm-unit`, coord, {
      founded_on: h.wibDate(30), place: 'Kantor Kelurahan Pulau Buluh', attendees: { agent: 1 },
      decree_number: '12/KPTS/2026', decree_date: h.wibDate(30), decree_signed_by: 'Lurah Pulau Buluh',
      members: [{ user_id: agent.id, phone: '081234567801', sex: 'female', age_band: '25_44' }],
    });
    unitId = unit.id;

    const page = await s.phone('agen.buluh');
    assert.equal(new URL(page.url()).pathname, '/home');
    await headerFits(page, 'agent home');
    await s.axeClean(page, 'agent-home');
    await s.go(page, page.getByRole('link', { name: 'Catat sosialisasi' }), `**/ibm-units/${unitId}/activities/new?kind=awareness`);
    await headerFits(page, 'activity form');
    const inputs = await page.locator('form.card').locator('input:not([type=hidden]), select, textarea').evaluateAll(
      (els) => els.filter((e) => e.checkVisibility()).map((e) => e.name));
    assert.ok(inputs.length <= 5, `the awareness form shows at most 5 inputs: ${inputs}`);
    log(`awareness form: ${inputs.length} inputs (${inputs.join(', ')})`);
    await s.axeClean(page, 'awareness-form');
    for (const path of ['/worklist', '/notifications', '/dashboard', '/regions', '/account']) {
      await page.goto(path);
      await headerFits(page, path);
    }
    await page.context().close();
    log('agent: one tap to the activity form; header fits on every page');
  });

  test("the agent's home on emulated 3G (300 ms, 750 kbit/s)", async () => {
    const page = await s.phone('agen.buluh');
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.clearBrowserCache');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false, latency: 300, downloadThroughput: (750 * 1024) / 8, uploadThroughput: (250 * 1024) / 8,
    });
    const t0 = Date.now();
    await page.goto('/home', { waitUntil: 'load' });
    const took = Date.now() - t0;
    const bytes = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      return performance.getEntriesByType('resource').reduce((n, r) => n + r.transferSize, nav.transferSize);
    });
    log(`agent home on 3G: ${took} ms, ${bytes} bytes transferred`);
    assert.ok(bytes < 40_000, `home, stylesheet and htmx travel compressed: ${bytes} bytes`);
    await page.context().close();
  });
});
