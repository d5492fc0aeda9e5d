'use strict';
// Aftercare on a 360×740 phone: a counsellor makes a plan at discharge on the client's
// aftercare page; the first visit shows as overdue on "Tugas saya"; a visit without its
// mode is refused with the answers kept; a visit that finds a relapse opens the relapse
// form with its date, and the relapse is recorded. axe finds no violations.
//
// The administrator is made by the CLI; the organisation, the counsellor and the client
// with consent come through the JSON API. Run with `npm test`.

const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./lib/harness');
const { session } = require('./lib/session');

const { MINUTE, log } = h;
const ADMIN = 'admin.pasca';
const ADMIN_PASSWORD = 'nasi-uduk-siang-2026';
const PASSWORD = 'es-kelapa-muda-2026';

describe('aftercare followed up on a phone', { timeout: 10 * MINUTE }, () => {
  let scene;
  let s;
  let clientId;
  let code;

  before(async () => {
    scene = await h.startScene('aftercare', ADMIN, ADMIN_PASSWORD);
    s = session({ base: scene.base, browser: scene.browser, password: PASSWORD });
  });

  after(() => h.stopScene(scene));

  test('an IPWL counsellor with a client who consented to follow-up (API)', async () => {
    const { token } = await s.api('POST', '/api/v1/session', null, { username: ADMIN, password: ADMIN_PASSWORD });
    const ipwl = await s.api('POST', '/api/v1/organisations', token, { name: 'IPWL Puskesmas Sekupang', org_type: 'ipwl', region: '21.71' });
    const counsellor = await s.user(token, 'konselor.pasca', 'counsellor', ipwl.id);
    const client = await s.api('POST', '/api/v1/clients', counsellor, { name: 'Rudi Hartono' });
    clientId = client.id;
    code = client.code;
    await s.api('POST', `/api/v1/clients/${clientId}/consents`, counsellor, {
      services: true, share_with: [], follow_up: true, given_by: 'client', method: 'signed_form', given_on: h.wibDate(30),
    });
    log(`client ${code} ready`);
  });

  test('the counsellor makes a plan, sees the visit overdue, and records a relapse', async () => {
    const page = await s.phone('konselor.pasca');
    await page.goto(`/clients/${clientId}/aftercare`);
    await page.getByLabel('Tanggal selesai rehabilitasi').fill(h.wibDate(20));
    await s.go(page, page.getByRole('button', { name: 'Simpan rencana' }), /\/aftercare\?saved=1$/);
    await page.getByText('Tersimpan.').waitFor();
    await h.assertNoSidewaysScroll(page, 'aftercare');

    await page.goto('/worklist');
    const overdue = page.getByRole('list', { name: /Tindak lanjut pascarehabilitasi terlambat/ });
    await overdue.getByRole('link', { name: code }).waitFor();

    await page.goto(`/clients/${clientId}/aftercare`);
    const visit = page.getByRole('form', { name: 'Catat kunjungan tindak lanjut' });
    await visit.getByLabel('Kambuh').check();
    await Promise.all([page.waitForLoadState('load'), visit.getByRole('button', { name: 'Simpan kunjungan' }).click()]);
    const refused = page.getByRole('form', { name: 'Catat kunjungan tindak lanjut' });
    await refused.locator('fieldset[aria-invalid="true"]').first().waitFor();
    assert.equal(await refused.getByLabel('Kambuh').isChecked(), true, 'the status chosen is kept');
    s.problems.splice(0);
    await s.axeClean(page, 'aftercare visit refused');

    await refused.getByLabel('Tatap muka').check();
    await s.go(page, refused.getByRole('button', { name: 'Simpan kunjungan' }), /\/aftercare\?relapse=/);
    const relapse = page.getByRole('form', { name: 'Catat kambuh' });
    await relapse.getByText('Kunjungan mencatat klien kambuh').waitFor();
    assert.equal(await relapse.getByLabel('Tanggal kambuh').inputValue(), h.wibDate(0), 'the visit day is offered');
    await relapse.getByLabel('Stimulan jenis amfetamin (sabu, ekstasi)').check();
    await relapse.getByLabel('Intervensi singkat').check();
    await s.go(page, relapse.getByRole('button', { name: 'Simpan kambuh' }), /\/aftercare\?saved=1$/);
    await page.getByText('setelah kambuh').first().waitFor();
    await s.axeClean(page, 'aftercare after a relapse');
    assert.deepEqual(s.problems.splice(0), []);
    await page.context().close();
  });
});
