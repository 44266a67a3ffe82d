// End-to-end tests of online checks in the real app: the Settings switch, the
// ask-once question (both answers), Check all now, the learner's email
// addresses (the recipient check) and a CLR shown with its achievements.
// The issuer is a loopback HTTPS server (examples/e2e_issuer.rs, started by
// scripts/e2e.sh) that the app reaches as https://issuer.example.edu/ through
// SATCHEL_CONNECT_TO and SATCHEL_EXTRA_CA_CERTS; each test opens the app on a
// fresh wallet of its own (`--wallet=PATH`).
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { openApp, sleep, until } from '../support/webdriver.mjs';

const APP = process.env.SATCHEL_APP;
const CLI = process.env.SATCHEL_CLI;
const ISSUER = process.env.SATCHEL_E2E_ISSUER;
const DID_JSON = 'https://issuer.example.edu/.well-known/did.json';
const WEB_LIST = 'https://issuer.example.edu/status/web';
const KEY_LIST = 'https://issuer.example.edu/status/registrar';

const fixture = (name) => readFileSync(join(ISSUER, name), 'utf8');
const open = [];
// A test that fails midway leaves its window open: close it before the next.
afterEach(async () => { for (const app of open.splice(0)) await app.close(); });

/** The app on `wallet` (a fresh one unless given), ready to use. */
async function start(wallet = join(mkdtempSync(join(tmpdir(), 'satchel-online-')), 'wallet.sqlite3')) {
  assert.ok(APP && CLI && ISSUER, 'scripts/e2e.sh sets SATCHEL_APP, SATCHEL_CLI and SATCHEL_E2E_ISSUER');
  const app = await openApp(APP, [`--wallet=${wallet}`]);
  open.push(app);
  app.wallet = wallet;
  await until('the app to be ready', () => app.exec('return document.body.dataset.ready === "true"'));
  return app;
}

async function stop(app) {
  await app.close();
  open.splice(open.indexOf(app), 1);
}

/** Saves a screenshot into SATCHEL_SHOTS_DIR, when set (for looking at screens). */
async function shot(app, name) {
  if (!process.env.SATCHEL_SHOTS_DIR) return;
  await sleep(500); // let WebKit paint the latest state
  writeFileSync(join(process.env.SATCHEL_SHOTS_DIR, `${name}.png`), Buffer.from(await app.screenshot(), 'base64'));
}

const isOpen = (app, id) => app.exec('return document.getElementById(arguments[0]).open', [id]);

/** Pastes credential text and imports it, as a person would. */
async function paste(app, text) {
  await app.exec('document.getElementById("results").hidden = true');
  await app.click('#btn-paste');
  await until('paste dialog', () => isOpen(app, 'paste-dialog'));
  await app.exec('document.getElementById("paste-text").value = arguments[0];', [text]);
  await app.type('#paste-text', ' ');
  await app.click('#paste-import');
  await until('results', () => app.exec('return !document.getElementById("results").hidden && !document.getElementById("paste-dialog").open'));
}

const cardNames = (app) => app.exec('return [...document.querySelectorAll("#cards .card h3")].map(h => h.textContent)');
/** The text of `css` inside the card named `name`. */
const inCard = (app, name, css) => app.exec(
  'const c = [...document.querySelectorAll("#cards .card")].find(c => c.querySelector("h3").textContent === arguments[0]); const e = c && c.querySelector(arguments[1]); return e ? e.textContent : null',
  [name, css]);

async function openCard(app, name) {
  await until(`the card ${name}`, async () => (await cardNames(app)).includes(name));
  await app.exec('[...document.querySelectorAll("#cards .card")].find(c => c.querySelector("h3").textContent === arguments[0]).querySelector("button").click()', [name]);
  await until('detail dialog', () => isOpen(app, 'detail'));
}

/** The detail's check `name`: [status, message, would-fetch text]. */
const check = (app, name) => app.exec(
  'const li = document.querySelector(`#d-checks li[data-check="${arguments[0]}"]`); const wf = li && li.querySelector(".would-fetch"); return li ? [li.querySelector(".st").textContent, li.querySelector(".msg").textContent, wf ? wf.textContent : null] : null',
  [name]);

async function closeDetail(app) {
  await app.click('#d-close');
  await until('detail closed', async () => !(await isOpen(app, 'detail')));
}

async function openSettings(app) {
  if (await isOpen(app, 'settings')) return;
  await app.click('#btn-settings');
  await until('settings', () => isOpen(app, 'settings'));
}

const settingsInfo = (app) => app.exec('return window.__TAURI__.core.invoke("wallet_info")');

