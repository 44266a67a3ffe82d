// The pages Satchel writes, driven as the people a learner shares with would
// open them: the verifier page and portfolios, in headless Chromium
// (chromedriver) and in WebKitGTK (WebKitWebDriver; WebKit is the engine of
// every iPhone browser), served from a loopback HTTP server that logs every
// request. Run by scripts/pages.sh, which starts the drivers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve, basename } from 'node:path';
import { openSession, until } from '../support/webdriver.mjs';
import { BROWSERS } from './browsers.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = process.env.SATCHEL_CLI;

/** Credentials in every format the page takes, and bundles and portfolios. */
const FILES = [
  ...execFileSync('ls', [join(ROOT, 'examples/credentials')]).toString().split('\n')
    .filter((f) => f.endsWith('.json')).map((f) => join(ROOT, 'examples/credentials', f)),
  'tests/vectors/ob3-spec/basic-openbadgecredential.jwt',
  'tests/vectors/1edtech-validator/ob30/simple-json.svg',
  'tests/vectors/1edtech-validator/ob30/simple-jwt.png',
  'tests/vectors/1edtech-validator/ob20/simple-badge.png',
  'tests/fixtures/hostile-credential.json',
].map((f) => resolve(ROOT, f));

let work;
let server;
let base;
const requests = [];

