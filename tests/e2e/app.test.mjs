// End-to-end tests of the real Satchel app binary, driven as a person would
// through tauri-driver + WebKitWebDriver (started by scripts/e2e.sh under Xvfb).
// Plain W3C WebDriver over HTTP: no npm packages needed.
import { test, before, beforeEach, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync, rmSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ELEMENT, sleep, until, wd } from '../support/webdriver.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const APP = process.env.SATCHEL_APP;
// The project's own example credentials (cargo run --example make_examples).
const EXAMPLES = join(repo, 'examples');
const MANIFEST = JSON.parse(readFileSync(join(EXAMPLES, 'MANIFEST.json'), 'utf8'));
const SCREENSHOT = process.env.SATCHEL_SCREENSHOT;
const SAVE_DIR = process.env.SATCHEL_SAVE_DIR;
const CLI = process.env.SATCHEL_CLI;

let session;

const s = (path) => `/session/${session}${path}`;
const exec = (script, args = []) => wd('POST', s('/execute/sync'), { script, args });
// The W3C element reference key (some drivers also send a legacy "ELEMENT").
const ref = (e) => e[ELEMENT] ?? e.ELEMENT ?? Object.values(e)[0];
const find = async (css) => ref(await wd('POST', s('/element'), { using: 'css selector', value: css }));
const click = async (css) => {
  try {
    return await wd('POST', s(`/element/${await find(css)}/click`), {});
  } catch (e) {
    throw new Error(`clicking ${css}: ${e.message}`);
  }
};
const text = async (css) => wd('GET', s(`/element/${await find(css)}/text`));


/** Saves a screenshot named `name` into SATCHEL_SHOTS_DIR, when set (for looking at screens). */
async function shot(name) {
  if (!process.env.SATCHEL_SHOTS_DIR) return;
  await sleep(500); // let WebKit paint the latest state
  const png = await wd('GET', s('/screenshot'));
  writeFileSync(join(process.env.SATCHEL_SHOTS_DIR, `${name}.png`), Buffer.from(png, 'base64'));
}

const cardCount = () => exec('return document.querySelectorAll("#cards .card").length');

/** Pastes credential text into the Paste dialog and imports it, as a person would. */
async function paste(textValue) {
  await click('#btn-paste');
  await until('paste dialog', () => exec('return document.getElementById("paste-dialog").open'));
  const area = await find('#paste-text');
  // Typing kilobytes key by key is slow in WebKitWebDriver; set the value, then type one key so input events fire.
  await exec('const t = document.getElementById("paste-text"); t.value = arguments[0];', [textValue]);
  await wd('POST', s(`/element/${area}/value`), { text: ' ' });
  await click('#paste-import');
  await until('results', () => exec('return !document.getElementById("results").hidden && !document.getElementById("paste-dialog").open'));
}

const exampleFiles = (outcomes) => MANIFEST.filter((e) => outcomes.includes(e.outcome)).map((e) => join(EXAMPLES, e.file));

// Each test starts from the wallet view, whatever the previous one left open.
beforeEach(async () => {
  await exec('document.querySelectorAll("dialog[open]").forEach(d => d.close()); document.getElementById("present").hidden = true;');
});

before(async () => {
  assert.ok(APP, 'SATCHEL_APP must name the app binary (scripts/e2e.sh sets it)');
  session = (await wd('POST', '/session', { capabilities: { alwaysMatch: { 'tauri:options': { application: APP } } } })).sessionId;
  await until('the app to be ready', () => exec('return document.body.dataset.ready === "true"'));
});

after(async () => {
  if (session) await wd('DELETE', `/session/${session}`).catch(() => {});
});

test('an empty wallet explains how to add a first credential', async () => {
  assert.equal(await cardCount(), 0);
  assert.equal(await exec('return document.getElementById("empty").hidden'), false);
  assert.match(await text('#empty h2'), /empty/i);
});