test('asked once: "Not now" keeps checks offline, names what each would fetch, and is remembered', async () => {
  let app = await start();
  const wallet = app.wallet;
  // A did:web credential needs the issuer's site: Satchel asks, naming it.
  await paste(app, fixture('did-web-badge.json'));
  await until('the question about online checks', () => isOpen(app, 'online-ask'));
  assert.match(await app.text('#oa-text'), /Satchel would contact issuer\.example\.edu over the internet/);
  const urls = await app.exec('return [...document.querySelectorAll("#oa-urls li")].map(li => li.textContent)');
  assert.equal(urls.length, 2, JSON.stringify(urls));
  assert.ok(urls.some((u) => u.startsWith(DID_JSON) && /public key/.test(u)), JSON.stringify(urls));
  assert.ok(urls.some((u) => u.startsWith(WEB_LIST) && /revoked/.test(u)), JSON.stringify(urls));
  await shot(app, 'online-ask');
  await app.click('#oa-no');
  await until('the question closed', async () => !(await isOpen(app, 'online-ask')));
  assert.equal((await settingsInfo(app)).online_checks, false, 'the answer is kept in the wallet');
  // Offline, it could not be verified, so it was not stored.
  assert.match(await app.text('#results-summary'), /1 refused/);
  assert.match(await app.text('#results-list .msg'), new RegExp(DID_JSON.replaceAll('.', '\\.')));

  // Another credential that needs the network: no second question.
  await paste(app, fixture('revoked-badge.json'));
  assert.match(await app.text('#results-summary'), /1 imported/);
  await sleep(800);
  assert.equal(await isOpen(app, 'online-ask'), false, 'asked only once');
  // Its status check is not done, and says which list it would fetch.
  await openCard(app, 'Withdrawn Certificate');
  const [st, msg, wf] = await check(app, 'status');
  assert.equal(st, 'skip');
  assert.ok(msg.includes(KEY_LIST), msg);
  assert.equal(wf, `Online, this check would fetch ${KEY_LIST}`);
  assert.doesNotMatch(msg, /not revoked/i);
  assert.match(await inCard(app, 'Withdrawn Certificate', '.checked'), /^Checked \w+/);
  await shot(app, 'offline-detail');
  await closeDetail(app);

  // The answer outlives the window.
  await stop(app);
  app = await start(wallet);
  await openSettings(app);
  assert.equal(await app.exec('return document.getElementById("s-online").checked'), false);
  await app.click('#s-close');
  await paste(app, fixture('did-web-badge.json'));
  await sleep(800);
  assert.equal(await isOpen(app, 'online-ask'), false, 'not asked again after a restart');

  // The Settings switch turns online checks on; Check all now re-runs every
  // check: the stored badge's list now says it was revoked.
  await openSettings(app);
  await app.click('#s-online');
  await until('online checks on', async () => (await settingsInfo(app)).online_checks === true);
  const before = await inCard(app, 'Withdrawn Certificate', '.badge');
  assert.equal(before, 'Verified');
  await app.click('#s-check-all');
  await until('checked', async () => /^Checked 1 credential online just now; 1 failed\.$/.test(await app.text('#s-checked')));
  await shot(app, 'settings-checked');
  await app.click('#s-close');
  await until('the card shows the revocation', async () => (await inCard(app, 'Withdrawn Certificate', '.badge')) === 'Failed');
  await openCard(app, 'Withdrawn Certificate');
  const [st2, msg2, wf2] = await check(app, 'status');
  assert.equal(st2, 'fail');
  assert.match(msg2, /^Revoked by its issuer/);
  assert.equal(wf2, null);
  await closeDetail(app);

  // Off again: Check all now uses the stored answer, with its date.
  await openSettings(app);
  await app.click('#s-online');
  await until('online checks off', async () => (await settingsInfo(app)).online_checks === false);
  await app.click('#s-check-all');
  await until('checked offline', async () => /^Checked 1 credential offline just now/.test(await app.text('#s-checked')));
  await app.click('#s-close');
  await openCard(app, 'Withdrawn Certificate');
  const [, msg3] = await check(app, 'status');
  assert.match(msg3, /as of \d{1,2} [A-Z][a-z]+ \d{4}/, msg3);
  assert.doesNotMatch(msg3, /not revoked/i);
  await closeDetail(app);
  await stop(app);
});

test('asked once: "Allow" checks online at once and imports what needed the network', async () => {
  const app = await start();
  await paste(app, fixture('did-web-badge.json'));
  await until('the question about online checks', () => isOpen(app, 'online-ask'));
  await app.click('#oa-yes');
  await until('the online results', async () => (await app.text('#results-title')) === 'Checked online');
  assert.match(await app.text('#results-summary'), /1 imported/);
  assert.equal((await settingsInfo(app)).online_checks, true);
  await until('the card', async () => (await inCard(app, 'Web Accessibility ®', '.badge')) === 'Verified');
  await openCard(app, 'Web Accessibility ®');
  assert.deepEqual((await check(app, 'signature')).slice(0, 1), ['pass']);
  assert.deepEqual((await check(app, 'issuer')).slice(0, 1), ['pass']);
  const [st, msg, wf] = await check(app, 'status');
  assert.equal(st, 'pass', msg);
  assert.equal(wf, null);
  await closeDetail(app);
  await openSettings(app);
  assert.equal(await app.exec('return document.getElementById("s-online").checked'), true);
  await app.click('#s-close');
  await stop(app);
});

