// Measures the pages (issue 21's targets; numbers go in docs/measurements.md):
// the size of the verifier page and of its WebAssembly, the time from
// opening a portfolio in headless Chromium to its credentials verified, and
// verification per credential in the browser against the native CLI.
// Run by scripts/measure-pages.sh (it starts chromedriver and exports the
// pages); not a test.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { openSession, until } from '../tests/support/webdriver.mjs';

const [work, driver, nativeCli] = process.argv.slice(2);
const ROOT = join(import.meta.dirname, '..');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const page = readFileSync(join(work, 'verifier.html'));
const b64 = page.toString().match(/id="satchel-wasm">([^<]*)</)[1];
const gz = Buffer.from(b64, 'base64');
const wasm = (await import('node:zlib')).gunzipSync(gz);
console.log(`page: ${page.length} bytes (${gzipSync(page, { level: 9 }).length} gzip-compressed for transfer)`);
console.log(`wasm: ${wasm.length} bytes, ${gz.length} gzip-compressed (embedded as base64)`);

const caps = { browserName: 'chrome', 'goog:chromeOptions': { binary: '/usr/bin/chromium', args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--window-size=390,844'] } };
const s = await openSession(caps, driver);
const opened = [];
const phases = [];
for (let i = 0; i < 11; i += 1) {
  await s.navigate(`file://${join(work, 'portfolio.html')}?run=${i}`);
  await until('checked', async () => Number(await s.exec('return document.documentElement.dataset.firstVerifiedMs || 0')) > 0, 30000);
  const d = await s.exec('const d = document.documentElement.dataset; return [d.scriptStartMs, d.wasmUnpackedMs, d.wasmReadyMs, d.firstVerifiedMs].map(Number)');
  opened.push(d[3]);
  phases.push(d.join('/'));
}
console.log(`portfolio of 8 credentials, navigation start to all 8 verified and shown: median ${median(opened.slice(1))} ms (runs: ${opened.join(', ')}; the first run is cold)`);
console.log(`  script start/unpacked/compiled/verified, ms from navigation start, per run: ${phases.join(', ')}`);

const N = 300;
for (const f of ['01-university-data-science.json', '05-employer-team-leadership.json']) {
  const text = readFileSync(join(ROOT, 'examples/credentials', f), 'utf8');
  await s.exec('return null'); // the session is alive
  const browserUs = await s.execAsync(`
    const done = arguments[arguments.length - 1];
    window.SatchelPage.ready().then((v) => {
      const req = { source: 'bench', now: new Date().toISOString() };
      v.verify(arguments[0], req);
      const runs = [];
      for (let r = 0; r < 5; r += 1) {
        const t0 = performance.now();
        for (let i = 0; i < ${N}; i += 1) v.verify(arguments[0], req);
        runs.push((performance.now() - t0) * 1000 / ${N});
      }
      done(runs.sort((a, b) => a - b)[2]);
    });`, [text]);
  // One process verifying a JSON array of N copies on one core, minus one copy.
  const arr = (n) => { const p = join(work, `bench-${n}.json`); writeFileSync(p, `[${Array(n).fill(text).join(',')}]`); return p; };
  const time = (p) => { const t0 = process.hrtime.bigint(); try { execFileSync('taskset', ['-c', '0', nativeCli, 'verify', p, '--json'], { stdio: ['ignore', 'ignore', 'ignore'] }); } catch (_) { /* exit 1 is fine */ } return Number(process.hrtime.bigint() - t0) / 1000; };
  const big = arr(N * 4);
  const small = arr(1);
  const nativeUs = median([0, 1, 2, 3, 4].map(() => (time(big) - time(small)) / (N * 4 - 1)));
  console.log(`${f}: browser (wasm in Chromium) ${browserUs.toFixed(0)} µs per credential; native CLI (release, one core) ${nativeUs.toFixed(0)} µs; ratio ${(browserUs / nativeUs).toFixed(2)}`);
}
await s.close();
