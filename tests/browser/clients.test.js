'use strict';
// A counsellor's day with one client, on a 360×740 phone, in a real browser:
// first login (password change), registration, consent, an ASSIST screening whose
// score updates live (htmx) before it is saved, a BARC-10 and its chart; axe finds
// no violations on the record and the ASSIST form.
//
// The administrator is made by the CLI; it creates the organisation and the
// counsellor through the JSON API with a bearer token. Run with `npm test`.

const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');
const h = require('./lib/harness');

const { MINUTE, log } = h;
const ADMIN = 'admin.klien';
const ADMIN_PASSWORD = 'teh-manis-sore-2026';
const COUNSELLOR = 'konselor.batam';
const COUNSELLOR_PASSWORD = 'nasi-lemak-batam-2026';

describe('clients on a phone', { timeout: 10 * MINUTE }, () => {
  let dataDir;
  let server;
  let base;
  let browser;
  let context;
  let page;
  let problems;
  let clientPath;
  let invitation;

  async function api(method, url, token, body) {
    const r = await fetch(`${base}${url}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = await r.json();
    assert.ok(r.ok, `${method} ${url}: ${r.status} ${JSON.stringify(json)}`);
    return json;
  }

  // Fails on anything the pages logged as an error since the last call; a refused
  // form's own status (Chromium logs it) can be allowed.
  function assertNoProblems(allowed = []) {
    const left = problems.splice(0).filter((p) => !allowed.some((re) => re.test(p)));
    assert.deepEqual(left, [], 'the pages logged errors');
  }

  // Clicks something that loads a new page and waits for it; when the page does
  // not come, says what the current one shows (a refused form's messages).
  async function go(locator, urlPart, p = page) {
    try {
      await Promise.all([p.waitForURL(urlPart, { waitUntil: 'load', timeout: 15_000 }), locator.click()]);
    } catch (e) {
      const shown = await p.locator('.alert, .error').allTextContents().catch(() => []);
      await h.screenshot(p, 'failed-navigation').catch(() => {});
      throw new Error(`${e.message}\nstill at ${p.url()}, showing: ${JSON.stringify(shown)}`);
    }
  }

  before(async () => {
    const bin = h.pulihBin();
    assert.ok(fs.existsSync(bin), `no pulih binary at ${bin}: run \`cargo build -p pulih-cli\` or set PULIH_BIN`);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulih-clients-'));
    log('importing the official region tree…');
    h.runPulih(bin, ['regions', 'import', '--data-dir', dataDir], { timeoutMs: 10 * MINUTE });
    h.runPulih(bin, ['admin', 'create', '--username', ADMIN, '--password-stdin', '--data-dir', dataDir], {
      input: `${ADMIN_PASSWORD}\n`,
      timeoutMs: 2 * MINUTE,
    });
    server = await h.startServer(bin, dataDir);
    process.once('exit', () => server?.child.kill('SIGKILL'));
    base = server.url;
    log(`server up at ${base}`);
    browser = await chromium.launch({ executablePath: h.chromiumPath(), args: h.CHROMIUM_ARGS, headless: true, timeout: MINUTE });
    context = await browser.newContext({
      baseURL: base,
      locale: 'id-ID',
      viewport: { width: 360, height: 740 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    context.setDefaultTimeout(30_000);
    context.setDefaultNavigationTimeout(60_000);
    problems = h.watchProblems(context);
    page = await context.newPage();
  });

  after(async () => {
    if (browser) await browser.close().catch((e) => log(`closing the browser: ${e.message}`));
    if (server) {
      await h.stopServer(server.child);
      const err = server.stderr().trim();
      if (err) log(`server stderr (last lines):\n${err.split('\n').slice(-20).join('\n')}`);
    }
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('an administrator adds an IPWL in Kota Batam and a counsellor (API, bearer token)', async () => {
    const { token } = await api('POST', '/api/v1/session', null, { username: ADMIN, password: ADMIN_PASSWORD });
    const org = await api('POST', '/api/v1/organisations', token, { name: 'IPWL Puskesmas Batam Kota', org_type: 'ipwl', region: '21.71' });
    const user = await api('POST', '/api/v1/users', token, {
      username: COUNSELLOR,
      display_name: 'Sari Konselor',
      role: 'counsellor',
      org_id: org.id,
      scope: '21.71',
    });
    assert.equal(user.one_time_password, undefined, 'nobody but the counsellor learns the password');
    assert.equal(user.link.purpose, 'invite', 'an invitation link is issued');
    invitation = user.link.path;
    log(`counsellor ${COUNSELLOR} created in ${org.id}`);
  });

  test('the counsellor opens the invitation on a phone, chooses a password, logs in and finds Klien', async () => {
    await page.goto(invitation);
    await h.expectText(page.getByRole('heading', { level: 1 }), 'Pilih kata sandi Anda', 'link heading');
    assert.ok((await page.locator('main').textContent()).includes(COUNSELLOR), 'the page names the account');
    await h.assertNoSidewaysScroll(page, 'invitation');
    const violations = await h.axeScan(page, 'invitation');
    assert.deepEqual(violations.map((v) => v.id), [], 'axe violations on the invitation page');
    await page.getByLabel('Kata sandi baru', { exact: true }).fill(COUNSELLOR_PASSWORD);
    await page.getByLabel('Ulangi kata sandi baru').fill('something else entirely');
    await page.getByRole('button', { name: 'Simpan kata sandi' }).click();
    await page.getByText('Kedua kata sandi tidak sama.').waitFor();
    await page.getByLabel('Kata sandi baru', { exact: true }).fill(COUNSELLOR_PASSWORD);
    await page.getByLabel('Ulangi kata sandi baru').fill(COUNSELLOR_PASSWORD);
    await go(page.getByRole('button', { name: 'Simpan kata sandi' }), '**/login?set=1');
    await page.getByRole('status').filter({ hasText: 'Kata sandi Anda tersimpan.' }).waitFor();
    await page.getByLabel('Nama pengguna').fill(COUNSELLOR);
    await page.getByLabel('Kata sandi', { exact: true }).fill(COUNSELLOR_PASSWORD);
    await go(page.getByRole('button', { name: 'Masuk', exact: true }), '**/home');
    await page.locator('details.menu > summary').click();
    await go(page.getByRole('navigation', { name: 'Menu utama' }).getByRole('link', { name: 'Klien', exact: true }), '**/clients');
    await h.expectText(page.getByRole('heading', { level: 1 }), 'Klien', 'clients heading');
    await h.assertNoSidewaysScroll(page, 'clients');
    assertNoProblems([/status of 422/]);
  });

  test('registering a client opens its record under a pseudonymous code', async () => {
    await page.goto('/clients');
    const form = page.getByRole('form', { name: 'Daftarkan klien' });
    await form.getByLabel('Nama', { exact: true }).fill('Budi Santoso');
    await form.getByLabel('NIK').fill('2171015708900003');
    await form.getByLabel('Tanggal lahir').fill('1990-08-17');
    await form.getByLabel('Jenis kelamin').selectOption('male');
    await form.getByLabel('Desa/kelurahan alamat').fill('21.71.01.1002');
    await go(form.getByRole('button', { name: 'Daftarkan klien' }), /\/clients\/[0-9a-f-]{36}$/);
    clientPath = new URL(page.url()).pathname;
    const heading = (await page.getByRole('heading', { level: 1 }).textContent()).trim();
    assert.match(heading, /^Klien [0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/, 'the heading is the code');
    assert.ok((await page.locator('main').textContent()).includes('Budi Santoso'), 'the identity shows inside the record');
    await page.goto('/clients');
    const list = await page.locator('table').textContent();
    assert.ok(list.includes(heading.slice(6)), 'the list shows the code');
    assert.ok(!list.includes('Budi'), 'the list shows no names');
    assertNoProblems();
    log(`registered ${heading} at ${clientPath}`);
  });

  test('consent to services is chosen, read back, recorded and shown in force', async () => {
    await page.goto(clientPath);
    await page.getByText('Catat persetujuan klien atas layanan sebelum data klinis apa pun.').waitFor();
    await go(page.getByRole('link', { name: 'Catat persetujuan' }), '**/consent');
    const services = page.getByLabel('Layanan: skrining, rencana perawatan dan pengobatan');
    assert.equal(await services.isChecked(), false, 'nothing is ticked beforehand');
    assert.equal(await page.getByLabel('Klien sendiri').isChecked(), false, 'no giver chosen beforehand');
    assert.equal(await page.getByLabel('Tanggal persetujuan').inputValue(), '', 'no date beforehand');
    await h.assertNoSidewaysScroll(page, 'consent form');
    let violations = await h.axeScan(page, 'consent form');
    assert.deepEqual(violations.map((v) => v.id), [], 'axe violations on the consent form');
    await services.check();
    await page.getByLabel('Klien sendiri').check();
    await page.getByLabel('Formulir bertanda tangan').check();
    await page.getByLabel('Nomor formulir persetujuan').fill('IC-2026/017');
    await page.getByLabel('Tanggal persetujuan').fill(h.wibDate());
    // the same address answers each step: wait for the step's heading
    await page.getByRole('button', { name: 'Lanjut: periksa persetujuan' }).click();
    await page.getByRole('heading', { level: 1, name: 'Periksa persetujuan' }).waitFor();
    const readBack = page.getByRole('region', { name: 'Yang akan dicatat' });
    for (const shown of ['Klien sendiri', 'Formulir bertanda tangan', 'IC-2026/017', h.wibDate()]) {
      await readBack.getByText(shown).first().waitFor();
    }
    await h.assertNoSidewaysScroll(page, 'consent read-back');
    violations = await h.axeScan(page, 'consent read-back');
    assert.deepEqual(violations.map((v) => v.id), [], 'axe violations on the consent read-back');
    await page.getByRole('button', { name: 'Ubah' }).click();
    await page.getByRole('heading', { level: 1, name: 'Catat persetujuan' }).waitFor();
    assert.equal(await page.getByLabel('Nomor formulir persetujuan').inputValue(), 'IC-2026/017', 'change keeps the fields');
    assert.equal(await services.isChecked(), true, 'change keeps the ticks');
    await page.getByRole('button', { name: 'Lanjut: periksa persetujuan' }).click();
    await page.getByRole('heading', { level: 1, name: 'Periksa persetujuan' }).waitFor();
    await go(page.getByRole('button', { name: 'Simpan persetujuan' }), `**${clientPath}?saved=1`);
    await h.expectText(page.getByRole('status'), 'Tersimpan.', 'saved notice');
    const consent = page.getByRole('region', { name: 'Persetujuan' });
    await consent.getByText('Berlaku', { exact: true }).waitFor();
    assertNoProblems();
  });

  test('ASSIST: the score updates live while answering, then is saved', async () => {
    await page.goto(clientPath);
    await go(page.getByRole('link', { name: 'Skrining ASSIST' }), '**/assist');
    const score = page.locator('#assist-score');
    assert.equal(await score.getAttribute('aria-live'), 'polite');
    await h.expectText(score, 'Jawab pertanyaan untuk melihat skor.', 'empty score');
    await page.evaluate(() => {
      window.__samePage = true;
    });

    const alcohol = page.locator('details.substance', { has: page.locator('summary', { hasText: 'Minuman beralkohol' }) });
    await alcohol.locator('summary').click();
    const answer = async (question, choice, expected) => {
      const radio = alcohol.getByRole('group', { name: new RegExp(`^${question}\\.`) }).getByRole('radio', { name: choice, exact: true });
      await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/assist/preview') && r.status() === 200),
        radio.check(),
      ]);
      await page.waitForFunction((text) => document.querySelector('#assist-score').textContent.includes(text), expected);
      const shown = (await score.textContent()).replace(/\s+/g, ' ').trim();
      log(`after ${question} = ${choice}: ${shown}`);
      return shown;
    };
    let shown = await answer('Q2', 'Setiap hari atau hampir setiap hari', 'Alkohol: 6');
    assert.match(shown, /Alkohol: 6 · risiko rendah/);
    assert.match(shown, /Saran kesehatan/);
    shown = await answer('Q3', 'Setiap minggu', 'Alkohol: 11');
    assert.match(shown, /Alkohol: 11 · risiko sedang/);
    assert.match(shown, /Intervensi singkat/);
    assert.match(shown, /agen pemulihan IBM/);
    assert.equal(await page.evaluate(() => window.__samePage), true, 'no page load while answering');

    await h.assertNoSidewaysScroll(page, 'assist');
    const violations = await h.axeScan(page, 'ASSIST form with the live score');
    assert.deepEqual(violations.map((v) => v.id), [], 'axe violations on the ASSIST form');

    await go(page.getByRole('button', { name: 'Simpan skrining' }), `**${clientPath}?saved=1`);
    const row = page.locator('.timeline table tbody tr', { hasText: 'Minuman beralkohol' });
    await h.expectText(row.locator('td').first(), '11 / 39', 'alcohol score in the timeline');
    await h.expectText(row.locator('td').nth(1), 'risiko sedang', 'alcohol risk in the timeline');
    const step = page.getByRole('region', { name: 'Langkah berikutnya yang diusulkan' });
    await step.getByText('Intervensi singkat', { exact: true }).first().waitFor();
    assert.equal(await step.getByRole('radio', { name: 'Intervensi singkat' }).isChecked(), true, 'the step form is prefilled');
    assertNoProblems();
  });

  test('BARC-10 twice: the record draws the trend as an SVG chart with a table', async () => {
    const record = async (value, date) => {
      await page.goto(`${clientPath}/barc10`);
      for (let n = 1; n <= 10; n += 1) {
        await page.getByRole('group', { name: new RegExp(`^${n}\\. `) }).getByRole('radio', { name: new RegExp(`^${value} · `) }).check();
      }
      await page.getByLabel('Tanggal skrining').fill(date);
      await go(page.getByRole('button', { name: 'Simpan BARC-10' }), `**${clientPath}?saved=1`);
    };
    await record(4, h.wibDate(30));
    await record(5, h.wibDate());
    const chart = page.getByRole('img', { name: 'Total BARC-10 dari waktu ke waktu' });
    await chart.waitFor();
    const points = await page.locator('figure.chart polyline').getAttribute('points');
    assert.equal(points.trim().split(/\s+/).length, 2, `two points: ${points}`);
    assert.equal(await page.locator('figure.chart line.threshold').count(), 1, 'the dashed line at 47');
    const desc = await page.locator('figure.chart desc').textContent();
    assert.match(desc, /Terakhir: 50/);
    const totals = await page
      .locator('table', { has: page.locator('caption', { hasText: 'Total BARC-10' }) })
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((r) => [...r.cells].map((c) => c.textContent.trim()).join(' ')));
    assert.deepEqual(totals, [`${h.wibDate(30)} 40 Tidak`, `${h.wibDate()} 50 Ya`]);
    await page.getByText('modal pemulihan kuat (≥ 47)').first().waitFor();

    await h.assertNoSidewaysScroll(page, 'record');
    const violations = await h.axeScan(page, 'client record');
    assert.deepEqual(violations.map((v) => v.id), [], 'axe violations on the record page');
    assertNoProblems();
  });

  test('without JavaScript the ASSIST form still saves and the record shows the scores', async () => {
    const noJs = await browser.newContext({
      javaScriptEnabled: false,
      baseURL: base,
      locale: 'id-ID',
      viewport: { width: 360, height: 740 },
      storageState: await context.storageState(),
    });
    try {
      const p = await noJs.newPage();
      await p.goto(`${clientPath}/assist`);
      const tobacco = p.locator('details.substance', { has: p.locator('summary', { hasText: 'Tembakau' }) });
      await tobacco.locator('summary').click();
      assert.equal(await tobacco.getByRole('group', { name: /^Q5\./ }).count(), 0, 'no Q5 for tobacco');
      await tobacco.getByRole('group', { name: /^Q2\./ }).getByRole('radio', { name: 'Setiap hari atau hampir setiap hari', exact: true }).check();
      await Promise.all([
        p.waitForURL(`**${clientPath}?saved=1`, { waitUntil: 'load' }),
        p.getByRole('button', { name: 'Simpan skrining' }).click(),
      ]);
      const row = p.locator('.timeline table tbody tr', { hasText: 'Tembakau' });
      await h.expectText(row.locator('td').first(), '6 / 31', 'tobacco score saved without JS');
    } finally {
      await noJs.close();
    }
  });

  test('a TAT episode shows its deadline (overdue) until the assessment is recorded', async () => {
    await page.goto(`${clientPath}/episode`);
    await page.getByRole('radio', { name: 'Asesmen TAT setelah penangkapan' }).check();
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/episode') && r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Simpan episode' }).click(),
    ]);
    await page.waitForLoadState('load');
    assert.equal(refused.status(), 422, 'TAT without the arrest date is refused');
    await page.getByText('Jalur TAT memerlukan tanggal penangkapan.').waitFor();
    assert.equal(await page.getByLabel('Tanggal penangkapan').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByRole('radio', { name: 'Asesmen TAT setelah penangkapan' }).isChecked(), true, 'the choice is kept');
    const violations = await h.axeScan(page, 'episode form with an error');
    assert.deepEqual(violations.map((v) => v.id), [], 'axe violations on the refused episode form');

    await page.getByLabel('Tanggal penangkapan').fill(h.wibDate(10));
    await page.getByRole('checkbox', { name: 'Stimulan jenis amfetamin (sabu, ekstasi)' }).check();
    await page.getByRole('checkbox', { name: 'Dihisap/dibakar' }).check();
    await go(page.getByRole('button', { name: 'Simpan episode' }), `**${clientPath}?saved=1`);
    const episode = page.locator('.fact', { hasText: 'Episode perawatan' });
    await episode.getByText('Terlambat', { exact: true }).waitFor();
    assert.ok((await episode.textContent()).includes(h.wibDate(4)), 'due six days after the arrest');

    await episode.getByText('Catat asesmen TAT').click();
    await episode.getByLabel('Catatan').fill('Asesmen terpadu di BNNK Batam.');
    await go(episode.getByRole('button', { name: 'Simpan asesmen' }), `**${clientPath}?saved=1`);
    const assessed = page.locator('.fact', { hasText: 'Episode perawatan' });
    await assessed.getByText(`Diasesmen pada ${h.wibDate()}`).waitFor();
    assert.equal(await assessed.getByText('Terlambat', { exact: true }).count(), 0);
    assertNoProblems([/status of 422/]);
  });

  test('a lighter step than proposed needs a reason, shown on the record', async () => {
    await page.goto(clientPath);
    const form = page.getByRole('form', { name: 'Catat langkah yang diambil' });
    await form.getByRole('radio', { name: 'Saran kesehatan' }).check();
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/care-step') && r.status() === 422),
      form.getByRole('button', { name: 'Simpan langkah' }).click(),
    ]);
    await page.waitForLoadState('load');
    const refusedForm = page.getByRole('form', { name: 'Catat langkah yang diambil' });
    await refusedForm.getByText('Tuliskan alasan bila langkah yang diambil lebih ringan dari yang diusulkan.').waitFor();
    assert.equal(await refusedForm.getByRole('radio', { name: 'Saran kesehatan' }).isChecked(), true, 'the choice is kept');
    await refusedForm.getByLabel('Catatan').fill('Klien menolak intervensi; dijadwalkan ulang minggu depan.');
    await go(refusedForm.getByRole('button', { name: 'Simpan langkah' }), `**${clientPath}?saved=1`);
    await page.locator('.fact', { hasText: 'Langkah perawatan' }).getByText('Klien menolak intervensi', { exact: false }).waitFor();
    assertNoProblems([/status of 422/]);
  });

  test('a care plan lists its goals and review date', async () => {
    await page.goto(`${clientPath}/care-plan`);
    await page.getByLabel('Tujuan').fill('Ikut pelatihan las di BLK\nTidur cukup');
    await page.getByLabel('Penanggung jawab').fill('Sari Konselor');
    await page.getByLabel('Tanggal tinjauan').fill(h.wibDate(-30));
    await go(page.getByRole('button', { name: 'Simpan rencana' }), `**${clientPath}?saved=1`);
    const plan = page.locator('.fact', { hasText: 'Rencana perawatan' });
    assert.deepEqual(await plan.locator('ul li').allTextContents(), ['Ikut pelatihan las di BLK', 'Tidur cukup']);
    assert.ok((await plan.textContent()).includes(h.wibDate(-30)));
    assertNoProblems();
  });

  test('the export is the whole record, printable, with a JSON copy', async () => {
    await page.goto(`${clientPath}/export`);
    const heading = (await page.getByRole('heading', { level: 1 }).textContent()).trim();
    assert.match(heading, /^Catatan klien [0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const text = await page.locator('main').textContent();
    for (const expected of ['Budi Santoso', 'Skrining ASSIST', 'Rencana perawatan', 'Episode perawatan']) {
      assert.ok(text.includes(expected), `the export shows ${expected}`);
    }
    assert.equal(await page.locator('main form').count(), 0, 'no forms in the export');
    const violations = await h.axeScan(page, 'export');
    assert.deepEqual(violations.map((v) => v.id), [], 'axe violations on the export');
    const href = await page.getByRole('link', { name: 'unduh sebagai JSON' }).getAttribute('href');
    const json = await page.request.get(href);
    assert.equal(json.status(), 200);
    assert.match(json.headers()['content-disposition'], /attachment; filename="pulih-[0-9A-Z]{4}-[0-9A-Z]{4}\.json"/);
    assert.equal((await json.json()).identity.name, 'Budi Santoso');
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('header.top').isVisible(), false, 'no menu on paper');
    assert.equal(await page.getByText('Budi Santoso').first().isVisible(), true, 'the identity is printed');
    await page.emulateMedia({ media: 'screen' });
    assertNoProblems();
  });

  test('withdrawing consent marks it and stops clinical records', async () => {
    await page.goto(clientPath);
    const consent = page.getByRole('region', { name: 'Persetujuan' });
    await consent.getByText('Tarik persetujuan ini').click();
    await consent.getByLabel('Alasan').fill('Klien ingin berhenti.');
    await go(consent.getByRole('button', { name: 'Tarik persetujuan' }), `**${clientPath}?saved=1`);
    await page.getByRole('region', { name: 'Persetujuan' }).getByText(`Ditarik pada ${h.wibDate()}`).first().waitFor();
    await page.getByText('Catat persetujuan klien atas layanan sebelum data klinis apa pun.').waitFor();
    assert.equal(await page.getByRole('link', { name: 'Skrining ASSIST' }).count(), 0, 'no clinical links without consent');
    assertNoProblems();
  });

  // Another user on a phone of their own.
  async function phoneAs(username, password) {
    const ctx = await browser.newContext({ baseURL: base, locale: 'id-ID', viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    ctx.setDefaultTimeout(30_000);
    const seen = h.watchProblems(ctx);
    const p = await ctx.newPage();
    await p.goto('/login');
    await p.getByLabel('Nama pengguna').fill(username);
    await p.getByLabel('Kata sandi', { exact: true }).fill(password);
    await go(p.getByRole('button', { name: 'Masuk', exact: true }), (u) => u.pathname !== '/login', p);
    return { ctx, p, seen };
  }

  test('break-glass: a coordinator elsewhere is refused, opens access with a reason, an administrator signs it off', async () => {
    const { token } = await api('POST', '/api/v1/session', null, { username: ADMIN, password: ADMIN_PASSWORD });
    const org = await api('POST', '/api/v1/organisations', token, { name: 'BNNK Tanjungpinang', org_type: 'bnn', region: '21.72' });
    const password = 'kopi-o-tanjungpinang-2026';
    await api('POST', '/api/v1/users', token, { username: 'koord.tpi', display_name: 'Koordinator TPI', role: 'coordinator', org_id: org.id, scope: '21.72', password });
    const code = (await page.goto(clientPath), (await page.getByRole('heading', { level: 1 }).textContent()).trim().slice(6));

    const coord = await phoneAs('koord.tpi', password);
    try {
      const refused = await coord.p.goto(clientPath);
      // out of reach, the record is answered as one that does not exist
      assert.equal(refused.status(), 404);
      await h.expectText(coord.p.getByRole('heading', { level: 1 }), 'Data yang dicari tidak ditemukan.', 'polite 404');
      await coord.p.goto('/clients');
      await go(coord.p.getByRole('link', { name: /^Akses darurat/ }), '**/break-glass', coord.p);
      await coord.p.getByLabel('Kode klien').fill(code);
      await coord.p.getByLabel('Alasan').fill('Klien dirawat darurat di RSUD Tanjungpinang.');
      await go(coord.p.getByRole('button', { name: 'Buka dengan akses darurat' }), `**${clientPath}`, coord.p);
      await coord.p.getByText('Anda melihat catatan ini dengan akses darurat (break-glass).', { exact: false }).waitFor();
      const violations = await h.axeScan(coord.p, 'record under break-glass');
      assert.deepEqual(violations.map((v) => v.id), [], 'axe violations under break-glass');
      assert.deepEqual(coord.seen.splice(0).filter((x) => !/status of 404/.test(x)), []);
    } finally {
      await coord.ctx.close();
    }

    const admin = await phoneAs(ADMIN, ADMIN_PASSWORD);
    try {
      await admin.p.locator('details.menu > summary').click();
      await go(admin.p.getByRole('link', { name: 'Tinjauan akses darurat' }), '**/break-glass/review', admin.p);
      const grant = admin.p.locator('.grants li', { hasText: code });
      await grant.getByText('Klien dirawat darurat di RSUD Tanjungpinang.').waitFor();
      assert.ok((await grant.textContent()).includes('Koordinator TPI'), 'who opened it');
      const violations = await h.axeScan(admin.p, 'break-glass review');
      assert.deepEqual(violations.map((v) => v.id), [], 'axe violations on the review page');
      await grant.getByRole('radio', { name: 'Disetujui' }).check();
      await grant.getByLabel('Catatan').fill('Sesuai prosedur.');
      await go(grant.getByRole('button', { name: /^Simpan tinjauan/ }), '**/break-glass/review?reviewed=1', admin.p);
      await admin.p.getByText('Tidak ada akses darurat yang menunggu tinjauan.').waitFor();
      await admin.p.goto('/break-glass/review?all=true');
      await admin.p.locator('.grants li', { hasText: code }).getByText('Disetujui', { exact: false }).waitFor();
      assert.deepEqual(admin.seen.splice(0), []);
    } finally {
      await admin.ctx.close();
    }
  });

  test('a coordinator of the regency assigns the client and erases its data on request', async () => {
    const { token } = await api('POST', '/api/v1/session', null, { username: ADMIN, password: ADMIN_PASSWORD });
    const org = await api('POST', '/api/v1/organisations', token, { name: 'BNNK Batam', org_type: 'bnn', region: '21.71' });
    const password = 'roti-prata-batam-2026';
    await api('POST', '/api/v1/users', token, { username: 'koord.batam', display_name: 'Koordinator Batam', role: 'coordinator', org_id: org.id, scope: '21.71', password });
    const coord = await phoneAs('koord.batam', password);
    try {
      const p = coord.p;
      await p.goto(clientPath);
      const code = (await p.getByRole('heading', { level: 1 }).textContent()).trim().slice(6);
      await p.getByLabel('Petugas', { exact: true }).selectOption({ label: 'Sari Konselor' });
      await go(p.getByRole('button', { name: 'Simpan penugasan' }), `**${clientPath}?saved=1`, p);
      await go(p.getByRole('link', { name: 'Hapus data klien ini…' }), '**/erase', p);
      await p.getByLabel('Konfirmasi kode').fill('2171-99999');
      await Promise.all([p.waitForResponse((r) => r.url().endsWith('/erase') && r.status() === 422), p.getByRole('button', { name: 'Hapus untuk selamanya' }).click()]);
      await p.waitForLoadState('load');
      assert.equal(await p.getByLabel('Konfirmasi kode').getAttribute('aria-invalid'), 'true', 'a wrong code is refused');
      await p.getByLabel('Konfirmasi kode').fill(code);
      await go(p.getByRole('button', { name: 'Hapus untuk selamanya' }), `**${clientPath}?saved=1`, p);
      await p.getByText('Data klien telah dihapus atas permintaan', { exact: false }).first().waitFor();
      assert.ok(!(await p.locator('main').textContent()).includes('Budi'), 'nothing identifying is left');
      await p.goto('/clients');
      await p.locator('table tr', { hasText: code }).getByText('Dihapus').waitFor();
      assert.deepEqual(coord.seen.splice(0).filter((x) => !/status of 422/.test(x)), []);
    } finally {
      await coord.ctx.close();
    }
  });

  // The village programme, on the same phone: an agent of the IBM unit of Kelurahan
  // Pemping (Batam) records an IKN assessment from its village page.
  test('an agent records an IKN assessment of its village; the village page shows its history', async () => {
    const { token } = await api('POST', '/api/v1/session', null, { username: ADMIN, password: ADMIN_PASSWORD });
    const org = await api('POST', '/api/v1/organisations', token, { name: 'IBM Kelurahan Pemping', org_type: 'community', region: '21.71.01.1002' });
    const password = 'kopi-tarik-pemping-2026';
    await api('POST', '/api/v1/users', token, { username: 'agen.pemping', display_name: 'Agen Pemping', role: 'agent', org_id: org.id, scope: '21.71.01.1002', password });
    const agent = await phoneAs('agen.pemping', password);
    try {
      const p = agent.p;
      await p.goto('/regions/21.71.01.1002');
      await go(p.getByRole('link', { name: 'Catat penilaian IKN' }), '**/villages/21.71.01.1002/ikn', p);
      const groups = p.locator('fieldset');
      assert.equal(await groups.count(), 13, 'eight core and five supporting indicators');
      for (let i = 0; i < 13; i += 1) {
        // five core and four supporting present: Bahaya by the published rule
        const present = i < 5 || (i >= 8 && i < 12);
        await groups.nth(i).getByLabel(present ? 'Ada' : 'Tidak ada', { exact: true }).check();
      }
      await h.assertNoSidewaysScroll(p, 'ikn-form');
      const violations = await h.axeScan(p, 'IKN form');
      assert.deepEqual(violations.map((v) => v.id), [], 'axe violations on the IKN form');
      await go(p.getByRole('button', { name: 'Simpan penilaian' }), '**/regions/21.71.01.1002**', p);
      await p.locator('#assessments').waitFor();
      await p.locator('table').getByText('Bahaya', { exact: true }).waitFor();
      const after = await h.axeScan(p, 'village page with its IKN history');
      assert.deepEqual(after.map((v) => v.id), [], 'axe violations on the village page');
      assert.deepEqual(agent.seen.splice(0), []);
    } finally {
      await agent.ctx.close();
    }
  });
  // The IBM unit of Kelurahan Pemping: its coordinator forms it over the API with the
  // agent above; the agent records an awareness session on the phone in a few taps
  // (today, its unit, its village by default); the coordinator sees it on the village page.
  test('an agent records an awareness session on a phone; the coordinator sees it on the village page', async () => {
    const { token } = await api('POST', '/api/v1/session', null, { username: ADMIN, password: ADMIN_PASSWORD });
    const org = await api('POST', '/api/v1/organisations', token, { name: 'BNNK Kota Batam', org_type: 'bnn', region: '21.71' });
    const password = 'teh-obeng-batam-2026';
    await api('POST', '/api/v1/users', token, { username: 'koord.ibm.batam', display_name: 'Koordinator IBM Batam', role: 'coordinator', org_id: org.id, scope: '21.71', password });
    const users = await api('GET', '/api/v1/users', token);
    const agentUser = users.items.find((u) => u.username === 'agen.pemping');
    const { token: coordToken } = await api('POST', '/api/v1/session', null, { username: 'koord.ibm.batam', password });
    await api('POST', '/api/v1/villages/21.71.01.1002/ibm-unit', coordToken, {
      founded_on: h.wibDate(30), place: 'Kantor Kelurahan Pemping',
      attendees: { village_head: 1, agent: 5, religious_leader: 2, bnnk_officer: 2 },
      decree_number: '141/IBM/2026', decree_date: h.wibDate(30), decree_signed_by: 'Lurah Pemping',
      members: [{ user_id: agentUser.id, sex: 'female', age_band: '25_44' }],
    });

    const agent = await phoneAs('agen.pemping', 'kopi-tarik-pemping-2026');
    try {
      const p = agent.p;
      await p.goto('/worklist');
      await go(p.getByRole('link', { name: 'Catat sosialisasi' }).first(), '**/activities/new?kind=awareness', p);
      assert.equal(await p.getByRole('link', { name: 'Sosialisasi' }).getAttribute('aria-current'), 'page', 'the awareness session form');
      assert.equal(await p.getByLabel('Tanggal').inputValue(), h.wibDate(0), 'today by default');
      await p.getByLabel('Tingkat/tempat').selectOption('rw');
      await p.getByLabel('Jumlah peserta', { exact: true }).fill('40');
      await p.getByLabel('Laki-laki').fill('22');
      await p.getByLabel('Perempuan').fill('18');
      await p.getByText('Rincian lain (boleh dikosongkan)').click();
      await p.getByLabel('Materi (mis. leaflet, video)').fill('leaflet bahaya narkoba');
      await h.assertNoSidewaysScroll(p, 'activity-form');
      const violations = await h.axeScan(p, 'activity form');
      assert.deepEqual(violations.map((v) => v.id), [], 'axe violations on the activity form');
      await go(p.getByRole('button', { name: 'Simpan kegiatan' }), '**/regions/21.71.01.1002**', p);
      await p.locator('#activities').waitFor();
      await p.locator('.activities').getByText('leaflet bahaya narkoba', { exact: false }).waitFor();
      assert.deepEqual(agent.seen.splice(0), []);
    } finally {
      await agent.ctx.close();
    }

    const coord = await phoneAs('koord.ibm.batam', password);
    try {
      const p = coord.p;
      await p.goto('/regions/21.71.01.1002');
      const item = p.locator('.activities li').first();
      await h.expectText(item, `${h.wibDate(0)} · Sosialisasi · RW · 40 orang (22 L, 18 P) · leaflet bahaya narkoba · Koreksi ${h.wibDate(0)}`, 'the session on the village page, correctable by its coordinator');
      const violations = await h.axeScan(p, 'village page with its IBM unit');
      assert.deepEqual(violations.map((v) => v.id), [], 'axe violations on the village page');
      assert.deepEqual(coord.seen.splice(0), []);
    } finally {
      await coord.ctx.close();
    }
  });
});