test('email addresses in Settings are the recipient check, shared with the CLI', async () => {
  const app = await start();
  await paste(app, fixture('recipient-badge.json'));
  assert.match(await app.text('#results-summary'), /1 imported/);
  await openCard(app, 'Badge for a Learner');
  assert.equal((await check(app, 'recipient'))[0], 'skip');
  await closeDetail(app);

  const save = async (typed, expect) => {
    await openSettings(app);
    await app.exec('document.getElementById("s-emails").value = arguments[0]', [typed]);
    await app.click('#s-emails-save');
    await until('saved', async () => expect.test(await app.text('#s-emails-status')));
  };
  await save('not-an-address', /^Not an email address: not-an-address$/);
  await save('someone@example.org', /^Saved 1 address/);
  await app.click('#s-close');
  await openCard(app, 'Badge for a Learner');
  const [st, msg] = await check(app, 'recipient');
  assert.equal(st, 'warn');
  assert.match(msg, /^Issued to someone else/);
  assert.equal(await app.text('#d-badge'), 'Needs attention');
  await closeDetail(app);

  await save('someone@example.org\nLearner@Example.org', /^Saved 2 addresses/);
  await shot(app, 'settings-emails');
  await app.click('#s-close');
  await openCard(app, 'Badge for a Learner');
  assert.deepEqual((await check(app, 'recipient')).slice(0, 2), ['pass', 'Issued to you (Learner@Example.org).']);
  await closeDetail(app);

  // One setting: the CLI reads what the app saved, and the app what the CLI adds.
  const listed = spawnSync(CLI, ['--wallet', app.wallet, 'settings', 'emails', 'list', '--json'], { encoding: 'utf8' });
  assert.equal(listed.status, 0, listed.stderr);
  assert.deepEqual(JSON.parse(listed.stdout).emails, ['someone@example.org', 'Learner@Example.org']);
  const added = spawnSync(CLI, ['--wallet', app.wallet, 'settings', 'emails', 'add', 'third@example.org'], { encoding: 'utf8' });
  assert.equal(added.status, 0, added.stderr);
  await openSettings(app);
  assert.equal(await app.exec('return document.getElementById("s-emails").value'), 'someone@example.org\nLearner@Example.org\nthird@example.org');
  await app.click('#s-close');
  await stop(app);
});

test('a CLR is shown grouped with its achievements, each verified', async () => {
  const app = await start();
  await paste(app, fixture('clr.json'));
  assert.match(await app.text('#results-summary'), /1 imported/);
  await app.click('#results-close');
  assert.equal(await inCard(app, 'Transcript 2026', '.nested'),
    'Learner record of 2 achievements: Course A: Statistics · Course B: Ethics');
  await openCard(app, 'Transcript 2026');
  assert.equal(await app.exec('return document.getElementById("d-nested-section").hidden'), false);
  assert.equal(await app.text('#d-nested-title'), 'In this record: 2 achievements');
  const held = await app.exec('return [...document.querySelectorAll("#d-nested li")].map(li => [li.querySelector(".n-name").textContent, li.querySelector(".badge").textContent, li.querySelector(".n-issuer").textContent])');
  assert.deepEqual(held, [
    ['Course A: Statistics', 'Verified', 'Issued by Registrar Office'],
    ['Course B: Ethics', 'Verified', 'Issued by Registrar Office'],
  ]);
  assert.equal((await check(app, 'nested_credentials'))[0], 'pass');
  await shot(app, 'clr-detail');
  await closeDetail(app);
  // A credential that is not a CLR has no such section.
  await paste(app, fixture('recipient-badge.json'));
  await openCard(app, 'Badge for a Learner');
  assert.equal(await app.exec('return document.getElementById("d-nested-section").hidden'), true);
  await closeDetail(app);
  await stop(app);
});

test('expiry is compared with today whenever a credential is shown', async () => {
  const wallet = join(mkdtempSync(join(tmpdir(), 'satchel-expiry-')), 'wallet.sqlite3');
  // Checked (by the CLI, same wallet) on a day it was valid; it expired since.
  const file = join(ISSUER, 'expiring-badge.json');
  const { validFrom, validUntil } = JSON.parse(fixture('expiring-badge.json'));
  const then = new Date((Date.parse(validFrom) + Date.parse(validUntil)) / 2).toISOString();
  const imported = spawnSync(CLI, ['--wallet', wallet, '--at', then, 'import', file, '--json'], { encoding: 'utf8' });
  assert.equal(imported.status, 0, imported.stderr);
  assert.equal(JSON.parse(imported.stdout)[0].outcome, 'verified', 'valid on the day it was checked');
  const app = await start(wallet);
  assert.equal(await inCard(app, 'Expiring Pass', '.badge'), 'Expired');
  await openCard(app, 'Expiring Pass');
  assert.equal(await app.text('#d-badge'), 'Expired');
  const [st, msg] = await check(app, 'validity_period');
  assert.equal(st, 'warn');
  assert.match(msg, /^Expired on /);
  // The other checks are as of the last check, which the detail names.
  assert.match(await app.text('#d-checked'), /^Last checked .* · dates as of today$/);
  await closeDetail(app);
  await stop(app);
});