test('importing the example credentials shows their cards', async () => {
  const chosen = exampleFiles(['verified', 'warning']);
  assert.ok(chosen.length >= 8, 'examples/MANIFEST.json lists the examples');
  const creds = chosen.map((f) => JSON.parse(readFileSync(f, 'utf8')));
  await paste(JSON.stringify(creds));
  assert.match(await text('#results-summary'), new RegExp(`${chosen.length} imported`));
  await until('cards', async () => (await cardCount()) === chosen.length);
  const names = await exec('return [...document.querySelectorAll("#cards .card h3")].map(h => h.textContent)');
  for (const c of creds) assert.ok(names.includes(c.name), `card for ${c.name}`);
  // Each card shows its status in text as well as colour.
  const badges = await exec('return [...document.querySelectorAll("#cards .badge")].map(b => b.textContent)');
  assert.equal(badges.length, chosen.length);
  for (const b of badges) assert.match(b, /Verified|Expired/);
  assert.equal(badges.filter((b) => /Expired/.test(b)).length, 1, 'one example is expired');
  // Each card shows its credential's own badge image (inline SVG), all different.
  // (An image that fails to load is replaced by initials, so each img left is a loaded badge.)
  const images = await until('badge images loaded', () => exec('const imgs = [...document.querySelectorAll("#cards .card .thumb img")]; return imgs.every((i) => i.complete) ? imgs.map((i) => i.src) : null'));
  assert.equal(images.length, chosen.length);
  for (const src of images) assert.match(src, /^data:image\/svg\+xml;base64,/);
  assert.equal(new Set(images).size, chosen.length, 'every badge differs');
  // Importing the same again: duplicates, nothing new.
  await paste(JSON.stringify(creds.slice(0, 2)));
  assert.match(await text('#results-summary'), /2 already in your wallet/);
  assert.equal(await cardCount(), chosen.length);
  await click('#results-close');
  await until('results dismissed', () => exec('return document.getElementById("results").hidden'));
  if (SCREENSHOT) {
    await sleep(500); // let WebKit paint the latest state
    const png = await wd('GET', s('/screenshot'));
    writeFileSync(SCREENSHOT, Buffer.from(png, 'base64'));
  }
});

test('a tampered credential is refused with its reason', async () => {
  const [tampered] = exampleFiles(['failed']);
  assert.ok(tampered, 'examples/MANIFEST.json lists a tampered example');
  const before = await cardCount();
  await paste(readFileSync(tampered, 'utf8'));
  assert.match(await text('#results-summary'), /1 refused/);
  assert.match(await text('#results-list .msg'), /signature does not match/i);
  assert.equal(await cardCount(), before);
  await click('#results-close');
});

