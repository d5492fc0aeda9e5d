'use strict';
// What every browser test file needs: the pulih binary and a fresh server on a
// fresh SQLite data folder, Debian's Chromium through playwright-core, a watch on
// console errors (a CSP violation shows there), screenshots and the axe scan.
// Taken from pulih.test.js so that new test files do not copy it again.

const assert = require('node:assert/strict');
const { spawn, spawnSync, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const HERE = path.resolve(__dirname, '..');
const MINUTE = 60_000;
const ARTIFACTS = path.resolve(process.env.PULIH_BROWSER_ARTIFACTS || path.join(HERE, 'artifacts'));
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

const started = Date.now();
function log(...parts) {
  const secs = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
  console.log(`[${secs}s]`, ...parts);
}

function pulihBin() {
  if (process.env.PULIH_BIN) return path.resolve(process.env.PULIH_BIN);
  if (process.env.CARGO_TARGET_DIR) {
    return path.resolve(process.env.CARGO_TARGET_DIR, 'debug', 'pulih');
  }
  return path.resolve(HERE, '..', '..', 'target', 'debug', 'pulih');
}

function chromiumPath() {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  try {
    return execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('Chromium not found: `apt-get install -y chromium`, or set CHROMIUM_PATH');
  }
}

// The server's environment without PULIH_* settings, so a developer's own
// configuration cannot leak in. `totp`: two-factor login as configured by default
// (required of administrators and coordinators); otherwise required of nobody.
// `config`: the path of a configuration file for the server.
function serverEnv({ totp = false, config } = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('PULIH_')) env[k] = v;
  }
  env.PULIH_LOG = 'warn';
  // two-factor login has its own test (totp.test.js); the others log in with passwords
  if (!totp) env.PULIH_TOTP_REQUIRED_ROLES = 'none';
  if (config) env.PULIH_CONFIG = config;
  return env;
}

function runPulih(bin, args, { input, timeoutMs }) {
  const t0 = Date.now();
  const r = spawnSync(bin, args, { input, env: serverEnv(), encoding: 'utf8', timeout: timeoutMs });
  const took = ((Date.now() - t0) / 1000).toFixed(1);
  if (r.error) throw new Error(`pulih ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) {
    throw new Error(
      `pulih ${args.join(' ')} exited with ${r.status} (signal ${r.signal})\n` +
        `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`,
    );
  }
  log(`pulih ${args[0]} ${args[1] || ''}: done in ${took}s`);
  return r;
}

// Starts `pulih serve` and resolves with its base URL once it prints the
// "Pulih listening on http://…" line.
function startServer(bin, dataDir, options) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['serve', '--data-dir', dataDir, '--bind', '127.0.0.1:0'], {
      env: serverEnv(options),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let done = false;
    const finish = (f) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      f();
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(() => reject(new Error(`pulih serve did not report its address in 60 s\nstdout:\n${out}\nstderr:\n${err}`)));
    }, MINUTE);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/Pulih listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) finish(() => resolve({ child, url: m[1], stderr: () => err }));
    });
    child.stderr.on('data', (chunk) => {
      err += chunk;
      if (err.length > 200_000) err = err.slice(-100_000);
    });
    child.on('error', (e) => finish(() => reject(e)));
    child.on('exit', (code, signal) =>
      finish(() => reject(new Error(`pulih serve exited early (${code ?? signal})\nstdout:\n${out}\nstderr:\n${err}`))),
    );
  });
}

function stopServer(child) {
  return new Promise((resolve) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

// Console errors, uncaught page errors and failed requests of one context.
function watchProblems(context) {
  const problems = [];
  const attach = (page) => {
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const where = msg.location()?.url;
      // Chromium asks for /favicon.ico on its own; the site has none.
      if (where && new URL(where).pathname === '/favicon.ico') return;
      problems.push(`console error on ${page.url()}: ${msg.text()}${where ? ` [${where}]` : ''}`);
    });
    page.on('pageerror', (e) => problems.push(`page error on ${page.url()}: ${e.message}`));
    page.on('requestfailed', (req) =>
      problems.push(`request failed: ${req.method()} ${req.url()}: ${req.failure()?.errorText}`),
    );
  };
  context.pages().forEach(attach);
  context.on('page', attach);
  return problems;
}

async function screenshot(page, name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

async function expectText(locator, expected, what) {
  const actual = (await locator.textContent())?.trim().replace(/\s+/g, ' ');
  assert.equal(actual, expected, what);
}

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// Runs axe in the page through the DevTools protocol (the pages' CSP refuses an
// injected inline script) and prints what it found.
async function axeScan(page, label) {
  const injected = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!injected) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return {
      version: window.axe.version,
      violations: r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, summary: n.failureSummary })),
      })),
    };
  });
  const { violations } = result;
  log(`axe ${result.version} on ${label} (${page.url()}): ${violations.length ? `${violations.length} violation(s)` : 'no violations'}`);
  for (const v of violations) {
    console.log(`  - [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})`);
    for (const n of v.nodes) {
      console.log(`      at ${JSON.stringify(n.target)}: ${n.html}`);
      if (n.summary) console.log(`        ${n.summary.replace(/\n/g, '\n        ')}`);
    }
  }
  return violations;
}

// Fails when the page is wider than the viewport (sideways scrolling on a phone).
async function assertNoSidewaysScroll(page, label) {
  const w = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
    wide: [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} (right ${Math.round(el.getBoundingClientRect().right)})`),
  }));
  const shot = await screenshot(page, `phone-${label}`);
  log(`phone ${label}: scrollWidth ${w.scroll}, clientWidth ${w.client}; screenshot ${shot}`);
  assert.ok(w.scroll <= w.client + 1, `${label}: the page scrolls sideways (${w.scroll} > ${w.client}); too wide: ${w.wide.join(', ')}`);
}

