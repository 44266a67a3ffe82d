// End-to-end tests of receiving credentials from the links issuers send, in
// the real app: a link Satchel is launched with (as the desktop hands over
// an openid-credential-offer:// link) and a link pasted into "Paste or
// choose". Each shows the consent dialog (who, what would be sent, and the
// transaction code field when the offer asks for one) and nothing reaches
// the issuer before Accept; after Accept the credential's card appears.
// The issuer is the OpenID4VCI pre-authorized issuer of examples/e2e_issuer.rs
// (started by scripts/e2e.sh, reached as https://issuer.example.edu/ through
// SATCHEL_CONNECT_TO and SATCHEL_EXTRA_CA_CERTS); it logs what it was asked
// in requests.log, and issues to the DID of the key proof it is sent.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, sleep, until } from '../support/webdriver.mjs';

const APP = process.env.SATCHEL_APP;
const ISSUER = process.env.SATCHEL_E2E_ISSUER;

const open = [];
afterEach(async () => { for (const app of open.splice(0)) await app.close(); });

const read = (name) => readFileSync(join(ISSUER, name), 'utf8').trim();
/** What the issuer was asked so far, one line a request. */
const requests = () => (existsSync(join(ISSUER, 'requests.log')) ? read('requests.log').split('\n').filter(Boolean) : []);

async function start(extra = []) {
  assert.ok(APP && ISSUER, 'scripts/e2e.sh sets SATCHEL_APP and SATCHEL_E2E_ISSUER');
  const wallet = join(mkdtempSync(join(tmpdir(), 'satchel-receive-')), 'wallet.sqlite3');
  const app = await openApp(APP, [`--wallet=${wallet}`, ...extra]);
  open.push(app);
  await until('the app to be ready', () => app.exec('return document.body.dataset.ready === "true"'));
  return app;
}

const isOpen = (app, id) => app.exec('return document.getElementById(arguments[0]).open', [id]);
const cardNames = (app) => app.exec('return [...document.querySelectorAll("#cards .card h3")].map(h => h.textContent)');
const did = async (app) => (await app.exec('return window.__TAURI__.core.invoke("wallet_info")')).did;

test('a link Satchel is opened with asks first, then receives the credential', async () => {
  const before = requests().length;
  const app = await start([read('offer-link.txt')]);
  await until('the consent dialog', () => isOpen(app, 'receive-dialog'));
  assert.match(await app.text('#r-party'), /^issuer\.example\.edu offers you credentials\.$/);
  const sends = await app.exec('return [...document.querySelectorAll("#r-sends li")].map(li => li.textContent)');
  const mine = await did(app);
  assert.ok(mine && sends.some((s) => s.includes(mine)), `the learner's DID is named: ${JSON.stringify(sends)}`);
  assert.match(await app.text('#r-status'), /Nothing has been sent yet/);
  assert.equal(await app.exec('return document.getElementById("r-tx").hidden'), true, 'no transaction code is asked');
  await sleep(1000);
  assert.deepEqual(requests().slice(before), [], 'nothing reached the issuer before Accept');
  await app.click('#r-accept');
  await until('the dialog closed', async () => !(await isOpen(app, 'receive-dialog')));
  assert.match(await app.text('#results-title'), /Received from Test University/);
  assert.match(await app.text('#results-summary'), /1 imported/);
  await until('the received card', async () => (await cardNames(app)).includes('Received Badge'));
  assert.deepEqual(requests().slice(before), ['offer', 'token code-1', 'credential']);
});

test('a pasted link whose offer needs a transaction code asks for it; Cancel sends nothing', async () => {
  const app = await start();
  const link = read('offer-tx-link.txt');
  // Into the link field (Receive from link…), or the credential text box
  // (Import pasted text sees a link and asks the same).
  const paste = async (field = 'paste-link', button = '#paste-receive') => {
    await app.click('#btn-paste');
    await until('paste dialog', () => isOpen(app, 'paste-dialog'));
    await app.exec('document.getElementById(arguments[0]).value = arguments[1];', [field, link]);
    await app.click(button);
    await until('the consent dialog', () => isOpen(app, 'receive-dialog'));
  };
  const before = requests().length;
  await paste('paste-text', '#paste-import');
  assert.match(await app.text('#r-party'), /^issuer\.example\.edu offers you credentials\.$/);
  assert.equal(await app.exec('return document.getElementById("r-tx").hidden'), false, 'the code is asked');
  assert.match(await app.text('#r-tx-hint'), /Sent to your email · 6 digits/);
  // Cancel: nothing is sent, no card.
  await app.click('#r-cancel');
  await until('the dialog closed', async () => !(await isOpen(app, 'receive-dialog')));
  await sleep(800);
  assert.deepEqual(requests().slice(before), []);
  assert.deepEqual(await cardNames(app), []);

  // Again, with a wrong code first: the issuer refuses, the dialog says so.
  await paste();
  await app.exec('document.getElementById("r-tx-code").value = "000000"');
  await app.click('#r-accept');
  await until('the refusal', async () => !(await app.exec('return document.getElementById("r-error").hidden')));
  assert.match(await app.text('#r-error'), /did not accept the code.*transaction code is wrong/);
  assert.equal(await isOpen(app, 'receive-dialog'), true);
  await app.exec('document.getElementById("r-tx-code").value = "493536"');
  await app.click('#r-accept');
  await until('the dialog closed', async () => !(await isOpen(app, 'receive-dialog')));
  assert.match(await app.text('#results-summary'), /1 imported/);
  await until('the received card', async () => (await cardNames(app)).includes('Received With Code'));
});
