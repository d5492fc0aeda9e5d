'use strict';
// A client's right of access (UU 27/2022) on a 360×740 phone: a counsellor of IPWL Batam
// opens a client's record and its access report, which lists in Indonesian who read or
// changed the record, from which organisation and when (WIB, the client's zone),
// including a break-glass access by a BNNK Bintan coordinator with its reason; the page
// becomes cards on the phone, axe finds no violations, and printed on A4 it shows the
// identity and the log without the menu.
//
// The administrator is made by the CLI; organisations, users, the client and the
// break-glass access come through the JSON API. Run with `npm test -- access_report.test.js`.

const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./lib/harness');
const { session } = require('./lib/session');

const { MINUTE } = h;
const ADMIN = 'admin.akses';
const ADMIN_PASSWORD = 'wedang-jahe-pagi-2026';
const PASSWORD = 'bajigur-hangat-sore-2026';
const REASON = 'Klien dirawat darurat di RSUD Tanjung Uban, perlu riwayat';

describe("a client's access report on a phone", { timeout: 10 * MINUTE }, () => {
  let scene;
  let s;
  let client;

  before(async () => {
    scene = await h.startScene('access', ADMIN, ADMIN_PASSWORD);
    s = session({ base: scene.base, browser: scene.browser, password: PASSWORD });
    const { token } = await s.api('POST', '/api/v1/session', null, { username: ADMIN, password: ADMIN_PASSWORD });
    const ipwl = await s.api('POST', '/api/v1/organisations', token, { name: 'IPWL Batam', org_type: 'ipwl', region: '21.71' });
    const bintan = await s.api('POST', '/api/v1/organisations', token, { name: 'BNNK Bintan', org_type: 'bnn', region: '21.01' });
    const counsellor = await s.user(token, 'konselor.akses', 'counsellor', ipwl.id);
    const coordinator = await s.user(token, 'kasi.bintan', 'coordinator', bintan.id, '21.01');
    client = await s.api('POST', '/api/v1/clients', counsellor, { name: 'Rina Hartati' });
    await s.api('POST', `/api/v1/clients/${client.id}/consents`, counsellor, {
      services: true, share_with: [], follow_up: true, given_by: 'client', method: 'signed_form', given_on: h.wibDate(3),
    });
    await s.api('POST', '/api/v1/break-glass', coordinator, { code: client.code, reason: REASON });
    await s.api('GET', `/api/v1/clients/${client.id}`, coordinator);
  });

  after(() => h.stopScene(scene));

  test('the counsellor prints the record with every access to it, the break-glass reason included', async () => {
    const page = await s.phone('konselor.akses');
    await page.goto(`/clients/${client.id}`);
    await s.go(page, page.getByRole('link', { name: 'Laporan akses untuk klien (cetak)' }), /\/access-report$/);
    await page.getByRole('heading', { name: `Laporan akses catatan klien ${client.code}` }).waitFor();
    const log = page.getByRole('table', { name: 'Log akses catatan klien' });
    const rows = log.locator('tbody tr');
    const texts = (await rows.allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
    assert.ok(texts[0].includes('Mendaftarkan klien') && texts[0].includes('IPWL Batam'), texts[0]);
    const glass = texts.filter((t) => t.includes('Akses darurat'));
    assert.equal(glass.length, 2, `the opening and the read under it: ${JSON.stringify(texts)}`);
    for (const t of glass) {
      assert.ok(t.includes(REASON) && t.includes('BNNK Bintan') && t.includes('kasi.bintan'), t);
    }
    assert.ok(texts.some((t) => t.includes('Membuka akses darurat ke catatan klien')));
    assert.ok(texts.at(-1).includes('Mencetak laporan akses ini atas permintaan klien'), texts.at(-1));
    assert.ok(texts.every((t) => / WIB/.test(t)), 'times in the client zone');
    assert.ok(texts.every((t) => !/client\.|access\.kind/.test(t)), 'no raw keys');
    // a row is a card on the phone: each cell says what it is
    const when = rows.first().locator('td').first();
    assert.equal(await when.getAttribute('data-label'), 'Waktu');
    await h.assertNoSidewaysScroll(page, 'access report');
    s.problems.splice(0);
    await s.axeClean(page, 'access report');

    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('header.top').isVisible(), false, 'no menu on paper');
    assert.equal(await page.getByText('Rina Hartati').isVisible(), true, 'the identity is printed');
    assert.equal(await log.isVisible(), true, 'the log is printed');
    await page.setViewportSize({ width: 794, height: 1123 });
    await h.screenshot(page, 'access-report-print-a4');
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    assert.ok(pdf.length > 10_000 && pdf.subarray(0, 5).toString() === '%PDF-', 'an A4 PDF is made');
    await page.emulateMedia({ media: 'screen' });
    assert.deepEqual(s.problems, []);
  });
});