/// The date `days` before today in Batam (WIB, UTC+7), `YYYY-MM-DD`.
function wibDate(days = 0) {
  return new Date(serverNow() + 7 * 3600_000 - days * 86_400_000).toISOString().slice(0, 10);
}

/// How far the server's clock is ahead of this process's, in ms, read from the `Date` header
/// of its answer when the scene starts: the tests' "today" is the server's.
let serverAheadMs = 0;

/// The server's time now, in ms since the epoch.
function serverNow() {
  return Date.now() + serverAheadMs;
}

/// Sets `serverAheadMs` from a `Date` header of the server at `base`; the header counts whole
/// seconds, so the reading is taken half a second on.
async function readServerClock(base) {
  const before = Date.now();
  const r = await fetch(`${base}/login`);
  const date = Date.parse(r.headers.get('date'));
  assert.ok(Number.isFinite(date), 'the server dates its answers');
  serverAheadMs = date + 500 - Math.round((before + Date.now()) / 2);
}

/// What a scenario starts from: a fresh data folder (`pulih-<name>-…`) with the official
/// region tree and an administrator, a server on it, and Chromium. `stopScene` undoes it.
/// `options.totp`: two-factor login required as by default (see `serverEnv`);
/// `options.config`: the text of the server's configuration file (`pulih.toml` in the data
/// folder), whose `{dataDir}` is replaced by the data folder's path; `options.files`: more
/// files to write in the data folder first, by name (a secret the configuration names).
async function startScene(name, admin, adminPassword, options = {}) {
  const bin = pulihBin();
  assert.ok(fs.existsSync(bin), `no pulih binary at ${bin}: run \`cargo build -p pulih-cli\` or set PULIH_BIN`);
  const scene = { dataDir: fs.mkdtempSync(path.join(os.tmpdir(), `pulih-${name}-`)) };
  log('importing the official region tree…');
  runPulih(bin, ['regions', 'import', '--data-dir', scene.dataDir], { timeoutMs: 10 * MINUTE });
  runPulih(bin, ['admin', 'create', '--username', admin, '--password-stdin', '--data-dir', scene.dataDir], {
    input: `${adminPassword}\n`,
    timeoutMs: 2 * MINUTE,
  });
  const serverOptions = { totp: options.totp };
  for (const [file, text] of Object.entries(options.files || {})) {
    fs.writeFileSync(path.join(scene.dataDir, file), text, { mode: 0o600 });
  }
  if (options.config) {
    serverOptions.config = path.join(scene.dataDir, 'pulih.toml');
    fs.writeFileSync(serverOptions.config, options.config.replaceAll('{dataDir}', scene.dataDir));
  }
  scene.server = await startServer(bin, scene.dataDir, serverOptions);
  process.once('exit', () => scene.server?.child.kill('SIGKILL'));
  scene.base = scene.server.url;
  log(`server up at ${scene.base}`);
  await readServerClock(scene.base);
  scene.browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true, timeout: MINUTE });
  return scene;
}

/// Closes the browser, stops the server (printing the end of its error output) and
/// removes the data folder of a scene, as far as it was started.
async function stopScene(scene) {
  if (!scene) return;
  if (scene.browser) await scene.browser.close().catch((e) => log(`closing the browser: ${e.message}`));
  if (scene.server) {
    await stopServer(scene.server.child);
    const err = scene.server.stderr().trim();
    if (err) log(`server stderr (last lines):\n${err.split('\n').slice(-20).join('\n')}`);
  }
  fs.rmSync(scene.dataDir, { recursive: true, force: true });
}

module.exports = {
  wibDate,
  serverNow,
  startScene,
  stopScene,
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
  assertNoSidewaysScroll,
};
