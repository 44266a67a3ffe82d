// The phone-camera form of the interview QR code: a code whose text is the
// verifier page's address with the credential after '#'. Each example
// credential's code (PNG and SVG) is read back with zbarimg, opened in
// headless Chromium and in WebKitGTK from a loopback server serving the
// exported page, and must show what `satchel verify` says; the server's log
// must hold no payload (a fragment never leaves the browser), and an
// altered payload must fail. Run by scripts/pages.sh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openSession, until } from '../support/webdriver.mjs';
import { BROWSERS } from './browsers.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const EXAMPLES = join(ROOT, 'examples/credentials');
const CLI = process.env.SATCHEL_CLI;
let work;
let server;
let page;
const requests = [];
const codes = []; // { file, text, outcome }

function satchel(args) {
  try {
    return execFileSync(CLI, args, { env: { ...process.env, SATCHEL_KEY_STORE: 'file' }, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  } catch (e) {
    if (e.status !== 1) throw new Error(`satchel ${args.join(' ')}: ${e.stderr}`);
    return e.stdout.toString();
  }
}

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'satchel-qr-link-'));
  satchel(['export', 'verifier', '-o', join(work, 'verifier.html')]);
  server = createServer((req, res) => {
    requests.push(req.url);
    try {
      const body = readFileSync(join(work, new URL(req.url, 'http://x').pathname));
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  page = `http://127.0.0.1:${server.address().port}/verifier.html`;
  const wallet = join(work, 'w.sqlite3');
  for (const f of readdirSync(EXAMPLES).filter((f) => f.endsWith('.json'))) {
    const file = join(EXAMPLES, f);
    const outcome = JSON.parse(satchel(['verify', file, '--json']))[0].outcome;
    // The tampered example is refused by import: keep it unverified to share it.
    const [imported] = JSON.parse(satchel(['--wallet', wallet, 'import', '--keep-unverified', '--json', file]));
    for (const ext of ['png', 'svg']) {
      const out = join(work, `${f}.${ext}`);
      satchel(['--wallet', wallet, 'qr', String(imported.id), '--verifier-url', page, '-o', out]);
      // QR symbols only: with every symbology on, zbar now and then also
      // "finds" a DataBar code in the QR modules (seen for some ports), and a
      // second line would be taken for part of the link. zbar's own D-Bus
      // complaints go nowhere.
      const text = execFileSync('zbarimg', ['--raw', '-q', '-Sdisable', '-Sqrcode.enable', out], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
      assert.ok(!text.includes('\n'), `${f}.${ext}: one QR code, read as one line`);
      codes.push({ file: f, ext, text, outcome });
    }
  }
});

after(() => {
  server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('every example credential\'s link code reads (zbarimg) as the page address plus a fragment', () => {
  assert.equal(codes.length, 2 * readdirSync(EXAMPLES).filter((f) => f.endsWith('.json')).length);
  const want = new URL(page);
  for (const c of codes) {
    // Scheme and host are upper case in the code (the QR alphanumeric mode):
    // the same URL.
    const u = new URL(c.text);
    assert.equal(u.origin + u.pathname, want.origin + want.pathname, `${c.file}.${c.ext}: ${c.text.slice(0, 80)}`);
    assert.match(u.hash, /^#SB3:[0-9]{40,}$/, c.file);
    assert.equal(u.search, '', c.file);
  }
});

const outcome = (s) => s.exec("const e = document.querySelector('#results [data-outcome]'); return e && e.dataset.outcome");

for (const name of Object.keys(BROWSERS)) {
  test(`${name}: each link opens the page, which verifies the credential in the fragment as the CLI does`, async () => {
    const s = await openSession(BROWSERS[name].capabilities, BROWSERS[name].driver);
    try {
      const before = requests.length;
      for (const c of codes.filter((c) => c.ext === 'png')) {
        await s.navigate('about:blank');
        await s.navigate(c.text);
        await until(`${c.file} checked`, () => outcome(s), 20000);
        assert.equal(await outcome(s), c.outcome, c.file);
      }
      // The server saw the page and never a payload.
      const seen = requests.slice(before).filter((u) => !u.startsWith('/favicon'));
      assert.ok(seen.length > 0 && seen.every((u) => u === '/verifier.html'), JSON.stringify(seen));
      // An altered payload: one digit changed near the end.
      const good = codes.find((c) => c.outcome === 'verified').text;
      const i = good.length - 10;
      const bad = good.slice(0, i) + (good[i] === '1' ? '2' : '1') + good.slice(i + 1);
      await s.navigate('about:blank');
      await s.navigate(bad);
      await until('the altered link checked', () => outcome(s), 20000);
      assert.equal(await outcome(s), 'failed');
    } finally {
      await s.close();
    }
  });
}