test('open a credential: details, checklist, re-verify, present as QR', async () => {
  assert.ok((await cardCount()) > 0, 'the examples were imported');
  const first = await exec('return document.querySelector("#cards .card h3").textContent');
  await click('#cards .card button.open');
  await until('detail dialog', () => exec('return document.getElementById("detail").open'));
  assert.equal(await text('#d-name'), first);
  await shot('detail');
  const checks = await exec('return [...document.querySelectorAll("#d-checks li")].map(li => [li.dataset.check, li.querySelector(".st").textContent])');
  assert.deepEqual(checks.map((c) => c[0]), ['format', 'signature', 'issuer', 'validity_period', 'status', 'issuer_known']);
  assert.deepEqual(checks[1], ['signature', 'pass']);
  // Long identifiers (a did:key in the issuer check) wrap inside the dialog.
  const overflowing = await exec('const d = document.getElementById("detail").getBoundingClientRect(); return [...document.querySelectorAll("#d-checks li, #d-checks li *")].filter(e => e.getBoundingClientRect().right > d.right + 0.5).map(e => e.textContent.slice(0, 40))');
  assert.deepEqual(overflowing, []);
  const raw = await exec('return document.getElementById("d-raw").textContent');
  assert.equal(JSON.parse(raw).name, first);
  const checkedBefore = await text('#d-checked');
  await sleep(1100);
  await click('#d-reverify');
  await until('a new check time', async () => (await exec('return document.getElementById("d-checked").textContent')) !== checkedBefore);
  assert.equal(await exec('return document.getElementById("toast").hidden'), false, 're-verifying says so in a toast');
  await click('#d-present');
  await until('present mode', () => exec('return !document.getElementById("present").hidden'));
  assert.equal(await exec('return document.getElementById("toast").hidden'), true, 'no toast covers the code');
  await shot('present');
  assert.match(await exec('return document.getElementById("present-img").src'), /^data:image\/svg\+xml;base64,/);
  assert.equal(await text('#present-name'), first);
  // At least 4 screen pixels a module, quiet zone included, black on white.
  const px = await exec('const i = document.getElementById("present-img"); return i.getBoundingClientRect().width * window.devicePixelRatio / Number(i.dataset.modules)');
  assert.ok(px >= 4, `${px} screen pixels a module`);
  assert.equal(await exec('return getComputedStyle(document.getElementById("present")).backgroundColor'), 'rgb(255, 255, 255)');
  assert.ok((await exec('return document.getElementById("present-img").alt')).includes(first), 'the code is named for screen readers');
  // What a verifier's camera sees: the window itself, scanned and checked by
  // `satchel verify-qr` (the code must have loaded and be readable on screen).
  await until('the code image decoded', () => exec('const i = document.getElementById("present-img"); return i.complete'));
  await sleep(300);
  const screen = join(mkdtempSync(join(tmpdir(), 'satchel-present-')), 'screen.png');
  writeFileSync(screen, Buffer.from(await wd('GET', s('/screenshot')), 'base64'));
  const scanned = spawnSync(process.env.SATCHEL_CLI, ['verify-qr', '--json', screen], { encoding: 'utf8' });
  const report = JSON.parse(scanned.stdout);
  assert.equal(report.length, 1, scanned.stderr);
  assert.equal(report[0].checks.find((c) => c.check === 'signature').status, 'pass', scanned.stdout);
  // It is the verifier link a phone camera opens, and says so; the other
  // form, the Satchel code, is one click away (and as readable on screen).
  assert.equal(await text('#present-purpose'), 'Scan with any phone camera: it opens the Satchel verifier');
  assert.match(await text('#present-meta'), /^Verifier link · QR version (\d+), error correction [LMQH]$/);
  assert.ok(Number(/version (\d+)/.exec(await text('#present-meta'))[1]) <= 22);
  assert.match(await text('#present-help'), /satchel-wallet\.github\.io\/satchel\/verifier\.html/);
  await click('#present-switch');
  await until('the Satchel code', async () => (await text('#present-purpose')) === 'Scan with Satchel (Verify a QR code)');
  assert.match(await text('#present-meta'), /^Satchel code · QR version \d+, error correction M$/);
  assert.equal(await text('#present-switch'), 'Show the phone-camera code');
  await shot('present-satchel-code');
  await until('the code image decoded', () => exec('const i = document.getElementById("present-img"); return i.complete'));
  await sleep(300);
  writeFileSync(screen, Buffer.from(await wd('GET', s('/screenshot')), 'base64'));
  const again = JSON.parse(spawnSync(process.env.SATCHEL_CLI, ['verify-qr', '--json', screen], { encoding: 'utf8' }).stdout);
  assert.equal(again[0].checks.find((c) => c.check === 'signature').status, 'pass');
  await click('#present-switch');
  await until('the link again', async () => (await text('#present-meta')).startsWith('Verifier link'));
  await click('#present-close');
  await until('detail again', () => exec('return document.getElementById("detail").open'));
  // Add to LinkedIn: every field to copy, and LinkedIn's form opened only on
  // a click (scripted runs log the page instead of starting a browser).
  await click('#d-linkedin');
  await until('the LinkedIn dialog', () => exec('return document.getElementById("linkedin-dialog").open'));
  await shot('linkedin');
  const fields = await exec('return Object.fromEntries([...document.querySelectorAll("#li-fields dt")].map(dt => [dt.textContent, dt.nextElementSibling.querySelector(".value").textContent]))');
  assert.equal(fields.Name, first);
  assert.match(fields['Credential URL'], /^https:\/\/satchel-wallet\.github\.io\/satchel\/verifier\.html#SB3:\d+$/);
  assert.equal(await exec('return document.querySelectorAll("#li-fields button").length'), Object.keys(fields).length);
  const opened = process.env.SATCHEL_OPEN_URL_FILE;
  assert.ok(!existsSync(opened), 'nothing opened before the click');
  await click('#li-open');
  await until('LinkedIn opened', () => existsSync(opened));
  const url = new URL(readFileSync(opened, 'utf8').trim());
  assert.equal(`${url.origin}${url.pathname}`, 'https://www.linkedin.com/profile/add');
  assert.equal(url.searchParams.get('startTask'), 'CERTIFICATION_NAME');
  assert.equal(url.searchParams.get('name'), first);
  assert.equal(url.searchParams.get('certUrl'), fields['Credential URL']);
  await click('#li-close');
  await click('#d-close');
});

test('a large credential is presented in parts and verified from a pasted screenshot', async () => {
  const large = readFileSync(join(repo, 'tests', 'fixtures', 'qr-large-credential.json'), 'utf8');
  const name = JSON.parse(large).name;
  await paste(large);
  await click('#results-close');
  await until('the large card', () => exec('return [...document.querySelectorAll("#cards .card h3")].some(h => h.textContent === arguments[0])', [name]));
  await exec('[...document.querySelectorAll("#cards .card")].find(c => c.querySelector("h3").textContent === arguments[0]).querySelector("button").click()', [name]);
  await until('detail dialog', () => exec('return document.getElementById("detail").open'));
  const id = await exec('return state.current.id');
  await click('#d-present');
  await until('present mode', () => exec('return !document.getElementById("present").hidden'));
  // Too large for one phone-camera code: the Satchel code, and why.
  assert.equal(await text('#present-purpose'), 'Scan with Satchel (Verify a QR code)');
  assert.match(await text('#present-help'), /^Too large for one phone-camera code, so this is its Satchel code\./);
  assert.equal(await exec('return document.getElementById("present-switch").disabled'), true);
  const first = await text('#present-part');
  const m = /^Part 1 of (\d+)$/.exec(first);
  assert.ok(m, `part label: ${first}`);
  const n = Number(m[1]);
  assert.ok(n >= 2);
  await shot('present-parts');
  // Pause is a toggle button; the arrow keys step through the parts.
  await click('#present-pause');
  assert.equal(await exec('return document.getElementById("present-pause").getAttribute("aria-pressed")'), 'true');
  await exec('document.activeElement.blur(); document.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight", bubbles: true }))');
  assert.equal(await text('#present-part'), `Part 2 of ${n}`);
  assert.match(await exec('return document.getElementById("present-img").alt'), new RegExp(`part 2 of ${n}$`));
  await click('#present-close');
  await until('detail again', () => exec('return document.getElementById("detail").open'));
  await click('#d-close');

  // The parts as PNG images (written by the CLI from the same wallet), pasted
  // from the clipboard together, in reverse order.
  const dir = mkdtempSync(join(tmpdir(), 'satchel-qr-'));
  const made = spawnSync(CLI, ['qr', String(id), '-o', join(dir, 'code.png')], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  const pngs = readdirSync(dir).filter((f) => f.endsWith('.png')).sort().reverse()
    .map((f) => [f, readFileSync(join(dir, f)).toString('base64')]);
  const pasted = await wd('POST', s('/execute/async'), {
    script: `const done = arguments[arguments.length - 1];
      const dt = new DataTransfer();
      for (const [name, b64] of arguments[0]) {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        dt.items.add(new File([bytes], name, { type: 'image/png' }));
      }
      document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true }));
      done(arguments[0].length);`,
    args: [pngs],
  });
  assert.equal(pasted, n);
  await until('QR results', () => exec('return !document.getElementById("results").hidden && document.getElementById("results-title").textContent === "QR code check"'));
  const items = await exec('return [...document.querySelectorAll("#results-list li")].map(li => [li.dataset.result, li.querySelector(".msg").textContent])');
  assert.equal(items.length, 1, JSON.stringify(items));
  assert.equal(items[0][0], 'checked', JSON.stringify(items));
  assert.match(items[0][1], /verified/i);
  await click('#results-close');
});

test('search and filters narrow the list', async () => {
  const total = await cardCount();
  assert.ok(total >= 2, 'several cards');
  const target = await exec('return document.querySelectorAll("#cards .card h3")[1].textContent');
  const word = target.split(/\s+/).find((w) => w.length > 4) || target;
  const input = await find('#search');
  await wd('POST', s(`/element/${input}/value`), { text: word });
  await until('filtered list', async () => {
    const names = await exec('return [...document.querySelectorAll("#cards .card h3")].map(h => h.textContent)');
    // Search also matches issuer, achievement and description, so other names may stay.
    return names.length > 0 && names.length < total && names.includes(target);
  });
  await exec('const i = document.getElementById("search"); i.value = ""; i.dispatchEvent(new Event("input"));');
  await until('full list', async () => (await cardCount()) === total);
  await exec('const f = document.getElementById("filter-status"); f.value = "failed"; f.dispatchEvent(new Event("change"));');
  await until('no failed credentials', () => exec('return !document.getElementById("no-match").hidden'));
  await exec('const f = document.getElementById("filter-status"); f.value = ""; f.dispatchEvent(new Event("change"));');
  await until('full list', async () => (await cardCount()) === total);
});

test('hostile credential text is shown as text and runs nothing', async () => {
  const hostile = readFileSync(join(repo, 'tests', 'fixtures', 'hostile-credential.json'), 'utf8');
  const name = JSON.parse(hostile).name;
  await paste(hostile);
  assert.match(await text('#results-summary'), /1 imported/);
  await click('#results-close');
  await until('the hostile card', () => exec('return [...document.querySelectorAll("#cards .card h3")].some(h => h.textContent === arguments[0])', [name]));
  await exec('[...document.querySelectorAll("#cards .card")].find(c => c.querySelector("h3").textContent === arguments[0]).querySelector("button").click()', [name]);
  await until('detail dialog', () => exec('return document.getElementById("detail").open'));
  await sleep(500);
  assert.equal(await text('#d-name'), name);
  const injected = await exec('return document.querySelectorAll("img[src=\'x\'], #detail script, #cards script, #detail a, #detail b").length');
  assert.equal(injected, 0, 'no element was created from credential text');
  assert.equal(await exec('return document.title'), 'Satchel', 'no injected script ran');
  await click('#d-close');
});

test('share: a signed bundle and a portfolio that Satchel verifies', async () => {
  assert.ok((await cardCount()) >= 2, 'several cards');
  assert.ok(SAVE_DIR && CLI, 'scripts/e2e.sh sets SATCHEL_SAVE_DIR and SATCHEL_CLI');
  const bundlePath = join(SAVE_DIR, 'satchel-bundle.json');
  const portfolioPath = join(SAVE_DIR, 'portfolio.html');
  rmSync(bundlePath, { force: true });
  rmSync(portfolioPath, { force: true });
  const name = await exec('return document.querySelector("#cards .card h3").textContent');
  await click('#cards .card button.open');
  await until('detail dialog', () => exec('return document.getElementById("detail").open'));
  await click('#d-share');
  await until('share dialog', () => exec('return document.getElementById("share-dialog").open'));
  // Opened from a credential, only that one is chosen.
  const chosen = await exec('return [...document.querySelectorAll("#share-list input:checked")].map(b => b.closest("li").textContent)');
  assert.equal(chosen.length, 1);
  assert.ok(chosen[0].startsWith(name), chosen[0]);
  await wd('POST', s(`/element/${await find('#share-challenge')}/value`), { text: 'interview-42' });
  await wd('POST', s(`/element/${await find('#share-domain')}/value`), { text: 'jobs.example' });
  await shot('share-bundle');
  await click('#share-save');
  await until('the bundle file', () => existsSync(bundlePath));
  await until('the dialog to close', async () => !(await exec('return document.getElementById("share-dialog").open')));
  assert.match(await text('#toast'), /Saved the verification bundle of 1 credential/);
  // The verifier's side: Satchel's CLI checks the bundle the app made.
  const ok = spawnSync(CLI, ['verify-bundle', bundlePath, '--challenge', 'interview-42', '--domain', 'jobs.example', '--json'], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stderr);
  const reports = JSON.parse(ok.stdout);
  assert.equal(reports.length, 1);
  assert.equal(reports[0].checks.find((c) => c.check === 'holder').status, 'pass');
  const replay = spawnSync(CLI, ['verify-bundle', bundlePath, '--challenge', 'another-nonce', '--json'], { encoding: 'utf8' });
  assert.notEqual(replay.status, 0, 'a bundle made for another challenge is refused');

  // A portfolio of two credentials needs the learner's name once.
  await click('#btn-share');
  await until('share dialog', () => exec('return document.getElementById("share-dialog").open'));
  await exec('document.querySelector("input[name=share-kind][value=portfolio]").click();');
  await exec('const b = [...document.querySelectorAll("#share-list input")]; b.forEach((x, i) => { if (x.checked !== (i < 2)) x.click(); });');
  await exec('document.getElementById("share-name").value = "";');
  await click('#share-save');
  await until('the missing-name message', () => exec('return !document.getElementById("share-error").hidden'));
  assert.match(await text('#share-error'), /your name/i);
  await shot('share-portfolio-error');
  assert.ok(!existsSync(portfolioPath));
  await wd('POST', s(`/element/${await find('#share-name')}/value`), { text: 'Ada <b>Lovelace</b>' });
  await click('#share-save');
  await until('the portfolio file', () => existsSync(portfolioPath));
  const html = readFileSync(portfolioPath, 'utf8');
  assert.ok(html.includes('Ada &lt;b&gt;Lovelace&lt;/b&gt;'), 'the name is escaped');
  const checked = spawnSync(CLI, ['verify-bundle', portfolioPath, '--json'], { encoding: 'utf8' });
  assert.equal(checked.status, 0, checked.stderr);
  assert.equal(JSON.parse(checked.stdout).length, 2);
});

test('remove asks for confirmation, then the card is gone', async () => {
  const before = await cardCount();
  assert.ok(before > 0, 'cards to remove');
  const name = await exec('return document.querySelector("#cards .card h3").textContent');
  const sameName = () => exec('return [...document.querySelectorAll("#cards .card h3")].filter(h => h.textContent === arguments[0]).length', [name]);
  const namedBefore = await sameName();
  await click('#cards .card button.open');
  await until('detail dialog', () => exec('return document.getElementById("detail").open'));
  await click('#d-remove');
  await until('confirmation', () => exec('return document.getElementById("confirm").open'));
  await click('#c-cancel');
  assert.equal(await cardCount(), before, 'cancel keeps it');
  await click('#d-remove');
  await until('confirmation', () => exec('return document.getElementById("confirm").open'));
  await click('#c-ok');
  await until('one card fewer', async () => (await cardCount()) === before - 1);
  assert.equal(await sameName(), namedBefore - 1, `the card "${name}" is gone`);
});

test('settings show the wallet file and the learner DID', async () => {
  await click('#btn-settings');
  await until('settings', () => exec('return document.getElementById("settings").open'));
  assert.equal(await text('#s-wallet'), process.env.SATCHEL_WALLET);
  assert.match(await text('#s-did'), /^did:key:z6Mk/);
  // The verifier page: the published one until set, checked when saved, and
  // the same setting the CLI reads.
  const published = 'https://satchel-wallet.github.io/satchel/verifier.html';
  assert.equal(await exec('return document.getElementById("s-verifier").value'), published);
  const setTo = async (url) => {
    await exec('document.getElementById("s-verifier").value = arguments[0]', [url]);
    await click('#s-verifier-save');
  };
  await setTo('http://example.com/v.html');
  await until('refused', async () => (await text('#s-verifier-status')).startsWith('Not saved: http:// is only for a verifier page on this computer'));
  await setTo('https://verify.example.org/v.html');
  await until('saved', async () => (await text('#s-verifier-status')).startsWith('Saved'));
  const shown = spawnSync(CLI, ['settings', 'verifier-url'], { encoding: 'utf8' });
  assert.equal(shown.stdout.trim(), 'https://verify.example.org/v.html', shown.stderr);
  await click('#s-verifier-reset');
  await until('published again', async () => (await exec('return document.getElementById("s-verifier").value')) === published);
  assert.equal(spawnSync(CLI, ['settings', 'verifier-url'], { encoding: 'utf8' }).stdout.trim(), published);
  await click('#s-close');
});

test('backup: the reminder, Back up…, a wrong passphrase changes nothing, Restore… brings credentials back', async () => {
  assert.ok(SAVE_DIR && CLI && process.env.SATCHEL_OPEN_FILE, 'scripts/e2e.sh sets SATCHEL_SAVE_DIR, SATCHEL_CLI and SATCHEL_OPEN_FILE');
  const total = await cardCount();
  assert.ok(total >= 2, 'credentials to back up');
  // Credentials and never a backup: the gentle reminder shows above the cards.
  await until('the backup reminder', () => exec('return !document.getElementById("backup-reminder").hidden'));
  await shot('backup-reminder');
  await click('#reminder-open');
  await until('settings', () => exec('return document.getElementById("settings").open'));
  assert.match(await text('#s-backup-status'), /never been backed up/);
  assert.equal(await exec('return document.activeElement.id'), 'b-pass', 'the passphrase field has the focus');

  const pass = 'correct horse battery staple';
  const typeInto = async (css, value) => {
    await exec('document.querySelector(arguments[0]).value = "";', [css]);
    await wd('POST', s(`/element/${await find(css)}/value`), { text: value });
  };
  const backups = () => readdirSync(SAVE_DIR).filter((f) => f.startsWith('satchel-backup-') && f.endsWith('.age'));
  // Two different passphrases: refused, no file.
  await typeInto('#b-pass', pass);
  await typeInto('#b-again', `${pass}!`);
  await click('#b-save');
  await until('the mismatch message', async () => /differ/.test(await text('#s-backup-msg')));
  assert.equal(backups().length, 0);
  // The same passphrase twice: the backup is written, never showing the passphrase.
  await typeInto('#b-again', pass);
  await click('#b-save');
  await until('the backup message', async () => /Backup saved to/.test(await text('#s-backup-msg')), 60000);
  assert.equal(backups().length, 1);
  const backupFile = join(SAVE_DIR, backups()[0]);
  assert.equal(await exec('return document.getElementById("b-pass").value + document.getElementById("b-again").value'), '', 'the passphrase fields are cleared');
  assert.match(await text('#s-backup-status'), /^Last backup: /);
  assert.ok(!readFileSync(backupFile).includes(Buffer.from(pass)), 'the passphrase is not in the file');
  await shot('backup-done');
  const did = await text('#s-did');
  await click('#s-close');
  await until('the reminder to go away', () => exec('return document.getElementById("backup-reminder").hidden'));

  // The backup restored into a fresh wallet by the CLI: every credential's bytes and the same DID.
  const dir = mkdtempSync(join(tmpdir(), 'satchel-restore-'));
  const fresh = join(dir, 'fresh.sqlite3');
  const env = { ...process.env, SATCHEL_PASSPHRASE: pass, SATCHEL_KEY_STORE: 'file' };
  const cli = (args, extra = {}) => spawnSync(CLI, args, { env: { ...env, ...extra }, encoding: 'utf8' });
  const restored = cli(['--wallet', fresh, 'restore', backupFile, '--json']);
  assert.equal(restored.status, 0, restored.stderr);
  assert.equal(JSON.parse(restored.stdout).restored, total);
  assert.equal(JSON.parse(cli(['--wallet', fresh, 'whoami', '--json']).stdout).did, did, 'the same learner DID');
  const ids = (wallet) => JSON.parse(cli(['--wallet', wallet, 'list', '--json', '--limit', '1000']).stdout).map((c) => c.id);
  const bytesOf = (wallet) => ids(wallet).map((id) => spawnSync(CLI, ['--wallet', wallet, 'export-raw', String(id)], { env }).stdout.toString('base64')).sort();
  assert.deepEqual(bytesOf(fresh), bytesOf(process.env.SATCHEL_WALLET));

  // Two credentials removed from the app's wallet (by the CLI), then restored in the app.
  const appIds = ids(process.env.SATCHEL_WALLET);
  for (const id of appIds.slice(0, 2)) assert.equal(cli(['remove', String(id)]).status, 0);
  await exec('refresh()');
  await until('two cards fewer', async () => (await cardCount()) === total - 2);
  writeFileSync(process.env.SATCHEL_OPEN_FILE, readFileSync(backupFile));
  await click('#btn-settings');
  await until('settings', () => exec('return document.getElementById("settings").open'));
  // A wrong passphrase says so and changes nothing.
  await typeInto('#r-pass', 'not the passphrase');
  await click('#r-open');
  await until('the wrong-passphrase message', async () => /wrong passphrase/i.test(await text('#s-backup-msg')), 60000);
  assert.equal(await exec('return document.getElementById("s-backup-msg").classList.contains("error")'), true);
  await shot('restore-wrong-passphrase');
  assert.equal(ids(process.env.SATCHEL_WALLET).length, total - 2);
  // The right one brings the two back; the others are skipped as duplicates.
  await typeInto('#r-pass', pass);
  await click('#r-open');
  await until('the restore message', async () => /^Restored 2 credentials \(\d+ already here were skipped\)/.test(await text('#s-backup-msg')), 60000);
  assert.match(await text('#s-backup-msg'), new RegExp(`\\(${total - 2} already here were skipped\\)`));
  assert.match(await text('#s-backup-msg'), /Your key is the same as in the backup/);
  await shot('restore-done');
  await click('#s-close');
  await until('every card back', async () => (await cardCount()) === total);
  assert.deepEqual(bytesOf(process.env.SATCHEL_WALLET), bytesOf(fresh));
  rmSync(dir, { recursive: true, force: true });
});
