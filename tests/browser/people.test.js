'use strict';
// An agent invited where the work is, on a 360×740 phone: the coordinator of BNNK
// Sanggau invites a new agent from the page of the IBM unit of Desa Binjai (name,
// username, phone, sex, age band), the link is shown once on the unit page; the agent
// opens it on a phone, sets a password, and the first login lands on the agent's home
// showing its unit. The coordinator then finds no open link left on the users page.
// axe finds no violations on the unit page, the invitation page, the home or the users
// page, and nothing scrolls sideways. The agent then chooses SMS for its notifications on
// its account page (a wrong number comes back with the reason).
//
// The administrator is made by the CLI; the organisation, coordinator and unit come
// through the JSON API. Run with `npm test -- people.test.js`.

const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./lib/harness');
const { session } = require('./lib/session');

const { MINUTE } = h;
const ADMIN = 'admin.people';
const ADMIN_PASSWORD = 'teh-tarik-pagi-2026';
const PASSWORD = 'kopi-susu-malam-2026';
const AGENT_PASSWORD = 'pisang-goreng-binjai-2026';
const BINJAI = '61.03.10.2010';
const GATEWAY = `public_url = "http://127.0.0.1:9"
[sms_gateway]
url = "http://127.0.0.1:9/sms"
token_file = "{dataDir}/gateway-token"
`;

