// Satchel's window. Every rule lives in the Rust library; this file only
// asks for data and shows it. Credential text is hostile input: it is only
// ever placed with textContent or setAttribute, never parsed as HTML.
'use strict';

const invoke = (cmd, args) => window.__TAURI__.core.invoke(cmd, args);
const $ = (id) => document.getElementById(id);

// `online`: the learner's answer about online checks (null until asked).
const state = { page: 0, pageSize: 60, total: 0, allowRemote: false, online: null, current: null, searchTimer: 0 };

const { el, fmtDate, fmtDateTime, statusOf, detailStatusOf, badge, field, credentialFields, checkItems, nestedItems, issuedBy } = window.SatchelView;
/** The badge image; web images only when the learner allowed them. */
const thumb = (summary) => window.SatchelView.thumb(summary, state.allowRemote,
  'This badge image is on the web; allow web images in Settings to show it.');

function toast(message, ms = 3500) {
  const t = $('toast');
  t.textContent = message;
  t.hidden = false;
  clearTimeout(toast.timer);
  if (ms) toast.timer = setTimeout(() => { t.hidden = true; }, ms);
}

function query() {
  return {
    search: $('search').value || null,
    issuer: $('filter-issuer').value || null,
    outcome: $('filter-status').value || null,
    sort: $('sort').value,
    limit: state.pageSize,
    offset: state.page * state.pageSize,
  };
}

async function load() {
  let page;
  try {
    page = await invoke('list_credentials', { query: query() });
  } catch (e) {
    toast(`Could not read the wallet: ${e}`, 0);
    return;
  }
  state.total = page.total;
  const filtered = Boolean($('search').value || $('filter-issuer').value || $('filter-status').value);
  $('empty').hidden = !(page.total === 0 && !filtered);
  $('no-match').hidden = !(page.total === 0 && filtered);
  $('count').textContent = page.total === 1 ? '1 credential' : `${page.total} credentials`;
  const cards = $('cards');
  cards.replaceChildren(...page.items.map(card));
  const pages = Math.max(1, Math.ceil(page.total / state.pageSize));
  $('pager').hidden = pages <= 1;
  $('page-label').textContent = `Page ${state.page + 1} of ${pages}`;
  $('prev').disabled = state.page === 0;
  $('next').disabled = state.page + 1 >= pages;
}

function card(item) {
  const s = item;
  const issuer = s.issuer_name || s.issuer_id || 'Unknown issuer';
  const date = s.valid_from ? `Issued ${fmtDate(s.valid_from)}` : 'No issue date';
  const nested = s.nested && s.nested.length
    ? el('p', { class: 'nested', text: `Learner record of ${s.nested.length} achievement${s.nested.length === 1 ? '' : 's'}: ${s.nested.join(' · ')}` })
    : '';
  const open = el('button', { class: 'open', type: 'button', 'data-id': String(item.id) },
    thumb(s),
    el('div', {},
      el('h3', { class: 'name', text: s.name }),
      el('p', { class: 'issuer', text: issuer }),
      el('p', { class: 'date', text: date }),
      nested,
      badge(item),
      el('p', { class: 'checked', text: `Checked ${fmtDate(item.verified_at)}` })));
  open.setAttribute('aria-label', `${s.name}, from ${issuer}, ${statusOf(item)[1]}`);
  open.addEventListener('click', () => openDetail(item.id));
  return el('li', { class: 'card', 'data-id': String(item.id) }, open);
}

async function loadIssuers() {
  const select = $('filter-issuer');
  const chosen = select.value;
  const list = await invoke('issuers');
  select.replaceChildren(el('option', { value: '', text: 'All issuers' }),
    ...list.map((i) => el('option', { value: i.id, text: `${i.name || i.id} (${i.count})` })));
  select.value = list.some((i) => i.id === chosen) ? chosen : '';
}

async function refresh() {
  await loadIssuers();
  await load();
  // The backup reminder depends on whether the wallet holds credentials.
  await loadSettings().catch(() => {});
}

// ---- importing ----------------------------------------------------------

/** Shows what an import (or a QR check) found; an import that needed the
 * network asks, once, whether checks may go online. */
function showResults(title, items, { ask = true } = {}) {
  $('results-title').textContent = title;
  const count = (r) => items.filter((i) => i.result === r).length;
  const parts = [];
  if (count('imported')) parts.push(`${count('imported')} imported`);
  if (count('duplicate')) parts.push(`${count('duplicate')} already in your wallet`);
  if (count('refused')) parts.push(`${count('refused')} refused`);
  if (count('error')) parts.push(`${count('error')} failed to save`);
  if (count('checked')) parts.push(`${count('checked')} checked`);
  $('results-summary').textContent = parts.join(' · ') || 'Nothing was imported.';
  $('results-list').replaceChildren(...items.map((i) => el('li', { class: `result ${i.result}`, 'data-result': i.result },
    badge({ outcome: i.outcome }),
    el('span', { class: 'src', text: i.source }),
    el('span', { class: 'msg', text: i.message }))));
  $('results').hidden = false;
  if (ask) askOnlineOnce(items);
}

