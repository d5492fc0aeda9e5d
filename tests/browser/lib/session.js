'use strict';
// What a browser test does against one running server: JSON API calls, users with a
// chosen password, a logged-in 360×740 phone, and clicks that must land on a page.

const assert = require('node:assert/strict');
const h = require('./harness');

/// The calls of a test against the server at `base`, with phones from `browser`; every
/// user made here gets `password`. `problems` holds what the last phone's pages logged.
function session({ base, browser, password }) {
  const s = { problems: [] };

  s.api = async (method, url, token, body) => {
    const r = await fetch(`${base}${url}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = r.status === 204 ? null : await r.json();
    assert.ok(r.ok, `${method} ${url}: ${r.status} ${JSON.stringify(json)}`);
    return json;
  };

  // A user scoped to Kota Batam unless told otherwise (`ID`: the nation), who sets the
  // password through the invitation link, as the person would.
  s.user = async (token, username, role, org, scope = '21.71') => {
    // administrators and national users need the explicit confirmation
    const confirm_privileged = role === 'admin' || scope === 'ID';
    const u = await s.api('POST', '/api/v1/users', token, { username, display_name: username, role, org_id: org, scope, confirm_privileged });
    await s.api('POST', `/api/v1/links/${u.link.token}`, null, { password });
    const { token: fresh } = await s.api('POST', '/api/v1/session', null, { username, password });
    return fresh;
  };

  // A logged-in phone; `own` is the password when it is not the session's (the CLI's admin).
  s.phone = async (username, own = password) => {
    const context = await browser.newContext({
      baseURL: base,
      locale: 'id-ID',
      viewport: { width: 360, height: 740 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    context.setDefaultTimeout(30_000);
    s.problems = h.watchProblems(context);
    const page = await context.newPage();
    await page.goto('/login');
    await page.getByLabel('Nama pengguna').fill(username);
    await page.getByLabel('Kata sandi', { exact: true }).fill(own);
    await Promise.all([page.waitForURL((u) => u.pathname !== '/login'), page.getByRole('button', { name: 'Masuk', exact: true }).click()]);
    return page;
  };

  s.go = async (page, locator, urlPart) => {
    try {
      await Promise.all([page.waitForURL(urlPart, { waitUntil: 'load', timeout: 15_000 }), locator.click()]);
    } catch (e) {
      const shown = await page.locator('.alert, .error').allTextContents().catch(() => []);
      await h.screenshot(page, 'navigation').catch(() => {});
      throw new Error(`${e.message}\nstill at ${page.url()}, showing: ${JSON.stringify(shown)}`);
    }
  };

  s.axeClean = async (page, label) => {
    const violations = await h.axeScan(page, label);
    assert.deepEqual(violations, [], `axe on ${label}`);
  };

  return s;
}

module.exports = { session };