describe('an agent invited from its unit on a phone', { timeout: 10 * MINUTE }, () => {
  let scene;
  let s;
  let unit;
  let link;

  before(async () => {
    // an SMS gateway nothing answers: the agent can choose SMS, nothing needs to arrive
    scene = await h.startScene('people', ADMIN, ADMIN_PASSWORD, {
      config: GATEWAY, files: { 'gateway-token': 'tanpa-rahasia' },
    });
    s = session({ base: scene.base, browser: scene.browser, password: PASSWORD });
    const { token } = await s.api('POST', '/api/v1/session', null, { username: ADMIN, password: ADMIN_PASSWORD });
    const bnnk = await s.api('POST', '/api/v1/organisations', token, { name: 'BNNK Sanggau', org_type: 'bnn', region: '61.03' });
    const coord = await s.user(token, 'kasi.rehab', 'coordinator', bnnk.id, '61.03');
    unit = await s.api('POST', `/api/v1/villages/${BINJAI}/ibm-unit`, coord, {
      founded_on: '2023-03-09', place: 'Kantor Desa Binjai',
      attendees: { village_head: 1, agent: 5, bnnk_officer: 2 },
      decree_number: '19/DPMPemdes/2023', decree_date: '2023-03-09', decree_signed_by: 'Bupati Sanggau',
      members: [],
    });
  });

  after(() => h.stopScene(scene));

  test('the coordinator invites an agent from the unit page and gets the link once', async () => {
    const page = await s.phone('kasi.rehab');
    await page.goto(`/ibm-units/${unit.id}`);
    const form = page.getByRole('form', { name: 'Undang agen baru' });
    await form.getByLabel('Nama tampilan').fill('Siti Aminah');
    await form.getByLabel('Telepon').fill('081234567801');
    await form.getByLabel('Jenis kelamin').selectOption('female');
    await form.getByLabel('Kelompok umur').selectOption('25_44');
    await h.assertNoSidewaysScroll(page, 'unit page with the invitation form');
    s.problems.splice(0);
    await s.axeClean(page, 'unit page with the invitation form');
    // without a username the form comes back with what was typed
    await form.getByRole('button', { name: 'Undang dan tambahkan ke unit' }).click();
    await page.locator('#err-invite-username').waitFor();
    assert.equal(await page.getByRole('form', { name: 'Undang agen baru' }).getByLabel('Nama tampilan').inputValue(), 'Siti Aminah');
    await s.axeClean(page, 'refused invitation form');
    const again = page.getByRole('form', { name: 'Undang agen baru' });
    await again.getByLabel('Nama pengguna').fill('siti.binjai');
    await again.getByRole('button', { name: 'Undang dan tambahkan ke unit' }).click();
    const shown = page.getByRole('status').locator('code.link');
    await shown.waitFor();
    link = new URL(await shown.textContent()).pathname;
    assert.match(link, /^\/link\/[A-Za-z0-9_-]+$/);
    await page.getByRole('cell', { name: /Siti Aminah/ }).first().waitFor();
    await h.assertNoSidewaysScroll(page, 'unit page with the link');
    await s.axeClean(page, 'unit page with the link');

    await page.goto('/users');
    await page.getByRole('heading', { name: /Tautan yang masih terbuka \(1\)/ }).waitFor();
    await s.axeClean(page, 'users page with an open link');
    assert.deepEqual(s.problems.splice(0).filter((p) => !/status of 422/.test(p)), []);
    await page.context().close();
  });

  test('the agent sets a password on a phone and the first login shows its unit', async () => {
    const context = await scene.browser.newContext({
      baseURL: scene.base, locale: 'id-ID', viewport: { width: 360, height: 740 },
      deviceScaleFactor: 2, isMobile: true, hasTouch: true,
    });
    context.setDefaultTimeout(30_000);
    const problems = h.watchProblems(context);
    const page = await context.newPage();
    await page.goto(link);
    await h.expectText(page.getByRole('heading', { level: 1 }), 'Pilih kata sandi Anda', 'link heading');
    assert.ok((await page.locator('main').textContent()).includes('siti.binjai'), 'the page names the account');
    await h.assertNoSidewaysScroll(page, 'invitation');
    await s.axeClean(page, 'invitation');
    await page.getByLabel('Kata sandi baru', { exact: true }).fill(AGENT_PASSWORD);
    await page.getByLabel('Ulangi kata sandi baru').fill(AGENT_PASSWORD);
    await s.go(page, page.getByRole('button', { name: 'Simpan kata sandi' }), '**/login?set=1');
    await page.getByLabel('Nama pengguna').fill('siti.binjai');
    await page.getByLabel('Kata sandi', { exact: true }).fill(AGENT_PASSWORD);
    await s.go(page, page.getByRole('button', { name: 'Masuk', exact: true }), '**/home');
    await page.locator(`a[href="/ibm-units/${unit.id}"]`).first().waitFor();
    await h.assertNoSidewaysScroll(page, 'agent home');
    await s.axeClean(page, 'agent home');

    // the agent asks for its notifications by SMS; a number that is not a mobile one
    // comes back with what was typed and the reason
    await page.goto('/account');
    const sms = page.getByRole('group', { name: 'SMS / WhatsApp' });
    await sms.getByLabel('Alamat').fill('0561 123');
    await sms.getByRole('button', { name: 'Simpan' }).click();
    await page.locator('#err-address-sms').waitFor();
    assert.equal(await sms.getByLabel('Alamat').inputValue(), '0561 123', 'what was typed stays');
    assert.equal(await sms.getByLabel('Alamat').getAttribute('aria-invalid'), 'true');
    await s.axeClean(page, 'refused channel');
    await sms.getByLabel('Alamat').fill('0812 3456 7801');
    await s.go(page, sms.getByRole('button', { name: 'Simpan' }), '**/account#channels-title');
    assert.equal(await sms.getByLabel('Alamat').inputValue(), '+6281234567801', 'the number is kept in full');
    await sms.getByRole('button', { name: 'Berhenti mengirim ke sini' }).waitFor();
    await h.assertNoSidewaysScroll(page, 'account with a channel');
    await s.axeClean(page, 'account with a channel');
    assert.deepEqual(problems.splice(0).filter((p) => !/status of 422/.test(p)), []);
    await context.close();

    const coord = await s.phone('kasi.rehab');
    await coord.goto('/users');
    await coord.getByRole('heading', { name: /Tautan yang masih terbuka \(0\)/ }).waitFor();
    await coord.context().close();
  });
});
