// The one view of a credential, shared by the app's window and the pages
// Satchel writes (the verifier page and portfolios): its fields, its badge
// of state and its checklist, built from what the Rust verifier returned.
// Credential text is hostile input: it is only ever placed with textContent
// or setAttribute, never parsed as HTML.
'use strict';
(function (root) {
  /** Builds an element; `text` sets textContent, other keys are attributes. */
  function el(tag, props = {}, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) {
      if (v === undefined || v === null) continue;
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else e.setAttribute(k, v);
    }
    e.append(...children);
    return e;
  }

  function fmtDate(s) {
    if (!s) return '';
    const d = new Date(s);
    if (Number.isNaN(d.getTime())) return s;
    return d.toLocaleDateString(undefined, { year: 'numeric', month: 'long', day: 'numeric' });
  }

  function fmtDateTime(s) {
    const d = new Date(s);
    return Number.isNaN(d.getTime()) ? String(s) : d.toLocaleString();
  }

  /** [css class, label] of a credential's verification state, colour and text.
   * Dates are compared with today each time it is shown: a credential that was
   * valid when last checked and has expired since is shown expired. */
  function statusOf(item) {
    const now = Date.now();
    const ended = item.valid_until && Date.parse(item.valid_until) <= now;
    if (ended && (item.outcome === 'verified' || item.outcome === 'warning')) return ['expired', 'Expired'];
    if (item.outcome === 'warning') {
      if (item.valid_from && Date.parse(item.valid_from) > now) return ['warning', 'Not yet valid'];
      return ['warning', 'Needs attention'];
    }
    const map = { verified: 'Verified', failed: 'Failed', unverifiable: 'Unverifiable' };
    return [item.outcome in map ? item.outcome : 'unverifiable', map[item.outcome] || String(item.outcome)];
  }

  /** As statusOf, for a credential shown with its report: a warning that comes
   * only from a status check that could not be done online (the list not found,
   * unreadable, its key out of reach) says so, rather than a vague "Needs
   * attention"; the check's sentence says why. */
  function detailStatusOf(d) {
    const [cls, label] = statusOf(d);
    if (label !== 'Needs attention' || !d.report) return [cls, label];
    const warns = (d.report.checks || []).filter((c) => c.status === 'warn');
    if (warns.length === 1 && warns[0].check === 'status' && /could not be checked/.test(warns[0].message)) {
      return [cls, 'Revocation not checked'];
    }
    return [cls, label];
  }

  function badge(item) {
    const [cls, label] = statusOf(item);
    const text = item.kept_unverified ? `${label} · kept unverified` : label;
    return el('span', { class: `badge ${cls}`, text });
  }

  function initials(name) {
    return (name || '?').trim().split(/\s+/).slice(0, 2).map((w) => w[0]).join('').toUpperCase();
  }

  const INLINE_IMAGE = /^data:image\/(png|jpeg|gif|webp|svg\+xml)[;,]/i;

  /** The badge image: inline data always; web images only when `allowRemote`
   * (`remoteHint` says how to allow them). */
  function thumb(summary, allowRemote = false, remoteHint = 'This badge image is on the web and is not loaded here.') {
    const box = el('div', { class: 'thumb', 'aria-hidden': 'true' });
    const src = typeof summary.image === 'string' ? summary.image : '';
    const remote = /^https:\/\//i.test(src);
    if (INLINE_IMAGE.test(src) || (remote && allowRemote)) {
      const img = el('img', { alt: '' });
      img.addEventListener('error', () => { img.remove(); box.textContent = initials(summary.name); });
      img.src = src;
      box.append(img);
    } else {
      box.textContent = initials(summary.name);
      if (remote) box.title = remoteHint;
    }
    return box;
  }

  /** Appends a labelled value to a <dl> (nothing when there is no value). */
  function field(dl, label, value) {
    if (value === undefined || value === null || value === '' || (Array.isArray(value) && !value.length)) return;
    dl.append(el('dt', { text: label }), el('dd', { text: Array.isArray(value) ? value.join('\n') : String(value) }));
  }

  /** The credential's own fields, read from its signed content. */
  function credentialFields(dl, d) {
    field(dl, 'Achievement', d.achievement_name);
    field(dl, 'Description', d.description);
    field(dl, 'Criteria', d.criteria);
    field(dl, 'Criteria page', d.criteria_url);
    field(dl, 'Skills', (d.alignments || []).map((a) => [a.name, a.framework && `(${a.framework})`, a.url].filter(Boolean).join(' ')));
    field(dl, 'Evidence', (d.evidence || []).map((e) => [e.name, e.description, e.id].filter(Boolean).join(' — ')));
    field(dl, 'Issuer', d.issuer_name);
    field(dl, 'Issuer website', d.issuer_url);
    field(dl, 'Issuer ID', d.issuer_id);
    field(dl, 'Earned by', [d.subject_name, d.subject_id].filter(Boolean).join(' — '));
    field(dl, 'Valid from', fmtDate(d.valid_from));
    field(dl, 'Valid until', d.valid_until ? fmtDate(d.valid_until) : 'No expiry');
    field(dl, 'Type', (d.types || []).join(', '));
  }

  /** One list item per check: its name, status, sentence and what it would fetch. */
  function checkItems(report) {
    return report.checks.map((c) => el('li', { 'data-check': c.check, 'data-status': c.status },
      el('div', {}, el('div', { class: 'name', text: c.check.replaceAll('_', ' ') }), el('div', { class: `st ${c.status}`, text: c.status })),
      el('div', { class: 'msg', text: c.message }),
      c.would_fetch
        ? el('div', { class: 'would-fetch' }, el('span', { text: 'Online, this check would fetch ' }), el('span', { class: 'url', text: c.would_fetch }))
        : ''));
  }

  /** A CLR's achievements, each with its own verification (empty otherwise). */
  function nestedItems(report) {
    const check = report.checks.find((c) => c.check === 'nested_credentials');
    const nested = (check && check.nested) || [];
    return nested.map((n) => el('li', {},
      el('span', { class: 'n-name', text: n.name }),
      badge({ outcome: n.outcome }),
      n.issuer_name ? el('span', { class: 'n-issuer', text: `Issued by ${n.issuer_name}` }) : '',
      n.reason ? el('span', { class: 'n-reason', text: n.reason }) : ''));
  }

  /** "Issued by …" as the window and the pages say it. */
  function issuedBy(d) {
    return `Issued by ${d.issuer_name || d.issuer_id || 'an unknown issuer'}`;
  }

  root.SatchelView = {
    el, fmtDate, fmtDateTime, statusOf, detailStatusOf, badge, initials, thumb, field, credentialFields, checkItems, nestedItems, issuedBy,
  };
})(typeof globalThis !== 'undefined' ? globalThis : this);
