// The installed Debian package, used as a learner would (run by
// scripts/package-test.sh after `dpkg -i`): the app installed in /usr/bin is
// started with a credential file as its argument (the file manager's "Open
// with Satchel"), the credential's card appears; a second launch hands its
// file to the running window and exits. Plain W3C WebDriver over HTTP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { until as waitUntil, wd } from '../support/webdriver.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const APP = process.env.SATCHEL_APP || '/usr/bin/satchel-app';
const WORK = process.env.SATCHEL_PACKAGE_WORK;
// One of the example credentials (examples/credentials: fictional issuer, verifies).
const BADGE = join(here, '..', '..', 'examples', 'credentials', '07-bootcamp-rust.json');

let session;

const s = (path) => `/session/${session}${path}`;
const exec = (script, args = []) => wd('POST', s('/execute/sync'), { script, args });

const until = (what, fn) => waitUntil(what, fn, 20000);

const cardNames = () => exec('return [...document.querySelectorAll("#cards .card h3")].map(h => h.textContent)');
// The results panel of opened files: "Opened files" and its summary, once shown.
const resultsShown = () => exec('const r = document.getElementById("results"); return !r.hidden && document.getElementById("results-title").textContent === "Opened files" ? document.getElementById("results-summary").textContent : ""');

before(async () => {
  assert.ok(WORK, 'scripts/package-test.sh sets SATCHEL_PACKAGE_WORK');
  session = (
    await wd('POST', '/session', {
      capabilities: { alwaysMatch: { 'tauri:options': { application: APP, args: [BADGE] } } },
    })
  ).sessionId;
});

after(async () => {
  if (session) await wd('DELETE', `/session/${session}`).catch(() => {});
});

test('Open with Satchel: the file the installed app was started with is imported and shown', async () => {
  const { name } = JSON.parse(readFileSync(BADGE, 'utf8'));
  await until('the page is ready', () => exec('return document.body.dataset.ready === "true"'));
  assert.match(await until('the results of the opened file', resultsShown), /1 imported/);
  await until('the card of the opened credential', async () => (await cardNames()).includes(name));
  assert.deepEqual(await cardNames(), [name]);
  const png = await wd('GET', s('/screenshot'));
  writeFileSync(join(WORK, 'open-with.png'), Buffer.from(png, 'base64'));
});

test('a second launch hands its file to the running window and exits', async () => {
  await exec('document.getElementById("results-close").click()');
  // The same credential with its name changed: its signature no longer holds.
  const tampered = JSON.parse(readFileSync(BADGE, 'utf8'));
  tampered.name = `${tampered.name} (edited)`;
  const file = join(WORK, 'tampered.json');
  writeFileSync(file, JSON.stringify(tampered));
  const second = spawnSync(APP, [file], { timeout: 30000, encoding: 'utf8' });
  assert.equal(second.status, 0, `the second launch exits at once (stderr: ${second.stderr})`);
  const summary = await until('the results of the handed-over file', resultsShown);
  assert.match(summary, /1 refused/);
  assert.deepEqual(await cardNames(), [JSON.parse(readFileSync(BADGE, 'utf8')).name], 'the refused file was not stored');
});