// ---- online checks: asked once, the first time a check needs the network --

/** What a check would fetch, in words, for the ask-once question. */
function fetchPurpose(check) {
  if (check.check === 'status') return 'the status list the credential names, to check whether it was revoked';
  if (check.check === 'issuer') return 'the badge\'s issuer, to confirm who issued it';
  if (/hosted assertion/.test(check.message)) return 'the badge as its issuer hosts it, to check that it is genuine';
  if (check.check === 'signature') return 'the issuer\'s public key, to check the signature';
  return 'a document this check needs';
}

/** The distinct [url, purpose] pairs checks would have fetched. */
function wouldFetch(items) {
  const seen = new Map();
  for (const i of items) {
    for (const c of i.checks || []) {
      if (c.would_fetch && !seen.has(c.would_fetch)) seen.set(c.would_fetch, fetchPurpose(c));
    }
  }
  return [...seen];
}

function hostOf(url) {
  try { return new URL(url).host; } catch { return url; }
}

/** Asks once whether checks may go online, naming every site and address it would contact. */
function askOnlineOnce(items) {
  if (state.online !== null || $('online-ask').open) return;
  const urls = wouldFetch(items);
  if (!urls.length) return;
  const hosts = [...new Set(urls.map(([u]) => hostOf(u)))];
  const needing = items.filter((i) => (i.checks || []).some((c) => c.would_fetch));
  const what = needing.length > 1 ? `${needing.length} credentials`
    : needing[0].name ? `“${needing[0].name}”` : 'this credential';
  $('oa-text').textContent = `To finish checking ${what}, Satchel would contact ${hosts.join(', ')} over the internet and fetch:`;
  $('oa-urls').replaceChildren(...urls.map(([u, why]) => el('li', {},
    el('span', { class: 'url', text: u }), el('span', { text: ` — ${why}.` }))));
  $('online-ask').showModal();
  $('oa-no').focus();
}

async function answerOnline(allow) {
  if ($('online-ask').open) $('online-ask').close();
  let answered;
  try {
    answered = await invoke('set_online_checks', { allow });
  } catch (e) {
    toast(`Could not save your answer: ${e}`, 8000);
    return;
  }
  state.online = allow;
  if (!allow) {
    toast('Online checks stay off. Checks that need the internet are shown as not done; you can turn them on in Settings.', 6000);
    return;
  }
  if (answered.results.length) showResults('Checked online', answered.results);
  else toast(`Checked ${answered.rechecked} credential${answered.rechecked === 1 ? '' : 's'} online.`);
  await refresh();
  if (state.current && $('detail').open) await openDetail(state.current.id);
}

async function checkAll() {
  $('s-check-all').disabled = true;
  $('s-checked').textContent = 'Checking…';
  try {
    const r = await invoke('reverify_all');
    const parts = [`Checked ${r.checked} credential${r.checked === 1 ? '' : 's'} ${r.online ? 'online' : 'offline'} just now`];
    if (r.failed) parts.push(`${r.failed} failed`);
    if (r.skipped_offline) parts.push(`${r.skipped_offline} need online checks to be complete`);
    $('s-checked').textContent = `${parts.join('; ')}.`;
    await refresh();
  } catch (e) {
    $('s-checked').textContent = `Could not check: ${e}`;
  } finally {
    $('s-check-all').disabled = false;
  }
}

/** The addresses typed in Settings, one a line (commas too). */
function typedEmails() {
  return $('s-emails').value.split(/[\n,;]+/).map((e) => e.trim()).filter(Boolean);
}

async function saveEmails() {
  const typed = typedEmails();
  const bad = typed.filter((e) => !/^[^@\s]+@[^@\s]+$/.test(e));
  if (bad.length) {
    $('s-emails-status').textContent = `Not an email address: ${bad.join(', ')}`;
    return;
  }
  try {
    const kept = await invoke('set_recipient_emails', { emails: typed });
    $('s-emails').value = kept.join('\n');
    $('s-emails-status').textContent = kept.length
      ? `Saved ${kept.length} address${kept.length === 1 ? '' : 'es'}; badges naming a recipient were checked again.`
      : 'No addresses: the recipient of a badge is not checked.';
    await refresh();
  } catch (e) {
    $('s-emails-status').textContent = `Could not save: ${e}`;
  }
}

async function saveVerifierUrl(url) {
  try {
    const now = await invoke('set_verifier_url', { url });
    $('s-verifier').value = now;
    $('s-verifier-status').textContent = url ? `Saved: codes and links now open ${now}.` : 'Back to Satchel\'s published page.';
  } catch (e) {
    $('s-verifier-status').textContent = `Not saved: ${e}`;
  }
}

