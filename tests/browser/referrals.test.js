'use strict';
// A closed-loop referral in a real browser on a 360×740 phone: a counsellor refers a
// consenting client to a BLK welding course on the client's referral page; the BLK's
// partner user logs in, sees one waiting referral on "Tugas saya", opens it (name and
// phone shown, no clinical data) and accepts it; the counsellor sees the new state and
// the notification. axe finds no violations on the referral pages.
//
// The administrator is made by the CLI; organisations, users and the service come
// through the JSON API. Run with `npm test`.

const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./lib/harness');
const { session } = require('./lib/session');

const { MINUTE, log } = h;
const ADMIN = 'admin.rujukan';
const ADMIN_PASSWORD = 'teh-manis-sore-2026';
const PASSWORD = 'kopi-tubruk-pagi-2026';

describe('a referral accepted by a partner', { timeout: 10 * MINUTE }, () => {
  let scene;
  let s;
  let clientId;
  let code;

  before(async () => {
    scene = await h.startScene('referrals', ADMIN, ADMIN_PASSWORD);
    s = session({ base: scene.base, browser: scene.browser, password: PASSWORD });
  });

  after(() => h.stopScene(scene));

  test('an IPWL counsellor with a consenting client, and a BLK listing a welding course (API)', async () => {
    const { token } = await s.api('POST', '/api/v1/session', null, { username: ADMIN, password: ADMIN_PASSWORD });
    const ipwl = await s.api('POST', '/api/v1/organisations', token, { name: 'IPWL Puskesmas Batam Kota', org_type: 'ipwl', region: '21.71' });
    const blk = await s.api('POST', '/api/v1/organisations', token, { name: 'BLK Batam', org_type: 'disnakertrans', region: '21.71' });
    const counsellor = await s.user(token, 'konselor.rujuk', 'counsellor', ipwl.id);
    const partner = await s.user(token, 'staf.blk', 'partner', blk.id);
    await s.api('POST', '/api/v1/partner-services', partner, {
      org_id: blk.id, name: 'Pelatihan Las Dasar', service: 'vocational_training', areas: ['21.71'],
      capacity: 16, contact: '0778-456789', hours: 'Senin–Jumat 08.00–15.00',
    });
    const client = await s.api('POST', '/api/v1/clients', counsellor, { name: 'Dewi Lestari', phone: '081277778888' });
    clientId = client.id;
    code = client.code;
    await s.api('POST', `/api/v1/clients/${clientId}/consents`, counsellor, {
      services: true, share_with: ['disnakertrans'], follow_up: true, given_by: 'client', method: 'signed_form',
      given_on: h.wibDate(),
    });
    log(`client ${code} ready`);
  });

  test('the counsellor refers the client to the welding course on the phone', async () => {
    const page = await s.phone('konselor.rujuk');
    await page.goto(`/clients/${clientId}`);
    await s.go(page, page.getByRole('link', { name: 'Lihat rujukan klien dan rujuk ke layanan mitra' }), `**/clients/${clientId}/referrals`);
    await page.getByLabel('Layanan mitra', { exact: true }).selectOption({ label: 'Pelatihan Las Dasar · BLK Batam (Pelatihan kerja)' });
    await page.getByLabel('Alasan rujukan').fill('Ingin belajar las setelah rehabilitasi');
    await s.go(page, page.getByRole('button', { name: 'Kirim rujukan' }), /\/referrals\/[0-9a-f-]{36}$/);
    await h.expectText(page.locator('#referral-status'), 'Menunggu jawaban', 'status after sending');
    await h.assertNoSidewaysScroll(page, 'referral');
    assert.deepEqual(s.problems.splice(0), []);
    await page.goto(`/clients/${clientId}/referrals`);
    const refused = page.getByRole('button', { name: 'Kirim rujukan' });
    await page.getByLabel('Layanan mitra', { exact: true }).selectOption({ label: 'Pelatihan Las Dasar · BLK Batam (Pelatihan kerja)' });
    await Promise.all([page.waitForLoadState('load'), refused.click()]);
    await page.getByText('Tulis alasannya').first().waitFor();
    assert.equal(await page.getByLabel('Layanan mitra', { exact: true }).inputValue() !== '', true, 'the choice is kept');
    s.problems.splice(0);
    await s.axeClean(page, 'client referrals with an error');
    await page.context().close();
  });

  test('the partner sees one waiting referral and accepts it', async () => {
    const page = await s.phone('staf.blk');
    await page.goto('/worklist');
    const waiting = page.getByRole('list', { name: /Rujukan menunggu jawaban Anda/ });
    assert.equal(await waiting.getByRole('listitem').count(), 1, 'one waiting referral');
    await s.go(page, waiting.getByRole('link'), /\/referrals\/[0-9a-f-]{36}$/);
    const shared = page.getByRole('region', { name: 'Data klien yang dibagikan' });
    await shared.getByText('Dewi Lestari').waitFor();
    await shared.getByText('081277778888').waitFor();
    assert.equal(await shared.getByText('Zat (saat asesmen awal)').count(), 0, 'no clinical data for a training place');
    await s.axeClean(page, 'referral seen by the partner');
    await s.go(page, page.getByRole('button', { name: 'Terima rujukan' }), /\/referrals\/[0-9a-f-]{36}$/);
    await h.expectText(page.locator('#referral-status'), 'Diterima', 'status after accepting');
    await page.getByRole('button', { name: 'Catat layanan dimulai' }).waitFor();
    await page.goto('/worklist');
    assert.equal(await page.getByRole('list', { name: /Rujukan menunggu jawaban Anda/ }).count(), 0, 'nothing waits now');
    assert.deepEqual(s.problems.splice(0), []);
    await page.context().close();
  });

  test('the counsellor sees the new state and is told', async () => {
    const page = await s.phone('konselor.rujuk');
    await page.goto('/referrals');
    await page.getByText(code).first().waitFor();
    await h.expectText(page.locator('.tag').first(), 'Diterima', 'status in the sent list');
    await page.goto('/notifications');
    await page.getByText(`BLK Batam menerima rujukan klien ${code}.`).waitFor();
    await s.axeClean(page, 'notifications');
    assert.deepEqual(s.problems.splice(0), []);
    await page.context().close();
  });
});