function satchel(args, env = {}) {
  return execFileSync(CLI, args, { env: { ...process.env, SATCHEL_KEY_STORE: 'file', ...env }, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}

/** What `satchel verify --json` says of a file: one outcome per credential. */
function cliOutcomes(file) {
  let out;
  try {
    out = satchel(['verify', file, '--json']);
  } catch (e) {
    out = e.stdout.toString(); // exit 1: some input failed; stdout still holds the results
  }
  return JSON.parse(out).map((i) => i.outcome);
}

before(async () => {
  assert.ok(CLI, 'SATCHEL_CLI names the satchel binary');
  work = mkdtempSync(join(tmpdir(), 'satchel-pages-'));
  const wallet = join(work, 'wallet.sqlite3');
  satchel(['export', 'verifier', '-o', join(work, 'verifier.html')]);
  const imported = JSON.parse(satchel(['--wallet', wallet, 'import', '--json',
    ...FILES.filter((f) => /examples\/credentials\/0[1-8]/.test(f))]));
  const ids = imported.map((i) => String(i.id));
  satchel(['--wallet', wallet, 'export', 'portfolio', ...ids, '--name', 'Amira Haddad', '-o', join(work, 'portfolio.html')]);
  // The edit an employer was shown: a visible name changed outside the bundle.
  const html = readFileSync(join(work, 'portfolio.html'), 'utf8');
  const first = JSON.parse(satchel(['verify', FILES[0], '--json']))[0];
  assert.ok(first);
  const name = html.match(/<span data-field="name">([^<]*)<\/span>/)[1];
  writeFileSync(join(work, 'portfolio-edited.html'), html.replace(`<span data-field="name">${name}</span>`, '<span data-field="name">Doctorate in Data Science</span>'));
  for (const f of FILES) copyFileSync(f, join(work, basename(f)));
  server = createServer((req, res) => {
    requests.push(req.url);
    try {
      const body = readFileSync(join(work, decodeURIComponent(new URL(req.url, 'http://x').pathname)));
      res.writeHead(200, { 'content-type': req.url.endsWith('.html') ? 'text/html; charset=utf-8' : 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}`;
});

after(() => {
  server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Every credential element's outcome, in page order. */
const outcomes = (s) => s.exec("return [...document.querySelectorAll('#results [data-outcome]')].map((e) => e.dataset.outcome)");

async function open(name, page) {
  const b = BROWSERS[name];
  assert.ok(b.driver, `the ${name} WebDriver address is set`);
  const s = await openSession(b.capabilities, b.driver);
  await s.navigate(`${base}/${page}`);
  return s;
}

for (const name of Object.keys(BROWSERS)) {
  test(`${name}: files chosen on the verifier page get the CLI's outcomes, shown as text`, async () => {
    const s = await open(name, 'verifier.html');
    try {
      const expected = FILES.flatMap(cliOutcomes);
      await s.upload('#files', FILES.map((f) => join(work, basename(f))));
      await until('every file checked', async () => (await outcomes(s)).length >= expected.length, 30000);
      assert.deepEqual(await outcomes(s), expected);
      // Hostile credential text is shown as text: no element came from it.
      assert.equal(await s.exec("return document.querySelectorAll('#results script, #results iframe, #results img[src^=\"http\"], #results [onerror]').length"), 0);
      // The same checks and sentences as the CLI (and the app).
      const cli = JSON.parse(satchel(['verify', FILES[5], '--json']))[0];
      const shown = await s.exec(`return [...document.querySelectorAll('#results [data-source="${basename(FILES[5])}"] .checks li')].map((li) => [li.dataset.check, li.dataset.status, li.querySelector('.msg').textContent])`);
      assert.deepEqual(shown, cli.checks.map((c) => [c.check, c.status, c.message]));
    } finally {
      await s.close();
    }
  });

  test(`${name}: pasted text is checked; nothing was requested but the page`, async () => {
    const before = requests.length;
    const s = await open(name, 'verifier.html');
    try {
      const text = readFileSync(FILES[8], 'utf8');
      await s.exec('document.getElementById("paste").value = arguments[0]', [text]);
      await s.click('#check-paste');
      await until('the pasted credential checked', async () => (await outcomes(s)).length === 1);
      assert.deepEqual(await outcomes(s), cliOutcomes(FILES[8]));
      assert.deepEqual(requests.slice(before).filter((u) => !u.startsWith('/favicon')), ['/verifier.html']);
    } finally {
      await s.close();
    }
  });

  test(`${name}: a portfolio checks itself when opened and shows the signed text`, async () => {
    const s = await open(name, 'portfolio.html');
    try {
      await until('the portfolio checked', async () => (await outcomes(s)).length === 8, 30000);
      const cli = JSON.parse(satchel(['verify-bundle', join(work, 'portfolio.html'), '--json'])).map((i) => i.outcome);
      assert.deepEqual(await outcomes(s), cli);
      assert.match(await s.text('#summary'), /^This portfolio was checked in this browser just now: 7 verified, 1 expired\.$/);
      assert.equal(await s.exec("return document.getElementById('exported').hidden"), true);
    } finally {
      await s.close();
    }
  });

  test(`${name}: an edited portfolio shows the signed name, and verify-bundle fails it`, async () => {
    const s = await open(name, 'portfolio-edited.html');
    try {
      await until('the portfolio checked', async () => (await outcomes(s)).length === 8, 30000);
      const shown = await s.text('#results');
      assert.doesNotMatch(shown, /Doctorate in Data Science/);
    } finally {
      await s.close();
    }
  });
}

// Chromium only: it can send the issuer's real host name to the loopback
// issuer (--host-resolver-rules) and accept its test CA; WebKitGTK's
// MiniBrowser has no such switch.
test('chromium: Check online fetches exactly what the checks name, and says what it got', async () => {
  const issuer = process.env.SATCHEL_ISSUER_DIR;
  assert.ok(issuer, 'SATCHEL_ISSUER_DIR names the loopback issuer\'s folder');
  const port = readFileSync(join(issuer, 'ready'), 'utf8').trim();
  for (const f of ['did-web-badge.json', 'revoked-badge.json']) copyFileSync(join(issuer, f), join(work, f));
  const caps = structuredClone(BROWSERS.chromium.capabilities);
  caps['goog:chromeOptions'].args.push(`--host-resolver-rules=MAP issuer.example.edu:443 127.0.0.1:${port}`);
  caps.acceptInsecureCerts = true;
  const s = await openSession(caps, BROWSERS.chromium.driver);
  try {
    await s.navigate(`${base}/verifier.html`);
    await s.upload('#files', [join(work, 'did-web-badge.json'), join(work, 'revoked-badge.json')]);
    await until('both checked', async () => (await outcomes(s)).length === 2);
    // Offline: the did:web key is not fetched, so the signature is not checked.
    assert.deepEqual(await outcomes(s), ['unverifiable', 'verified']);
    assert.match(await s.text('#online-text'), /issuer\.example\.edu/);
    await s.click('#check-online');
    await until('checked online', async () => (await outcomes(s))[0] === 'verified', 20000);
    const notes = await s.exec("return [...document.querySelectorAll('#results article')].map((a) => [...a.querySelectorAll('.fetched li')].map((li) => li.textContent))");
    assert.deepEqual([...notes[0]].sort(), [
      'https://issuer.example.edu/.well-known/did.json — fetched by this browser just now (HTTP 200).',
      'https://issuer.example.edu/status/web — fetched by this browser just now (HTTP 200).',
    ]);
    // The registrar's list does not allow cross-origin reads: the page says
    // so, and the status check stays not done (never a pass).
    assert.equal(notes[1].length, 1);
    assert.match(notes[1][0], /^https:\/\/issuer\.example\.edu\/status\/registrar — not fetched: .*cross-origin/);
    const status = await s.exec("return document.querySelectorAll('#results article')[1].querySelector('[data-check=\"status\"]').dataset.status");
    assert.equal(status, 'skip');
  } finally {
    await s.close();
  }
});

test('verify-bundle fails a portfolio whose shown text differs from its bundle, saying what differs', () => {
  let out;
  let code = 0;
  try {
    out = satchel(['verify-bundle', join(work, 'portfolio-edited.html'), '--json']);
  } catch (e) {
    out = e.stdout.toString();
    code = e.status;
  }
  assert.equal(code, 1);
  const items = JSON.parse(out);
  assert.equal(items[0].outcome, 'failed');
  const check = items[0].checks.find((c) => c.check === 'portfolio_text');
  assert.equal(check.status, 'fail');
  assert.match(check.message, /shows the name “Doctorate in Data Science”, but the signed credential says “/);
  assert.ok(items.slice(1).every((i) => i.checks.find((c) => c.check === 'portfolio_text').status === 'pass'));
});