async function importFiles(files) {
  const all = [];
  let n = 0;
  for (const f of files) {
    n += 1;
    toast(`Importing ${n} of ${files.length}…`, 0);
    const bytes = Array.from(new Uint8Array(await f.arrayBuffer()));
    try {
      all.push(...await invoke('import_data', { name: f.name, bytes }));
    } catch (e) {
      all.push({ source: f.name, outcome: 'failed', result: 'error', message: String(e), checks: [] });
    }
  }
  $('toast').hidden = true;
  showResults(files.length === 1 ? 'Import result' : `Imported ${files.length} files`, all);
  await refresh();
}

async function importPasted() {
  const text = $('paste-text').value;
  if (!text.trim()) { toast('Paste the text of a credential first.'); return; }
  if (looksLikeLink(text)) {
    $('paste-dialog').close();
    $('paste-text').value = '';
    receiveLinks([text.trim()]);
    return;
  }
  const bytes = Array.from(new TextEncoder().encode(text));
  const items = await invoke('import_data', { name: 'Pasted text', bytes });
  $('paste-dialog').close();
  $('paste-text').value = '';
  showResults('Import result', items);
  await refresh();
}

// ---- receiving from an issuer's link -------------------------------------

/** Is this pasted text an issuer's link rather than a credential? (Other
 * https URLs are left to import, which says what it makes of them.) */
