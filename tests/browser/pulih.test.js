'use strict';
// Real-browser tests of the Pulih web pages.
//
// Starts its own `pulih serve` on a fresh SQLite data folder, drives Debian's
// Chromium through playwright-core (no browser download), and scans pages with
// axe-core. Run with `npm ci && npm test` in this folder.
//
// Environment:
//   PULIH_BIN          the pulih binary (default: $CARGO_TARGET_DIR/debug/pulih,
//                      else ../../target/debug/pulih relative to this folder)
//   CHROMIUM_PATH      the browser (default: `which chromium`)
//   PULIH_BROWSER_ARTIFACTS  folder for screenshots (default: ./artifacts)

const { test, describe, before, beforeEach, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const {
  MINUTE,
  CHROMIUM_ARGS,
  log,
  pulihBin,
  chromiumPath,
  runPulih,
  startServer,
  stopServer,
  watchProblems,
  screenshot,
  expectText,
  axeScan,
} = require('./lib/harness');

const USERNAME = 'admin.test';
const PASSWORD = 'kopi-susu-pagi-2026';
// Axe impacts that fail the test; the others are only printed.
const BLOCKING_IMPACTS = new Set(['serious', 'critical']);

function blocking(violations) {
  return violations.filter((v) => BLOCKING_IMPACTS.has(v.impact));
}

// ---------------------------------------------------------------- the suite

describe('Pulih in a real browser', { timeout: 10 * MINUTE }, () => {
  let dataDir;
  let server;
  let base;
  let browser;
  let context; // Indonesian-speaking user, shared by the scenarios in order
  let page;
  let problems;
  let loggedIn = false;

  before(async () => {
    const bin = pulihBin();
    assert.ok(
      fs.existsSync(bin),
      `no pulih binary at ${bin}: run \`cargo build -p pulih-cli\` or set PULIH_BIN`,
    );
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulih-browser-'));
    log(`binary ${bin}; data folder ${dataDir}`);
    log('importing the official region tree (takes a while in a debug build)…');
    runPulih(bin, ['regions', 'import', '--data-dir', dataDir], { timeoutMs: 10 * MINUTE });
    runPulih(
      bin,
      ['admin', 'create', '--username', USERNAME, '--password-stdin', '--data-dir', dataDir],
      { input: `${PASSWORD}\n`, timeoutMs: 2 * MINUTE },
    );
    server = await startServer(bin, dataDir);
    // Last resort if the runner is torn down without the after hook.
    process.once('exit', () => server?.child.kill('SIGKILL'));
    base = server.url;
    log(`server up at ${base}`);

    const exe = chromiumPath();
    browser = await chromium.launch({
      executablePath: exe,
      args: CHROMIUM_ARGS,
      headless: true,
      timeout: MINUTE,
    });
    log(`browser ${exe} ${browser.version()} launched`);
    context = await browser.newContext({ locale: 'id-ID', baseURL: base });
    context.setDefaultTimeout(30_000);
    context.setDefaultNavigationTimeout(60_000);
    problems = watchProblems(context);
    page = await context.newPage();
  });

  after(async () => {
    if (browser) await browser.close().catch((e) => log(`closing the browser: ${e.message}`));
    if (server) {
      await stopServer(server.child);
      const err = server.stderr().trim();
      if (err) log(`server stderr (last lines):\n${err.split('\n').slice(-20).join('\n')}`);
      log('server stopped');
    }
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  // What a failed test left behind is not the next test's fault.
  beforeEach(() => {
    problems?.splice(0);
  });

  // Logs `p` in through the form; leaves it on the page the server sends it to.
  async function logIn(p) {
    await p.goto('/login');
    await p.getByLabel('Nama pengguna').fill(USERNAME);
    await p.getByLabel('Kata sandi').fill(PASSWORD);
    await Promise.all([
      p.waitForURL((u) => u.pathname !== '/login', { waitUntil: 'load' }),
      p.getByRole('button', { name: 'Masuk', exact: true }).click(),
    ]);
  }

  async function ensureLoggedIn() {
    if (loggedIn) return;
    log('(logging in first)');
    await logIn(page);
    loggedIn = true;
  }

  // Fails on anything the pages logged as an error since the last call.
  function assertNoProblems(allowed = []) {
    const left = problems.splice(0).filter((p) => !allowed.some((re) => re.test(p)));
    assert.deepEqual(left, [], 'the pages logged errors');
  }

  test('wrong password: the form says so and stays on /login', async () => {
    await page.goto('/login');
    assert.equal(await page.locator('html').getAttribute('lang'), 'id');
    await page.getByLabel('Nama pengguna').fill(USERNAME);
    await page.getByLabel('Kata sandi').fill('bukan-kata-sandi-ini');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/login') && r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Masuk', exact: true }).click(),
    ]);
    await page.waitForLoadState('load');
    log(`wrong password answered ${response.status()}`);
    assert.equal(new URL(page.url()).pathname, '/login');
    const alert = page.getByRole('alert');
    await expectText(alert, 'Nama pengguna atau kata sandi salah.', 'the error message');
    await expectText(page.getByRole('heading', { level: 1 }), 'Masuk ke Pulih', 'heading');
    assert.equal(await page.getByLabel('Nama pengguna').inputValue(), USERNAME, 'username kept');
    assert.equal(await page.getByLabel('Kata sandi').inputValue(), '', 'password not echoed');
    // Chromium logs the 401 of the form post itself as a console error.
    assertNoProblems([/status of 401/]);
    log('wrong password: rejected with the message, still on /login');
  });

  test('log in as an administrator and land on the home page', async () => {
    await page.goto('/login');
    assert.equal(await page.locator('html').getAttribute('lang'), 'id', '<html lang>');
    await expectText(page.getByRole('heading', { level: 1 }), 'Masuk ke Pulih', 'login heading');
    await logIn(page);
    loggedIn = true;
    assert.equal(new URL(page.url()).pathname, '/home');
    await expectText(page.getByRole('heading', { level: 1 }), 'Beranda', 'home heading');
    await page.goto('/regions');
    await expectText(page.getByRole('heading', { level: 1 }), 'Wilayah Indonesia', 'regions heading');
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.httpOnly && /sess/i.test(c.name));
    assert.ok(session, `an HttpOnly session cookie; got ${cookies.map((c) => c.name).join(', ')}`);
    assertNoProblems();
    log('logged in; on /home, then /regions "Wilayah Indonesia"');
  });

  test('switch to English and back; the choice is remembered', async () => {
    await ensureLoggedIn();
    await page.goto('/regions');
    await Promise.all([
      page.waitForURL('**/regions', { waitUntil: 'load' }),
      page.getByRole('link', { name: 'English', exact: true }).click(),
    ]);
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    await expectText(page.getByRole('heading', { level: 1 }), 'Regions of Indonesia', 'English heading');
    log('English on /regions');

    // Remembered on another page.
    await page.goto('/regions/21');
    assert.equal(await page.locator('html').getAttribute('lang'), 'en', 'still English on /regions/21');
    await page.getByRole('heading', { name: /^Regions below \(\d+\)$/ }).waitFor();
    log('still English on /regions/21');

    await Promise.all([
      page.waitForURL('**/regions/21', { waitUntil: 'load' }),
      page.getByRole('link', { name: 'Bahasa Indonesia', exact: true }).click(),
    ]);
    assert.equal(await page.locator('html').getAttribute('lang'), 'id');
    await page.getByRole('heading', { name: /^Wilayah di bawahnya \(\d+\)$/ }).waitFor();
    await page.goto('/regions');
    await expectText(page.getByRole('heading', { level: 1 }), 'Wilayah Indonesia', 'back in Indonesian');
    assertNoProblems();
    log('back to Indonesian, remembered on /regions');

    // Logged out, on the login page: the switch returns to the login form.
    const anon = await browser.newContext({ baseURL: base, locale: 'id-ID' });
    try {
      const p = await anon.newPage();
      await p.goto('/login');
      await Promise.all([
        p.waitForURL((u) => u.pathname === '/login' && p.url() !== `${base}/login`, { waitUntil: 'load' }),
        p.getByRole('link', { name: 'English', exact: true }).click(),
      ]);
      assert.equal(await p.locator('html').getAttribute('lang'), 'en');
      await expectText(p.getByRole('heading', { level: 1 }), 'Log in to Pulih', 'English login heading');
      await p.getByLabel('Username').waitFor();
      log(`logged out: English login page at ${new URL(p.url()).pathname}${new URL(p.url()).search}`);
    } finally {
      await anon.close();
    }
  });

  test('browse to Kota Batam and count its 64 kelurahan', async () => {
    await ensureLoggedIn();
    await page.goto('/regions');
    await Promise.all([
      page.waitForURL('**/regions/21', { waitUntil: 'load' }),
      page.getByRole('link', { name: 'Kepulauan Riau', exact: true }).click(),
    ]);
    await expectText(page.getByRole('heading', { level: 1 }), 'Kepulauan Riau (21)', 'province heading');
    await Promise.all([
      page.waitForURL('**/regions/21.71', { waitUntil: 'load' }),
      page.getByRole('link', { name: 'Kota Batam', exact: true }).click(),
    ]);
    await expectText(page.getByRole('heading', { level: 1 }), 'Kota Batam (21.71)', 'regency heading');

    const crumbs = page.getByRole('navigation', { name: 'Jejak wilayah' }).getByRole('link');
    assert.deepEqual(await crumbs.allTextContents(), ['Indonesia', 'Kepulauan Riau'], 'breadcrumb');
    assert.equal(await crumbs.nth(1).getAttribute('href'), '/regions/21');

    await page.getByRole('heading', { name: 'Wilayah di bawahnya (12)', exact: true }).waitFor();
    const districts = page.getByRole('list', { name: 'Wilayah di bawahnya (12)', exact: true });
    const districtItems = districts.getByRole('listitem');
    assert.equal(await districtItems.count(), 12, '12 kecamatan');
    const links = await districts.getByRole('link').evaluateAll((as) =>
      as.map((a) => ({ name: a.textContent.trim(), href: a.getAttribute('href') })),
    );
    assert.equal(links.length, 12);
    log(`Kota Batam: ${links.length} kecamatan: ${links.map((l) => l.name).join(', ')}`);

    let total = 0;
    for (const d of links) {
      await page.goto(d.href);
      const code = d.href.split('/').pop();
      await expectText(page.getByRole('heading', { level: 1 }), `${d.name} (${code})`, `heading of ${d.href}`);
      const crumbNames = await page
        .getByRole('navigation', { name: 'Jejak wilayah' })
        .getByRole('link')
        .allTextContents();
      assert.deepEqual(crumbNames, ['Indonesia', 'Kepulauan Riau', 'Kota Batam'], `breadcrumb of ${d.name}`);
      const list = page.getByRole('list', { name: /^Wilayah di bawahnya \(\d+\)$/ });
      const items = await list.getByRole('listitem').allTextContents();
      const heading = await page.getByRole('heading', { name: /^Wilayah di bawahnya \(\d+\)$/ }).textContent();
      assert.equal(heading.trim(), `Wilayah di bawahnya (${items.length})`, `count in the heading of ${d.name}`);
      for (const text of items) {
        assert.match(text, /Kelurahan/, `every village of Batam is a kelurahan: ${text.trim()}`);
      }
      log(`  ${d.name}: ${items.length} kelurahan`);
      total += items.length;
    }
    assert.equal(total, 64, 'Kota Batam has 64 kelurahan');
    assertNoProblems();
    log(`Kota Batam: ${total} kelurahan in all`);
  });

  test('search "binjai": htmx fills #results in place; the no-JS page works too', async () => {
    await ensureLoggedIn();
    await page.goto('/regions');
    // A marker on window survives only if no new document is loaded.
    await page.evaluate(() => {
      window.__samePage = true;
    });
    let navigations = 0;
    const onNav = (f) => {
      if (f === page.mainFrame()) navigations += 1;
    };
    page.on('framenavigated', onNav);
    const box = page.getByLabel('Cari desa/kelurahan menurut nama');
    const [response] = await Promise.all([
      page.waitForResponse(
        (r) => r.url().includes('/regions/search') && r.url().includes('q=binjai') && r.request().headers()['hx-request'] === 'true',
      ),
      box.pressSequentially('binjai', { delay: 40 }),
    ]);
    assert.equal(response.status(), 200);
    const results = page.locator('#results');
    const items = results.locator('ul.results > li');
    await items.first().waitFor();
    page.off('framenavigated', onNav);
    assert.equal(await page.evaluate(() => window.__samePage), true, 'no page load');
    assert.equal(navigations, 0, 'no navigation');
    assert.equal(new URL(page.url()).pathname, '/regions', 'URL unchanged');

    const texts = (await items.allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
    log(`htmx search "binjai": ${texts.length} results, e.g.\n    ${texts.slice(0, 5).join('\n    ')}`);
    assert.ok(texts.length >= 3, `several results, got ${texts.length}`);
    for (const t of texts) assert.match(t, /binjai/i, 'each result names binjai');
    // Each village shows its path: province › regency › district.
    const paths = await items.locator('.muted').allTextContents();
    assert.equal(paths.length, texts.length, 'a path under every result');
    for (const p of paths) {
      assert.match(p.trim(), /^[^›]+ › (Kabupaten|Kota) [^›]+ › [^›]+$/, `a full path: ${p.trim()}`);
    }
    assert.ok(
      texts.some((t) => t === 'Binjai Sumatera Utara › Kota Binjai › Binjai Kota'),
      'kelurahan Binjai in Kota Binjai, Sumatera Utara, is found',
    );
    await expectText(page.locator('#results-count'), `Hasil: ${texts.length}`, 'result count in the status region');
    await screenshot(page, 'search-htmx');

    // No JavaScript: the form's GET gives a whole page.
    const resp = await page.goto('/regions/search?q=binjai');
    assert.equal(resp.status(), 200);
    await expectText(page.getByRole('heading', { level: 1 }), 'Cari', 'search page heading');
    assert.equal(await page.getByLabel('Cari desa/kelurahan menurut nama').inputValue(), 'binjai');
    const full = (await page.locator('#results ul.results > li').allTextContents()).map((t) =>
      t.replace(/\s+/g, ' ').trim(),
    );
    assert.deepEqual(full, texts, 'the full page lists the same results');
    assert.ok(await page.locator('header nav').count(), 'the full page has the site frame');

    // And with JavaScript off altogether, submitting the form.
    const noJs = await browser.newContext({
      javaScriptEnabled: false,
      baseURL: base,
      locale: 'id-ID',
      storageState: await context.storageState(),
    });
    try {
      const p = await noJs.newPage();
      await p.goto('/regions');
      await p.getByLabel('Cari desa/kelurahan menurut nama').fill('binjai');
      await Promise.all([
        p.waitForURL('**/regions/search?q=binjai', { waitUntil: 'load' }),
        p.getByRole('button', { name: 'Cari', exact: true }).click(),
      ]);
      assert.equal(await p.locator('#results ul.results > li').count(), texts.length, 'no-JS results');
    } finally {
      await noJs.close();
    }
    assertNoProblems();
    log(`no-JS search page: ${full.length} results`);
  });

  test('search: the result count is announced (a live region that exists before the results come)', async () => {
    await ensureLoggedIn();
    await page.goto('/regions');
    // Screen readers announce changes inside a live region that is already in
    // the page; a live region inserted together with its text is usually not
    // announced at all (WCAG 4.1.3, status messages).
    const before = await page.evaluate(() => {
      const live = document.querySelectorAll('[aria-live]:not([aria-live="off"]), [role="status"], [role="log"], [role="alert"]');
      live.forEach((el) => {
        el.dataset.pulihTestBefore = 'yes';
      });
      return [...live].map((el) => el.outerHTML.slice(0, 120));
    });
    log(`live regions before searching: ${before.length ? before.join(' | ') : 'none'}`);
    await page.getByLabel('Cari desa/kelurahan menurut nama').pressSequentially('binjai', { delay: 40 });
    await page.locator('#results ul.results > li').first().waitFor();
    const found = await page.evaluate(() => {
      const count = [...document.querySelectorAll('main *')].find(
        (el) => el.children.length === 0 && /^Hasil: \d+$/.test(el.textContent.trim()),
      );
      if (!count) return { count: null };
      let el = count;
      while (el && el !== document.body) {
        const liveAttr = el.getAttribute('aria-live');
        const role = el.getAttribute('role');
        if ((liveAttr && liveAttr !== 'off') || ['status', 'log', 'alert'].includes(role)) {
          return { count: count.textContent.trim(), live: el.outerHTML.slice(0, 120), existedBefore: el.dataset.pulihTestBefore === 'yes' };
        }
        el = el.parentElement;
      }
      return { count: count.textContent.trim(), live: null };
    });
    log(`after the htmx swap: ${JSON.stringify(found)}`);
    assert.ok(found.count, 'the result count "Hasil: N" is shown');
    assert.ok(found.live, 'the result count is inside a live region');
    assert.ok(
      found.existedBefore,
      `the live region around the count must already be in the page before the search; it came with the results: ${found.live}`,
    );
  });

  test('language switch on a search page keeps the whole query ("teluk & x")', async () => {
    await ensureLoggedIn();
    const q = 'teluk & x';
    await page.goto(`/regions/search?q=${encodeURIComponent(q)}`);
    assert.equal(await page.getByLabel('Cari desa/kelurahan menurut nama').inputValue(), q);
    const link = page.getByRole('link', { name: 'English', exact: true });
    log(`language link on the search page: ${await link.getAttribute('href')}`);
    await Promise.all([page.waitForURL('**/regions/search**', { waitUntil: 'load' }), link.click()]);
    try {
      assert.equal(await page.locator('html').getAttribute('lang'), 'en');
      assert.equal(await page.getByLabel('Find a village by name').inputValue(), q, `query after the switch (at ${page.url()})`);
    } finally {
      // Leave the shared context in Indonesian for the scenarios after this one.
      await page.goto('/lang/id?next=/regions');
    }
    assertNoProblems();
  });

  test('phone (360×740): no horizontal scrolling on login, Kota Batam and search results', async () => {
    const phone = await browser.newContext({
      baseURL: base,
      locale: 'id-ID',
      viewport: { width: 360, height: 740 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    const phoneProblems = watchProblems(phone);
    try {
      const p = await phone.newPage();
      const widths = async (label) => {
        const w = await p.evaluate(() => ({
          scroll: document.documentElement.scrollWidth,
          client: document.documentElement.clientWidth,
          inner: window.innerWidth,
          wide: [...document.querySelectorAll('body *')]
            .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
            .slice(0, 5)
            .map((el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className ? '.' + String(el.className).replace(/ /g, '.') : ''} (right ${Math.round(el.getBoundingClientRect().right)})`),
        }));
        const shot = await screenshot(p, `phone-${label}`);
        log(`phone ${label}: scrollWidth ${w.scroll}, clientWidth ${w.client}, innerWidth ${w.inner}; screenshot ${shot}`);
        assert.ok(
          w.scroll <= 361,
          `${label}: the page scrolls sideways (scrollWidth ${w.scroll}); too wide: ${w.wide.join(', ')}`,
        );
      };
      await p.goto('/login');
      await widths('login');
      await logIn(p);
      await p.goto('/regions/21.71');
      await expectText(p.getByRole('heading', { level: 1 }), 'Kota Batam (21.71)', 'Batam heading on the phone');
      await widths('kota-batam');
      await p.goto('/regions/search?q=binjai');
      await p.locator('#results ul.results > li').first().waitFor();
      await widths('search-binjai');
      const shown = phoneProblems.splice(0);
      assert.deepEqual(shown, [], 'the pages logged errors');
    } finally {
      await phone.close();
    }
  });

  test('axe self-check: the scan does report known faults', async () => {
    const p = await browser.newPage();
    try {
      await p.setContent('<html><head><title>x</title></head><body><main><img src="data:,"><input id="q"></main></body></html>');
      const ids = (await axeScan(p, 'a page broken on purpose (violations expected)')).map((v) => v.id).sort();
      assert.ok(ids.includes('image-alt') && ids.includes('label') && ids.includes('html-has-lang'), `got ${ids}`);
    } finally {
      await p.close();
    }
  });

  test('accessibility: axe finds nothing serious or critical', async () => {
    const found = [];
    // The login page, as someone logged out sees it (fresh context).
    const anon = await browser.newContext({ baseURL: base, locale: 'id-ID' });
    try {
      const p = await anon.newPage();
      await p.goto('/login');
      found.push(['login', await axeScan(p, 'login page')]);
      // The first Tab reaches the skip link, which then shows on screen.
      await p.keyboard.press('Tab');
      const skip = await p.evaluate(() => {
        const el = document.activeElement;
        const r = el.getBoundingClientRect();
        return { text: el.textContent.trim(), href: el.getAttribute('href'), left: r.left, right: r.right, top: r.top };
      });
      log(`first Tab: ${JSON.stringify(skip)}`);
      assert.equal(skip.text, 'Langsung ke isi', 'the first Tab stop is the skip link');
      assert.equal(skip.href, '#main');
      assert.ok(skip.left >= 0 && skip.top >= 0, 'the focused skip link is on screen');
      // The login page showing the wrong-password error.
      await p.getByLabel('Nama pengguna').fill(USERNAME);
      await p.getByLabel('Kata sandi').fill('salah-sekali-123');
      await Promise.all([
        p.waitForURL('**/login', { waitUntil: 'load' }),
        p.getByRole('button', { name: 'Masuk', exact: true }).click(),
      ]);
      await p.getByRole('alert').waitFor();
      found.push(['login with error', await axeScan(p, 'login page with error')]);
    } finally {
      await anon.close();
    }

    await ensureLoggedIn();
    await page.goto('/regions');
    found.push(['regions', await axeScan(page, 'region tree')]);
    await page.goto('/regions/21.71');
    await expectText(page.getByRole('heading', { level: 1 }), 'Kota Batam (21.71)', 'Batam heading');
    found.push(['Kota Batam', await axeScan(page, 'Kota Batam')]);
    await page.goto('/regions/search?q=binjai');
    await page.locator('#results ul.results > li').first().waitFor();
    found.push(['search results', await axeScan(page, 'search results page')]);
    // The htmx-filled results inside a region page.
    await page.goto('/regions/21.71');
    await page.getByLabel('Cari desa/kelurahan menurut nama').pressSequentially('binjai', { delay: 40 });
    await page.locator('#results ul.results > li').first().waitFor();
    found.push(['htmx results', await axeScan(page, 'Kota Batam with htmx results')]);
    // The partner directory: search, results and the listing form, then the form refused.
    await page.goto('/partner-services');
    await expectText(page.getByRole('heading', { level: 1 }), 'Direktori layanan mitra', 'directory heading');
    found.push(['directory', await axeScan(page, 'partner directory')]);
    await page.getByLabel('Wilayah layanan', { exact: true }).fill('21.71, 21.99');
    await Promise.all([
      page.waitForURL('**/partner-services', { waitUntil: 'load' }),
      page.getByRole('button', { name: 'Catat layanan', exact: true }).click(),
    ]);
    await page.locator('p.error').first().waitFor();
    found.push(['directory form refused', await axeScan(page, 'refused listing form')]);

    const bad = found.flatMap(([where, vs]) =>
      blocking(vs).map((v) => `${where}: [${v.impact}] ${v.id} at ${v.nodes.map((n) => JSON.stringify(n.target)).join(' ')}`),
    );
    assert.deepEqual(bad, [], 'serious or critical accessibility violations');
  });
});
