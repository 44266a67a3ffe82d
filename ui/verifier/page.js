// The verifier page and self-verifying portfolios: every credential a person
// gives the page (files, drops, pasted text, the link's fragment, a
// portfolio's embedded bundle) is checked here, by Satchel's Rust verifier
// compiled to WebAssembly, and shown from its own verified bytes with the
// app's credential view. Nothing goes on the network unless the person
// presses "Check online", and then only the addresses the checks name.
'use strict';
(function () {
  const V = window.SatchelView;
  const { el } = V;
  const $ = (id) => document.getElementById(id);
  const entries = [];
  let verifier = null;
  let failedToLoad = null;

  /** Base64 → bytes: the browser's own decoder where it has one (Chromium
   * 140, Safari 18.2), else a plain loop (Uint8Array.from with a mapping
   * function was a third of the page's start-up). */
  function fromBase64(text) {
    if (Uint8Array.fromBase64) return Uint8Array.fromBase64(text.trim());
    const bin = atob(text.trim());
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i += 1) out[i] = bin.charCodeAt(i);
    return out;
  }

  function loadVerifier() {
    verifier = (async () => {
      document.documentElement.dataset.scriptStartMs = String(Math.round(performance.now()));
      const gz = fromBase64($('satchel-wasm').textContent);
      const wasm = await window.SatchelWasm.gunzip(gz);
      // When the module was unpacked and ready (benches/pages.mjs reads these).
      document.documentElement.dataset.wasmUnpackedMs = String(Math.round(performance.now()));
      const v = await window.SatchelWasm.instantiate(wasm);
      document.documentElement.dataset.wasmReadyMs = String(Math.round(performance.now()));
      return v;
    })();
    return verifier;
  }

  /** Verifies one entry with what it has fetched so far. */
  function run(entry, v) {
    try {
      entry.reply = v.verify(entry.input, {
        source: entry.source, now: new Date().toISOString(), online: entry.online, answers: entry.answers,
      });
      // What each credential's checks asked for, so each shows what was fetched for it.
      for (const i of entry.reply.items || []) {
        const asked = entry.asked.get(i.source) || new Set();
        i.would_fetch.forEach((u) => asked.add(u));
        entry.asked.set(i.source, asked);
      }
    } catch (e) {
      // A trap leaves the instance unusable: start a fresh one for the next input.
      loadVerifier();
      entry.reply = { error: `The verifier stopped on this input (${e.message}); nothing was decided about it.` };
    }
  }

  async function check(input, source, extra = {}) {
    const entry = { input, source, answers: {}, notes: new Map(), asked: new Map(), online: false, ...extra };
    entries.push(entry);
    let v;
    try {
      v = await verifier;
    } catch (e) {
      failedToLoad = `This browser could not start the verifier: ${e.message}.`;
      render();
      return;
    }
    run(entry, v);
    // A portfolio's checklists start closed; one credential's start open.
    entry.many = ((entry.reply && entry.reply.items) || []).length > 1;
    render();
  }

  function counts(items) {
    const n = new Map();
    for (const i of items) {
      const label = i.summary ? V.statusOf({ outcome: i.report.outcome, ...i.summary })[1] : 'Unreadable';
      n.set(label, (n.get(label) || 0) + 1);
    }
    return [...n].map(([label, k]) => `${k} ${label.toLowerCase()}`).join(', ');
  }

  function allItems() {
    return entries.flatMap((e) => (e.reply && e.reply.items) || []);
  }

  function article(item, entry) {
    const s = item.summary;
    const a = el('article', { class: 'credential', 'data-outcome': item.report.outcome, 'data-source': item.source });
    if (!s) {
      a.append(el('h3', { text: 'Not a readable credential' }),
        el('p', { class: 'source', text: item.source }),
        el('p', { class: 'headline', text: item.headline }));
      return a;
    }
    const [cls, label] = V.detailStatusOf({ outcome: item.report.outcome, report: item.report, ...s });
    const dl = el('dl', {});
    V.credentialFields(dl, s);
    const nested = V.nestedItems(item.report);
    const asked = entry.asked.get(item.source) || new Set();
    const notes = [...entry.notes].filter(([url]) => asked.has(url));
    a.append(
      el('div', { class: 'head' },
        V.thumb(s),
        el('div', {},
          el('h3', { text: s.name || 'Unnamed credential' }),
          el('p', { class: 'issuer', text: V.issuedBy(s) }),
          el('span', { class: `badge ${cls}`, text: label }),
          el('p', { class: 'headline', text: item.headline }))),
      dl,
      nested.length ? el('section', {}, el('h4', { text: `In this record: ${nested.length} achievement${nested.length === 1 ? '' : 's'}` }), el('ul', { class: 'nested-list' }, ...nested)) : '',
      el('details', { class: 'checklist', open: entry.many ? null : '' },
        el('summary', { text: 'How it was checked, in this browser' }),
        el('ul', { class: 'checks' }, ...V.checkItems(item.report)),
        notes.length ? el('ul', { class: 'fetched' }, ...notes.map(([url, note]) => el('li', {}, el('span', { class: 'url', text: url }), el('span', { text: ` — ${note}` })))) : ''),
      item.raw ? el('details', {}, el('summary', { text: 'The credential as received' }), el('pre', { class: 'raw', text: item.raw })) : '');
    return a;
  }

  function render() {
    const items = allItems();
    const results = $('results');
    results.replaceChildren(...entries.flatMap((entry) => {
      if (entry.reply && entry.reply.error) {
        return [el('article', { class: 'credential', 'data-outcome': 'unverifiable', 'data-source': entry.source },
          el('h3', { text: entry.source }), el('p', { class: 'headline', text: entry.reply.error }))];
      }
      return ((entry.reply && entry.reply.items) || []).map((i) => article(i, entry));
    }));
    const summary = $('summary');
    if (failedToLoad) {
      summary.textContent = failedToLoad;
    } else if (items.length) {
      const portfolio = entries.some((e) => e.portfolio);
      summary.textContent = `${portfolio ? 'This portfolio was checked' : 'Checked'} in this browser just now: ${counts(items)}.`;
    }
    if (items.length && $('exported')) $('exported').hidden = true;
    const pending = [...new Set(items.flatMap((i) => i.would_fetch))].filter((u) => !entries.some((e) => e.notes.has(u)));
    $('online').hidden = pending.length === 0;
    if (pending.length) {
      const hosts = [...new Set(pending.map((u) => { try { return new URL(u).host; } catch (_) { return u; } }))];
      $('online-text').textContent = `${pending.length} document${pending.length === 1 ? '' : 's'} on the web would finish these checks (from ${hosts.join(', ')}). Nothing has been fetched.`;
    }
    document.documentElement.dataset.checked = String(items.length);
    if (items.length && !document.documentElement.dataset.firstVerifiedMs) {
      document.documentElement.dataset.firstVerifiedMs = String(Math.round(performance.now()));
    }
  }

  function base64(bytes) {
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(s);
  }

  /** Fetches, from this browser, exactly what the checks name, then checks
   * again; a fetched document can name another (a key, a list): a few rounds. */
  async function checkOnline() {
    $('check-online').disabled = true;
    const v = await verifier;
    for (const entry of entries) {
      entry.online = true;
      for (let round = 0; round < 4; round += 1) {
        const urls = [...new Set(((entry.reply && entry.reply.items) || []).flatMap((i) => i.would_fetch))]
          .filter((u) => !(u in entry.answers) && !entry.notes.has(u));
        if (!urls.length) break;
        await Promise.all(urls.map(async (url) => {
          try {
            const res = await fetch(url, {
              credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer', redirect: 'follow',
              headers: { Accept: 'application/did+json, application/ld+json, application/json, */*;q=0.1' },
            });
            const body = new Uint8Array(await res.arrayBuffer());
            const type = (res.headers.get('content-type') || '').split(';')[0].trim().toLowerCase() || null;
            entry.answers[url] = { status: res.status, content_type: type, body_base64: base64(body) };
            entry.notes.set(url, `fetched by this browser just now (HTTP ${res.status}).`);
          } catch (_) {
            // The browser does not say why; a refused cross-origin read and
            // an unreachable server look the same to the page.
            entry.notes.set(url, 'not fetched: the server did not answer this page, or does not let pages on other sites read it (a cross-origin request). That check stays not done here; Satchel can do it.');
          }
        }));
        run(entry, v);
      }
    }
    render();
    $('check-online').disabled = false;
  }

  async function checkFiles(files) {
    for (const f of files) await check(new Uint8Array(await f.arrayBuffer()), f.name);
  }

  function wire() {
    $('files').addEventListener('change', (ev) => { checkFiles([...ev.target.files]); ev.target.value = ''; });
    $('check-paste').addEventListener('click', () => {
      const text = $('paste').value;
      if (text.trim()) check(text, 'pasted text');
    });
    $('check-online').addEventListener('click', checkOnline);
    document.addEventListener('dragover', (ev) => { ev.preventDefault(); document.body.classList.add('dropping'); });
    document.addEventListener('dragleave', () => document.body.classList.remove('dropping'));
    document.addEventListener('drop', (ev) => {
      ev.preventDefault();
      document.body.classList.remove('dropping');
      if (ev.dataTransfer.files.length) checkFiles([...ev.dataTransfer.files]);
      else if (ev.dataTransfer.getData('text')) check(ev.dataTransfer.getData('text'), 'dropped text');
    });
    window.addEventListener('hashchange', fromFragment);
  }

  /** A credential carried in the link (the phone-camera QR code): the
   * fragment never leaves this browser. */
  function fromFragment() {
    const fragment = location.hash.slice(1);
    if (fragment) check(fragment, 'the link you opened');
  }

  loadVerifier().catch((e) => {
    failedToLoad = `This browser could not start the verifier: ${e.message}.`;
    render();
  });
  window.SatchelPage = { ready: () => verifier, check };
  wire();
  const bundle = $('satchel-bundle');
  if (bundle) check(bundle.textContent, 'this portfolio', { portfolio: true });
  fromFragment();
})();