function looksLikeLink(text) {
  const t = text.trim();
  if (/\s/.test(t)) return false;
  return /^(openid-credential-offer:|dccrequest:|org\.dcconsortium:|interaction:|https:\/\/lcw\.app\/request)/i.test(t)
    || (/^https:\/\//i.test(t) && /[?&]iuv=1(&|#|$)/.test(t));
}

// Links wait their turn: one consent dialog at a time.
const receiving = { queue: [], link: null, preview: null, busy: false };

/** Queues links (pasted, or opened with Satchel) for the consent dialog. */
function receiveLinks(links) {
  receiving.queue.push(...links);
  if (!$('receive-dialog').open && !receiving.busy) nextLink();
}

/** Shows the next queued link's consent dialog: who, what would be sent.
 * The preview reads the link alone; nothing goes on the network here. */
async function nextLink() {
  const link = receiving.queue.shift();
  if (link === undefined) return;
  let preview;
  try {
    preview = await invoke('preview_link', { link });
  } catch (e) {
    toast(`Cannot receive from this link: ${e}`, 8000);
    nextLink();
    return;
  }
  receiving.link = link;
  receiving.preview = preview;
  const party = preview.party;
  const what = preview.kind === 'offer' ? 'offers you credentials' : 'would send you credentials';
  $('r-party').textContent = `${party.host} ${what}.`;
  $('r-name').hidden = !party.name;
  $('r-name').textContent = party.name ? `It calls itself “${party.name}” (Satchel cannot confirm this name).` : '';
  $('r-sends').replaceChildren(...preview.sends.map((s) => el('li', { text: s })));
  $('r-status').textContent = 'Nothing has been sent yet.';
  $('r-error').hidden = true;
  $('r-error').textContent = '';
  showTxCode(preview.tx_code);
  $('r-accept').disabled = false;
  $('receive-dialog').showModal();
}

/** Shows the transaction code field when the offer asks for one. */
function showTxCode(ask) {
  $('r-tx').hidden = !ask;
  $('r-tx-code').value = '';
  if (!ask) return;
  const hint = [];
  if (ask.description) hint.push(ask.description);
  if (ask.length) hint.push(`${ask.length} ${ask.input_mode === 'numeric' ? 'digits' : 'characters'}`);
  $('r-tx-hint').textContent = hint.length ? `The issuer says: ${hint.join(' · ')}` : 'The issuer gave you this code separately.';
  $('r-tx-code').inputMode = ask.input_mode === 'numeric' ? 'numeric' : 'text';
}

/** Accept: receives (the issuer is contacted now), then shows the results. */
async function acceptLink() {
  const txNeeded = !$('r-tx').hidden;
  const txCode = $('r-tx-code').value.trim();
  if (txNeeded && !txCode) {
    $('r-error').textContent = 'Type the transaction code the issuer gave you.';
    $('r-error').hidden = false;
    $('r-tx-code').focus();
    return;
  }
  receiving.busy = true;
  $('r-accept').disabled = true;
  $('r-error').hidden = true;
  $('r-status').textContent = `Receiving from ${receiving.preview.party.host}…`;
  let received;
  try {
    received = await invoke('receive_link', { link: receiving.link, txCode: txNeeded ? txCode : null });
  } catch (e) {
    receiving.busy = false;
    $('r-accept').disabled = false;
    $('r-status').textContent = '';
    $('r-error').textContent = String(e);
    $('r-error').hidden = false;
    return;
  }
  receiving.busy = false;
  if (received.tx_code_needed) {
    // Only the offer was read: nothing of the learner's was sent.
    showTxCode(received.tx_code_needed);
    $('r-status').textContent = 'Nothing of yours has been sent yet.';
    $('r-error').textContent = 'This offer needs the transaction code the issuer gave you.';
    $('r-error').hidden = false;
    $('r-accept').disabled = false;
    $('r-tx-code').focus();
    return;
  }
  $('receive-dialog').close();
  const from = (received.party && received.party.name) || (received.party && received.party.host) || receiving.preview.party.host;
  showResults(`Received from ${from}`, received.items);
  if (received.error) toast(`Receiving stopped: ${received.error}`, 10000);
  else if (!received.items.length) toast(`${from} sent no credential.`, 6000);
  else if (received.redirect_url) toast(`The issuer asks you to continue at ${received.redirect_url}`, 10000);
  await refresh();
  nextLink();
}

function cancelLink() {
  if (receiving.busy) return;
  if ($('receive-dialog').open) $('receive-dialog').close();
  nextLink();
}

function receivePasted() {
  const link = $('paste-link').value.trim();
  if (!link) { toast('Paste the link the issuer sent you first.'); return; }
  $('paste-dialog').close();
  $('paste-link').value = '';
  receiveLinks([link]);
}

async function importWithDialog() {
  toast('Choose credential files…', 0);
  try {
    const items = await invoke('import_dialog');
    $('toast').hidden = true;
    if (items.length) {
      showResults(`Imported ${items.length} credential${items.length === 1 ? '' : 's'}`, items);
      await refresh();
    }
  } catch (e) {
    toast(`Import failed: ${e}`);
  }
}

// ---- one credential ------------------------------------------------------

function renderChecks(report) {
  $('d-checked').textContent = `Last checked ${fmtDateTime(report.checked_at)} · dates as of today`;
  $('d-checks').replaceChildren(...checkItems(report));
  renderNested(report);
}

/** A CLR's achievements, each with its own verification, under the record. */
function renderNested(report) {
  const nested = nestedItems(report);
  $('d-nested-section').hidden = nested.length === 0;
  $('d-nested-title').textContent = `In this record: ${nested.length} achievement${nested.length === 1 ? '' : 's'}`;
  $('d-nested').replaceChildren(...nested);
}

async function openDetail(id) {
  let d;
  try {
    d = await invoke('get_credential', { id });
  } catch (e) {
    toast(String(e));
    await refresh();
    return;
  }
  state.current = d;
  $('d-img').replaceChildren(thumb(d));
  $('d-name').textContent = d.name;
  $('d-issuer').textContent = issuedBy(d);
  const [cls, label] = detailStatusOf(d);
  $('d-badge').className = `badge ${cls}`;
  $('d-badge').textContent = d.kept_unverified ? `${label} · kept unverified` : label;
  const dl = $('d-fields');
  dl.replaceChildren();
  credentialFields(dl, d);
  field(dl, 'Added to Satchel', fmtDateTime(d.imported_at));
  field(dl, 'Received as', d.source);
  field(dl, 'SHA-256', d.sha256);
  renderChecks(d.report);
  $('d-raw').textContent = d.raw_text;
  if (!$('detail').open) $('detail').showModal();
}

async function reverifyCurrent() {
  const d = state.current;
  if (!d) return;
  const report = await invoke('reverify', { id: d.id });
  d.outcome = report.outcome;
  d.report = report;
  renderChecks(report);
  const [cls, label] = detailStatusOf(d);
  $('d-badge').className = `badge ${cls}`;
  $('d-badge').textContent = label;
  toast(`Re-verified: ${label}.`);
  await load();
  askOnlineOnce([{ name: d.name, checks: report.checks }]);
}

function removeCurrent() {
  const d = state.current;
  if (!d) return;
  $('c-text').textContent = `Remove “${d.name}” from your wallet? Its original file is not affected, but Satchel's copy will be deleted.`;
  $('confirm').showModal();
}

async function confirmRemove() {
  const d = state.current;
  $('confirm').close();
  await invoke('remove_credential', { id: d.id });
  $('detail').close();
  state.current = null;
  toast(`Removed “${d.name}”.`);
  await refresh();
}

// Present mode: the code at a whole number of device pixels a module (at
// least 4), quiet zone included, black on white; several parts cycle with a
// pause button; ←/→ step through parts, Space pauses, Esc closes.
// Two forms: the verifier link (the default; any phone camera opens the
// verifier page) and the Satchel code (read by Satchel); a button switches.
const PART_SECONDS = 3;
const presentState = { qr: null, index: 0, timer: null, paused: false, form: 'link' };

function presentSize(modules) {
  const dpr = window.devicePixelRatio || 1;
  const room = Math.min(window.innerWidth - 48, window.innerHeight - 260);
  const perModule = Math.max(4, Math.floor((room * dpr) / modules));
  return (perModule * modules) / dpr;
}

function showPart(i, announce = false) {
  const { qr } = presentState;
  const n = qr.parts.length;
  presentState.index = ((i % n) + n) % n;
  const part = qr.parts[presentState.index];
  const img = $('present-img');
  const size = presentSize(part.modules);
  img.src = `data:image/svg+xml;base64,${btoa(part.svg)}`;
  img.style.width = `${size}px`;
  img.style.height = `${size}px`;
  img.dataset.modules = String(part.modules);
  const which = n > 1 ? `part ${presentState.index + 1} of ${n}` : '';
  img.alt = `QR code of “${qr.name}”${which ? `, ${which}` : ''}`;
  $('present-part').textContent = n > 1 ? `Part ${presentState.index + 1} of ${n}` : '';
  $('present-part').setAttribute('aria-live', announce ? 'polite' : 'off');
  const what = qr.form === 'link' ? 'Verifier link' : 'Satchel code';
  $('present-meta').textContent = `${what} · QR version ${part.version}, error correction ${qr.ec_level}`;
}

function setPaused(paused) {
  presentState.paused = paused;
  clearInterval(presentState.timer);
  presentState.timer = null;
  const btn = $('present-pause');
  btn.setAttribute('aria-pressed', String(paused));
  btn.textContent = paused ? 'Resume' : 'Pause';
  if (!paused && presentState.qr && presentState.qr.parts.length > 1) {
    presentState.timer = setInterval(() => showPart(presentState.index + 1), PART_SECONDS * 1000);
  }
}

/** What the code is for, in the learner's words, and the other form's button. */
function describePresent(qr) {
  if (qr.form === 'link') {
    $('present-purpose').textContent = 'Scan with any phone camera: it opens the Satchel verifier';
    $('present-switch').textContent = 'Show the Satchel code instead';
  } else {
    $('present-purpose').textContent = 'Scan with Satchel (Verify a QR code)';
    $('present-switch').textContent = 'Show the phone-camera code';
  }
  // No link form to switch to when the credential does not fit one code.
  const stuck = qr.form === 'satchel' && Boolean(qr.link_error);
  $('present-switch').disabled = stuck;
  $('present-switch').hidden = stuck;
}

async function present(form = presentState.form) {
  const d = state.current;
  try {
    const qr = await invoke('qr_code', { id: d.id, form });
    presentState.qr = qr;
    presentState.form = form;
    const many = qr.parts.length > 1;
    $('present-name').textContent = qr.name;
    for (const id of ['present-prev', 'present-pause', 'present-next']) $(id).hidden = !many;
    describePresent(qr);
    const help = [];
    if (qr.form === 'link') help.push(`It opens ${qr.verifier_url}, which checks the credential in the phone's browser; the credential itself is never sent to that site.`);
    if (qr.link_error) help.push(qr.link_error);
    if (many) help.push(`This credential needs ${qr.parts.length} codes; they change every ${PART_SECONDS} seconds. The verifier scans each one, in any order. Space pauses, the arrow keys step.`);
    $('present-help').textContent = help.join(' ');
    if ($('detail').open) $('detail').close();
    // Nothing may cover the code or its help line while it is scanned (a
    // "Re-verified" toast from the detail view did).
    clearTimeout(toast.timer);
    $('toast').hidden = true;
    $('present').hidden = false;
    showPart(0);
    setPaused(false);
    (many ? $('present-pause') : $('present-close')).focus();
  } catch (e) {
    toast(String(e), 8000);
  }
}

/** Switches between the verifier link and the Satchel code. */
function switchPresent() {
  if (!presentState.qr) return;
  setPaused(true);
  present(presentState.qr.form === 'link' ? 'satchel' : 'link');
}

function closePresent() {
  setPaused(true);
  presentState.qr = null;
  $('present').hidden = true;
  if (state.current) openDetail(state.current.id);
}

function presentKey(ev) {
  if ($('present').hidden || !presentState.qr) return false;
  if (ev.key === 'Escape') { closePresent(); return true; }
  if (presentState.qr.parts.length < 2) return false;
  if (ev.key === 'ArrowRight') { setPaused(true); showPart(presentState.index + 1, true); return true; }
  if (ev.key === 'ArrowLeft') { setPaused(true); showPart(presentState.index - 1, true); return true; }
  if (ev.key === ' ' && document.activeElement === document.body) { setPaused(!presentState.paused); return true; }
  return false;
}

async function copyRaw() {
  try {
    await navigator.clipboard.writeText($('d-raw').textContent);
    toast('Copied the credential JSON.');
  } catch {
    const range = document.createRange();
    range.selectNodeContents($('d-raw'));
    const sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    toast('Selected: press Ctrl+C to copy.');
  }
}

/** Copies text; where the clipboard is refused, selects `node`'s text to copy by hand. */
async function copyText(text, what, node) {
  try {
    await navigator.clipboard.writeText(text);
    return `Copied ${what}.`;
  } catch {
    if (node) {
      const range = document.createRange();
      range.selectNodeContents(node);
      const sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
    }
    return `Selected ${what}: press Ctrl+C to copy.`;
  }
}

// ---- Add to LinkedIn -----------------------------------------------------

const LINKEDIN_FIELDS = [
  ['name', 'Name'],
  ['organizationName', 'Issuing organization'],
  ['issueMonth', 'Issue month'],
  ['issueYear', 'Issue year'],
  ['expirationMonth', 'Expiration month'],
  ['expirationYear', 'Expiration year'],
  ['certId', 'Credential ID'],
  ['certUrl', 'Credential URL'],
];

async function openLinkedin() {
  const d = state.current;
  if (!d) return;
  let link;
  try {
    link = await invoke('linkedin_link', { id: d.id });
  } catch (e) {
    toast(String(e), 8000);
    return;
  }
  state.linkedin = link;
  const dl = $('li-fields');
  dl.replaceChildren();
  for (const [key, label] of LINKEDIN_FIELDS) {
    const value = link.fields[key];
    if (value === null || value === undefined || value === '') continue;
    const text = String(value);
    const shown = el('span', { class: 'value mono', text });
    const copy = el('button', { type: 'button', text: 'Copy' });
    copy.setAttribute('aria-label', `Copy ${label}`);
    copy.addEventListener('click', async () => { $('li-status').textContent = await copyText(text, label, shown); });
    dl.append(el('dt', { text: label }), el('dd', {}, shown, copy));
  }
  $('li-note').textContent = link.note || '';
  $('li-note').hidden = !link.note;
  $('li-status').textContent = '';
  $('linkedin-dialog').showModal();
}

async function openLinkedinInBrowser() {
  try {
    await invoke('open_linkedin', { id: state.current.id });
    $('li-status').textContent = 'Opened LinkedIn in your browser.';
  } catch (e) {
    $('li-status').textContent = String(e);
  }
}

// ---- sharing -------------------------------------------------------------

function shareKind() {
  return document.querySelector('input[name="share-kind"]:checked').value;
}

function updateShareForm() {
  const kind = shareKind();
  $('share-bundle-fields').hidden = kind !== 'bundle';
  $('share-portfolio-fields').hidden = kind !== 'portfolio';
  const n = document.querySelectorAll('#share-list input:checked').length;
  $('share-count').textContent = `(${n} chosen)`;
  $('share-save').disabled = n === 0;
}

/** Opens the Share dialog over the credentials the current search shows. */
async function openShare(preselect) {
  const page = await invoke('list_credentials', { query: { ...query(), limit: 500, offset: 0 } });
  $('share-list').replaceChildren(...page.items.map((item) => {
    const box = el('input', { type: 'checkbox', value: String(item.id) });
    box.checked = preselect === undefined || preselect === item.id;
    box.addEventListener('change', updateShareForm);
    const issuer = item.issuer_name || item.issuer_id || 'Unknown issuer';
    return el('li', {}, el('label', { class: 'check' }, box,
      el('span', {}, el('span', { text: item.name }), el('span', { class: 'muted', text: ` · ${issuer} · ${statusOf(item)[1]}` }))));
  }));
  const info = await invoke('wallet_info');
  if (!$('share-name').value) $('share-name').value = info.learner_name || '';
  $('share-error').hidden = true;
  updateShareForm();
  if ($('detail').open) $('detail').close();
  $('share-dialog').showModal();
}

async function saveShare(ev) {
  ev.preventDefault();
  const ids = Array.from(document.querySelectorAll('#share-list input:checked')).map((b) => Number(b.value));
  const request = {
    ids,
    kind: shareKind(),
    challenge: $('share-challenge').value,
    domain: $('share-domain').value,
    learner_name: $('share-name').value,
  };
  try {
    const path = await invoke('share_export', { request });
    if (!path) return; // the learner cancelled the save dialog
    $('share-dialog').close();
    const what = request.kind === 'bundle' ? 'verification bundle' : 'portfolio';
    toast(`Saved the ${what} of ${ids.length} credential${ids.length === 1 ? '' : 's'} to ${path}`, 8000);
  } catch (e) {
    $('share-error').textContent = String(e);
    $('share-error').hidden = false;
    if (request.kind === 'portfolio' && !request.learner_name.trim()) $('share-name').focus();
  }
}

// ---- settings and QR verification ---------------------------------------

async function loadSettings() {
  const info = await invoke('wallet_info');
  state.allowRemote = info.allow_remote_images;
  $('s-wallet').textContent = info.wallet_path;
  $('s-did').textContent = info.did || 'not created yet';
  $('s-key').textContent = info.key_storage || 'Not created yet.';
  $('s-version').textContent = `Satchel ${info.version}`;
  $('s-remote').checked = info.allow_remote_images;
  state.online = info.online_checks === undefined ? null : info.online_checks;
  $('s-online').checked = info.online_checks === true;
  $('s-emails').value = (info.recipient_emails || []).join('\n');
  $('s-verifier').value = info.verifier_url;
  $('s-verifier').placeholder = info.published_verifier_url;
  $('s-verifier-status').textContent = info.verifier_url_published ? 'Satchel\'s published page.' : '';
  $('s-backup-status').textContent = info.last_backup_at
    ? `Last backup: ${fmtDateTime(info.last_backup_at)}.`
    : 'This wallet has never been backed up.';
  $('backup-reminder').hidden = !info.backup_reminder;
}

function backupMessage(text, isError) {
  const m = $('s-backup-msg');
  m.textContent = text;
  m.classList.toggle('error', Boolean(isError));
}

async function backUp(ev) {
  ev.preventDefault();
  backupMessage('Encrypting…');
  try {
    const path = await invoke('backup_wallet', { passphrase: $('b-pass').value, again: $('b-again').value });
    $('b-pass').value = '';
    $('b-again').value = '';
    backupMessage(path ? `Backup saved to ${path}.` : 'Backup cancelled.');
    await loadSettings();
  } catch (e) {
    backupMessage(String(e), true);
  }
}

async function restoreBackup(ev) {
  ev.preventDefault();
  backupMessage('Decrypting and checking the backup…');
  try {
    const said = await invoke('restore_wallet', { passphrase: $('r-pass').value, useBackupKey: $('r-use-key').checked });
    $('r-pass').value = '';
    backupMessage(said || 'Restore cancelled.');
    await loadSettings();
    await refresh();
  } catch (e) {
    backupMessage(String(e), true);
  }
}

// Verify a QR code: images by file, by drop on the window (read in Rust
// while this dialog is open) or pasted from the clipboard.
async function verifyQrBlobs(blobs) {
  if (!blobs.length) return;
  $('qr-status').textContent = `Reading ${blobs.length === 1 ? 'the image' : `${blobs.length} images`}…`;
  const images = [];
  for (const [i, b] of blobs.entries()) {
    images.push({ name: b.name || `pasted image ${i + 1}`, bytes: Array.from(new Uint8Array(await b.arrayBuffer())) });
  }
  const items = await invoke('verify_qr_images', { images });
  closeQrDialog();
  showResults('QR code check', items, { ask: false });
}

function openQrDialog() {
  $('qr-status').textContent = '';
  $('qr-dialog').showModal();
  invoke('set_drop_target', { qr: true });
}

function closeQrDialog() {
  if ($('qr-dialog').open) $('qr-dialog').close();
}

function pastedImages(ev) {
  const items = Array.from((ev.clipboardData && ev.clipboardData.items) || []);
  return items.filter((i) => i.kind === 'file' && i.type.startsWith('image/')).map((i) => i.getAsFile()).filter(Boolean);
}

// ---- wiring --------------------------------------------------------------

function wire() {
  $('search').addEventListener('input', () => {
    clearTimeout(state.searchTimer);
    state.searchTimer = setTimeout(() => { state.page = 0; load(); }, 120);
  });
  for (const id of ['filter-issuer', 'filter-status', 'sort']) {
    $(id).addEventListener('change', () => { state.page = 0; load(); });
  }
  $('prev').addEventListener('click', () => { state.page = Math.max(0, state.page - 1); load(); });
  $('next').addEventListener('click', () => { state.page += 1; load(); });
  $('btn-import').addEventListener('click', importWithDialog);
  $('btn-paste').addEventListener('click', () => $('paste-dialog').showModal());
  $('paste-cancel').addEventListener('click', () => $('paste-dialog').close());
  $('paste-import').addEventListener('click', importPasted);
  $('paste-choose').addEventListener('click', () => $('file-input').click());
  $('paste-receive').addEventListener('click', receivePasted);
  $('paste-link').addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); receivePasted(); } });
  $('r-accept').addEventListener('click', acceptLink);
  $('r-cancel').addEventListener('click', cancelLink);
  // Escape is Cancel, except while the issuer is being contacted.
  $('receive-dialog').addEventListener('cancel', (e) => { e.preventDefault(); cancelLink(); });
  $('file-input').addEventListener('change', async (ev) => {
    const files = Array.from(ev.target.files || []);
    ev.target.value = '';
    if ($('paste-dialog').open) $('paste-dialog').close();
    if (files.length) await importFiles(files);
  });
  $('btn-verify-qr').addEventListener('click', openQrDialog);
  $('qr-choose').addEventListener('click', () => $('qr-input').click());
  $('qr-cancel').addEventListener('click', closeQrDialog);
  $('qr-dialog').addEventListener('close', () => invoke('set_drop_target', { qr: false }));
  $('qr-input').addEventListener('change', async (ev) => {
    const files = Array.from(ev.target.files || []);
    ev.target.value = '';
    await verifyQrBlobs(files);
  });
  document.addEventListener('paste', async (ev) => {
    const images = pastedImages(ev);
    if (!images.length) return;
    ev.preventDefault();
    if (!$('qr-dialog').open) openQrDialog();
    await verifyQrBlobs(images);
  });
  $('results-close').addEventListener('click', () => { $('results').hidden = true; });
  $('d-close').addEventListener('click', () => $('detail').close());
  $('d-reverify').addEventListener('click', reverifyCurrent);
  $('d-remove').addEventListener('click', removeCurrent);
  $('d-present').addEventListener('click', () => present('link'));
  $('d-linkedin').addEventListener('click', openLinkedin);
  $('li-close').addEventListener('click', () => $('linkedin-dialog').close());
  $('li-open').addEventListener('click', openLinkedinInBrowser);
  $('li-copy-link').addEventListener('click', async () => {
    if (state.linkedin) $('li-status').textContent = await copyText(state.linkedin.url, 'the LinkedIn link');
  });
  $('present-switch').addEventListener('click', switchPresent);
  $('s-verifier-save').addEventListener('click', () => saveVerifierUrl($('s-verifier').value.trim() || null));
  $('s-verifier-reset').addEventListener('click', () => saveVerifierUrl(null));
  $('d-copy').addEventListener('click', copyRaw);
  $('d-share').addEventListener('click', () => openShare(state.current && state.current.id));
  $('btn-share').addEventListener('click', () => openShare());
  $('share-form').addEventListener('submit', saveShare);
  $('share-cancel').addEventListener('click', () => $('share-dialog').close());
  for (const r of document.querySelectorAll('input[name="share-kind"]')) r.addEventListener('change', updateShareForm);
  $('c-cancel').addEventListener('click', () => $('confirm').close());
  $('c-ok').addEventListener('click', confirmRemove);
  $('present-close').addEventListener('click', closePresent);
  $('present-pause').addEventListener('click', () => setPaused(!presentState.paused));
  $('present-prev').addEventListener('click', () => { setPaused(true); showPart(presentState.index - 1, true); });
  $('present-next').addEventListener('click', () => { setPaused(true); showPart(presentState.index + 1, true); });
  $('btn-settings').addEventListener('click', async () => { await loadSettings(); $('settings').showModal(); });
  $('s-close').addEventListener('click', () => $('settings').close());
  $('backup-form').addEventListener('submit', backUp);
  $('restore-form').addEventListener('submit', restoreBackup);
  $('reminder-open').addEventListener('click', async () => {
    await loadSettings();
    $('settings').showModal();
    $('b-pass').focus();
  });
  $('s-remote').addEventListener('change', async (ev) => {
    await invoke('set_allow_remote_images', { allow: ev.target.checked });
    state.allowRemote = ev.target.checked;
    await load();
  });
  $('s-online').addEventListener('change', (ev) => answerOnline(ev.target.checked));
  $('s-check-all').addEventListener('click', checkAll);
  $('s-emails-save').addEventListener('click', saveEmails);
  $('oa-yes').addEventListener('click', () => answerOnline(true));
  $('oa-no').addEventListener('click', () => answerOnline(false));
  // Escape is an answer too ("not now"): the question is asked only once.
  $('online-ask').addEventListener('cancel', (ev) => { ev.preventDefault(); answerOnline(false); });
  document.addEventListener('keydown', (ev) => {
    if (presentKey(ev)) { ev.preventDefault(); return; }
    const typing = ['INPUT', 'TEXTAREA', 'SELECT'].includes(document.activeElement && document.activeElement.tagName);
    if (ev.key === '/' && !typing) { ev.preventDefault(); $('search').focus(); }
  });

  // Files dropped on the window are read and imported by the Rust side.
  const ev = window.__TAURI__.event;
  ev.listen('tauri://drag-enter', () => {
    $('drop-hint').textContent = $('qr-dialog').open ? 'Drop QR code images to verify them' : 'Drop credential files to import them';
    $('drop-hint').hidden = false;
  });
  ev.listen('tauri://drag-leave', () => { $('drop-hint').hidden = true; });
  ev.listen('tauri://drag-drop', () => {
    $('drop-hint').hidden = true;
    if ($('qr-dialog').open) $('qr-status').textContent = 'Reading the dropped images…';
    else toast('Importing dropped files…', 0);
  });
  ev.listen('qr-results', (event) => {
    closeQrDialog();
    showResults('QR code check', event.payload, { ask: false });
  });
  ev.listen('import-results', async (event) => {
    $('toast').hidden = true;
    showResults('Dropped files', event.payload);
    await refresh();
  });
  // A second launch of Satchel hands its files to this window.
  ev.listen('opened-files', async (event) => {
    showResults('Opened files', event.payload);
    await refresh();
  });
  // ...and its links (an issuer's link opened in the browser): each is
  // shown in the consent dialog before anything is sent.
  ev.listen('opened-links', (event) => receiveLinks(event.payload));
}

async function start() {
  wire();
  // Settings (whether web images may load) are needed before the cards; the
  // issuer list is not, so it loads alongside.
  const issuers = loadIssuers();
  try {
    await loadSettings();
  } catch (e) {
    toast(`Could not read settings: ${e}`);
  }
  await Promise.all([issuers, load()]);
  // Files Satchel was started with (Open with Satchel) are imported now.
  const opened = await invoke('import_opened_files').catch((e) => { toast(`Could not import the opened files: ${e}`); return []; });
  if (opened.length) {
    showResults('Opened files', opened);
    await refresh();
  }
  // Links Satchel was started with: the consent dialog, one at a time.
  const links = await invoke('opened_links').catch(() => []);
  if (links.length) receiveLinks(links);
  document.body.dataset.ready = 'true';
  // After the frame with the cards is painted.
  requestAnimationFrame(() => setTimeout(() => {
    invoke('first_paint', { cards: document.querySelectorAll('#cards .card').length }).catch(() => {});
  }, 0));
}

start();
