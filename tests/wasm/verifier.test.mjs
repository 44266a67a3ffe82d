// The browser verifier's exported interface (crates/satchel-wasm), run under
// Node's WebAssembly: the module is taken from the verifier page `satchel
// export verifier` writes, so what is tested is what ships.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = process.env.SATCHEL_CLI;
const EXAMPLES = join(ROOT, 'examples/credentials');
const now = () => new Date().toISOString();
let verifier;

function cli(args) {
  try {
    return execFileSync(CLI, args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  } catch (e) {
    return e.stdout.toString();
  }
}

before(async () => {
  assert.ok(CLI, 'SATCHEL_CLI names the satchel binary');
  const page = join(mkdtempSync(join(tmpdir(), 'satchel-wasm-')), 'verifier.html');
  cli(['export', 'verifier', '-o', page]);
  const html = readFileSync(page, 'utf8');
  const b64 = html.match(/<script type="application\/octet-stream" id="satchel-wasm">([^<]*)<\/script>/)[1];
  await import(join(ROOT, 'ui/verifier/satchel-wasm.js'));
  const wasm = await globalThis.SatchelWasm.gunzip(Buffer.from(b64, 'base64'));
  verifier = await globalThis.SatchelWasm.instantiate(wasm);
});

test('every example credential gets the same report as `satchel verify`', () => {
  for (const f of readdirSync(EXAMPLES).filter((f) => f.endsWith('.json'))) {
    const file = join(EXAMPLES, f);
    const native = JSON.parse(cli(['verify', file, '--json']));
    const reply = verifier.verify(readFileSync(file), { source: f, now: now() });
    assert.equal(reply.items.length, native.length, f);
    reply.items.forEach((item, i) => {
      assert.equal(item.report.outcome, native[i].outcome, f);
      assert.deepEqual(item.report.checks.map((c) => [c.check, c.status, c.message]),
        native[i].checks.map((c) => [c.check, c.status, c.message]), f);
      assert.equal(item.headline, native[i].message, f);
    });
  }
});

test('the summary shown comes from the verified credential', () => {
  const reply = verifier.verify(readFileSync(join(EXAMPLES, '03-courses-machine-learning-ja.json')), { now: now() });
  const json = JSON.parse(readFileSync(join(EXAMPLES, '03-courses-machine-learning-ja.json'), 'utf8'));
  assert.equal(reply.items[0].summary.name, json.name);
  assert.equal(reply.items[0].summary.issuer_id, json.issuer.id);
});

test('"now" is the caller\'s: the same credential before it was valid is a warning', () => {
  const bytes = readFileSync(join(EXAMPLES, '01-university-data-science.json'));
  const reply = verifier.verify(bytes, { now: '2001-01-01T00:00:00Z' });
  assert.equal(reply.items[0].report.outcome, 'warning');
  assert.equal(reply.items[0].report.checks.find((c) => c.check === 'validity_period').status, 'warn');
});

test('unreadable input and a bad request are answered, not thrown', () => {
  const junk = verifier.verify('not a credential at all', { source: 'junk', now: now() });
  assert.equal(junk.items.length, 1);
  assert.equal(junk.items[0].summary, null);
  assert.match(junk.items[0].headline, /^Not a readable credential/);
  assert.match(verifier.verify('{}', { now: 'yesterday' }).error, /^not a valid request/);
  // The instance is still usable after both.
  assert.equal(verifier.verify(readFileSync(join(EXAMPLES, '05-employer-team-leadership.json')), { now: now() }).items[0].report.outcome, 'verified');
});

test('checks that need the web say what they would fetch; answers given later finish them', () => {
  const vc = readFileSync(join(ROOT, 'tests/vectors/1edtech-validator/ob20/simple-badge.png'));
  const first = verifier.verify(vc, { source: 'badge.png', now: now() });
  const urls = first.items[0].would_fetch;
  assert.ok(urls.length > 0 && urls.every((u) => u.startsWith('https://')), JSON.stringify(urls));
  // Online with an HTTP 404 for what it asked: the check was asked for and
  // could not be done, which is not a pass.
  const answers = Object.fromEntries(urls.map((u) => [u, { status: 404 }]));
  const second = verifier.verify(vc, { source: 'badge.png', now: now(), online: true, answers });
  assert.notEqual(second.items[0].report.outcome, 'verified');
  assert.ok(second.items[0].report.checks.some((c) => /404/.test(c.message)), JSON.stringify(second.items[0].report.checks));
  assert.deepEqual(second.items[0].would_fetch.filter((u) => urls.includes(u)), []);
});

test('a portfolio given to the verifier is checked from its bundle, and an edited one fails', () => {
  const dir = mkdtempSync(join(tmpdir(), 'satchel-wasm-portfolio-'));
  const env = { ...process.env, SATCHEL_KEY_STORE: 'file' };
  const run = (args) => execFileSync(CLI, args, { env, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  const wallet = join(dir, 'w.sqlite3');
  const ids = JSON.parse(run(['--wallet', wallet, 'import', '--json', join(EXAMPLES, '01-university-data-science.json'), join(EXAMPLES, '06-employer-first-aid-expired.json')])).map((i) => String(i.id));
  run(['--wallet', wallet, 'export', 'portfolio', ...ids, '--name', 'Ada', '-o', join(dir, 'p.html')]);
  const html = readFileSync(join(dir, 'p.html'), 'utf8');
  const good = verifier.verify(html, { source: 'p.html', now: now() });
  assert.deepEqual(good.items.map((i) => i.report.outcome), ['verified', 'warning']);
  assert.ok(good.items.every((i) => i.kind === 'bundle'));
  assert.ok(good.items.every((i) => i.report.checks.find((c) => c.check === 'portfolio_text').status === 'pass'));
  assert.ok(good.items.every((i) => i.report.checks.find((c) => c.check === 'holder').status === 'pass'));
  const edited = html.replace('<span data-field="description">', '<span data-field="description">With honours. ');
  const bad = verifier.verify(edited, { source: 'p.html', now: now() });
  assert.equal(bad.items[0].report.outcome, 'failed');
  assert.match(bad.items[0].headline, /^The portfolio's text was changed after it was made: The portfolio shows the description “With honours\. /);
  assert.equal(bad.items[1].report.outcome, 'warning');
});
