//! RDF Dataset Canonicalization, [RDFC-1.0](https://www.w3.org/TR/rdf-canon/),
//! over `oxrdf` quads, producing canonical N-Quads.
//!
//! It follows the specification step for step, with the choices the reference
//! implementation (Digital Bazaar's rdf-canonize, used by jsonld.js and the
//! Data Integrity cryptosuites) makes where it matters for interoperability:
//! the serialisation of literals (ECHAR for `\b \t \n \f \r " \\`, `\uXXXX` for
//! the other control characters), and a bound on the work of the Hash N-Degree
//! Quads algorithm so that "poison" datasets are refused rather than computed
//! for hours (the reference's `maxWorkFactor`, 1 by default: at most as many
//! Hash N-Degree Quads calls as there are blank nodes with shared first-degree
//! hashes).
//!
//! `tests/w3c.rs` runs the W3C RDFC-1.0 test suite (vendored under
//! `tests/vectors/`), poison-graph tests included.

use std::collections::HashMap;
use std::fmt::Write as _;

use oxrdf::{GraphName, NamedOrBlankNode, Quad, Term};
use sha2::{Digest, Sha256, Sha384};

/// Why a dataset has no canonical form here.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RdfcError {
    /// The dataset needs more Hash N-Degree Quads work than allowed (a "poison" graph).
    #[error("the dataset's blank nodes are too entangled to canonicalize (more than {0} deep iterations)")]
    TooComplex(u64),
    /// A quad term that RDFC-1.0 over RDF 1.1 does not cover.
    #[error("unsupported term in the dataset: {0}")]
    Unsupported(String),
}

/// A quad term, with blank nodes numbered.
#[derive(Clone, Copy, PartialEq, Eq)]
enum C<'a> {
    Iri(&'a str),
    Blank(usize),
    Literal(&'a oxrdf::Literal),
    Default,
}

impl C<'_> {
    /// A total order, only for finding duplicates.
    fn order(&self, other: &Self) -> std::cmp::Ordering {
        use std::cmp::Ordering;
        fn rank(c: &C<'_>) -> u8 {
            match c {
                C::Iri(_) => 0,
                C::Blank(_) => 1,
                C::Literal(_) => 2,
                C::Default => 3,
            }
        }
        match (self, other) {
            (C::Iri(a), C::Iri(b)) => a.cmp(b),
            (C::Blank(a), C::Blank(b)) => a.cmp(b),
            (C::Literal(a), C::Literal(b)) => a
                .value()
                .cmp(b.value())
                .then_with(|| a.datatype().as_str().cmp(b.datatype().as_str()))
                .then_with(|| a.language().cmp(&b.language()))
                // Whatever else a literal carries (a base direction in RDF 1.2).
                .then_with(|| {
                    if a == b {
                        Ordering::Equal
                    } else {
                        a.to_string().cmp(&b.to_string())
                    }
                }),
            (C::Default, C::Default) => Ordering::Equal,
            _ => rank(self).cmp(&rank(other)),
        }
    }
}

/// Removes repeated quads, keeping each first occurrence in place (the
/// dataset is a set). Sorting indices compares the terms' text once per
/// comparison, where hashing each quad read every byte of it.
fn dedup_in_order(qs: &mut Vec<Q<'_>>) {
    let cmp = |a: &Q<'_>, b: &Q<'_>| {
        a.s.order(&b.s)
            .then_with(|| a.p.cmp(b.p))
            .then_with(|| a.o.order(&b.o))
            .then_with(|| a.g.order(&b.g))
    };
    let mut order: Vec<usize> = (0..qs.len()).collect();
    order.sort_unstable_by(|&a, &b| cmp(&qs[a], &qs[b]).then(a.cmp(&b)));
    let mut repeated = vec![false; qs.len()];
    for pair in order.windows(2) {
        if cmp(&qs[pair[0]], &qs[pair[1]]).is_eq() {
            repeated[pair[1]] = true;
        }
    }
    if repeated.contains(&true) {
        let mut i = 0;
        qs.retain(|_| {
            i += 1;
            !repeated[i - 1]
        });
    }
}

struct Q<'a> {
    s: C<'a>,
    p: &'a str,
    o: C<'a>,
    g: C<'a>,
}

/// Issues identifiers `prefix0`, `prefix1`, … in order of first request.
#[derive(Clone)]
struct Issuer {
    issued: Vec<Option<usize>>,
    order: Vec<usize>,
}

impl Issuer {
    fn new(blank_nodes: usize) -> Issuer {
        Issuer {
            issued: vec![None; blank_nodes],
            order: Vec::new(),
        }
    }
    fn get(&self, b: usize) -> Option<usize> {
        self.issued[b]
    }
    fn issue(&mut self, b: usize) -> usize {
        if let Some(n) = self.issued[b] {
            return n;
        }
        let n = self.order.len();
        self.issued[b] = Some(n);
        self.order.push(b);
        n
    }
}

fn hex(digest: impl AsRef<[u8]>) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(2 * digest.as_ref().len());
    for &b in digest.as_ref() {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    s
}

/// Whether an IRI byte is written as `\uXXXX` (every such character is
/// ASCII, so the text is scanned bytewise: IRIs can be kilobytes of `data:`).
/// Written as comparisons joined by `|`, not `matches!`, so that a scan over
/// many bytes compiles to vector instructions rather than a jump per byte.
fn iri_escaped(b: u8) -> bool {
    (b <= b' ')
        | (b == b'<')
        | (b == b'>')
        | (b == b'"')
        | (b == b'{')
        | (b == b'}')
        | (b == b'|')
        | (b == b'^')
        | (b == b'`')
        | (b == b'\\')
}

/// Whether a literal byte is written escaped (ECHAR or `\uXXXX`).
fn literal_escaped(b: u8) -> bool {
    (b < b' ') | (b == b'"') | (b == b'\\') | (b == 0x7f)
}

/// Whether any byte of `text` is `escaped`. The common answer is no, so it is
/// checked 16 bytes at a time, each block without early exit (which compiles
/// to vector compares); the last partial block is padded with a byte that is
/// never escaped, since most IRIs and values are short.
fn any_escaped(text: &str, escaped: impl Fn(u8) -> bool + Copy) -> bool {
    let block_has = |block: &[u8; 16]| {
        let mut any = 0u8;
        for &b in block {
            any |= u8::from(escaped(b));
        }
        any != 0
    };
    let mut blocks = text.as_bytes().chunks_exact(16);
    for block in blocks.by_ref() {
        if <&[u8; 16]>::try_from(block).is_ok_and(block_has) {
            return true;
        }
    }
    let rest = blocks.remainder();
    let mut last = [b'a'; 16];
    last[..rest.len()].copy_from_slice(rest);
    block_has(&last)
}

fn write_iri(out: &mut String, iri: &str) {
    out.push('<');
    if !any_escaped(iri, iri_escaped) {
        out.push_str(iri);
        out.push('>');
        return;
    }
    let mut start = 0;
    for (i, b) in iri.bytes().enumerate() {
        if iri_escaped(b) {
            out.push_str(&iri[start..i]);
            let _ = write!(out, "\\u{:04X}", b);
            start = i + 1;
        }
    }
    out.push_str(&iri[start..]);
    out.push('>');
}

fn write_literal(out: &mut String, l: &oxrdf::Literal) {
    out.push('"');
    let value = l.value();
    if !any_escaped(value, literal_escaped) {
        out.push_str(value);
    } else {
        write_escaped_value(out, value);
    }
    out.push('"');
    if let Some(language) = l.language() {
        out.push('@');
        out.push_str(language);
    } else if l.datatype() != oxrdf::vocab::xsd::STRING {
        out.push_str("^^");
        write_iri(out, l.datatype().as_str());
    }
}

/// A literal's value with its ECHAR and `\uXXXX` escapes. Runs of unescaped
/// text are copied whole; every escaped character is ASCII, so a byte index
/// where one is found is a character boundary.
fn write_escaped_value(out: &mut String, value: &str) {
    let mut start = 0;
    for (i, b) in value.bytes().enumerate() {
        let escape = match b {
            0x08 => "\\b",
            b'\t' => "\\t",
            b'\n' => "\\n",
            0x0c => "\\f",
            b'\r' => "\\r",
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b if b < b' ' || b == 0x7f => "",
            _ => continue,
        };
        out.push_str(&value[start..i]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{:04X}", b);
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(&value[start..]);
}

/// Appends one N-Quads line, naming blank node `b` by `name(out, b)`, which
/// appends the label (no string is made per blank node).
fn write_quad(out: &mut String, q: &Q<'_>, name: &impl Fn(&mut String, usize)) {
    let term = |out: &mut String, c: &C<'_>| match c {
        C::Iri(i) => write_iri(out, i),
        C::Blank(b) => {
            out.push_str("_:");
            name(out, *b);
        }
        C::Literal(l) => write_literal(out, l),
        C::Default => {}
    };
    term(out, &q.s);
    out.push(' ');
    write_iri(out, q.p);
    out.push(' ');
    term(out, &q.o);
    if q.g != C::Default {
        out.push(' ');
        term(out, &q.g);
    }
    out.push_str(" .\n");
}

/// The hash function of the canonicalization (SHA-256 unless told otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HashAlgorithm {
    /// SHA-256, as the Data Integrity cryptosuites use.
    #[default]
    Sha256,
    /// SHA-384.
    Sha384,
}

impl HashAlgorithm {
    fn hex<'t>(self, parts: impl IntoIterator<Item = &'t str>) -> String {
        fn run<'t, D: Digest>(parts: impl IntoIterator<Item = &'t str>) -> String {
            let mut d = D::new();
            for p in parts {
                d.update(p.as_bytes());
            }
            hex(d.finalize())
        }
        match self {
            HashAlgorithm::Sha256 => run::<Sha256>(parts),
            HashAlgorithm::Sha384 => run::<Sha384>(parts),
        }
    }
}

struct State<'a> {
    hash: HashAlgorithm,
    quads: Vec<Q<'a>>,
    /// For each blank node, the quads it occurs in.
    quads_of: Vec<Vec<usize>>,
    first_degree: Vec<String>,
    canonical: Issuer,
    remaining_deep_iterations: u64,
    max_deep_iterations: u64,
}

impl<'a> State<'a> {
    /// 4.6 Hash First Degree Quads.
    fn hash_first_degree(&self, b: usize) -> String {
        let name = |out: &mut String, x: usize| out.push(if x == b { 'a' } else { 'z' });
        // The lines go into one buffer and are sorted as slices of it.
        let mut text = String::with_capacity(128 * self.quads_of[b].len());
        let mut lines: Vec<std::ops::Range<usize>> = Vec::with_capacity(self.quads_of[b].len());
        for &qi in &self.quads_of[b] {
            let start = text.len();
            write_quad(&mut text, &self.quads[qi], &name);
            lines.push(start..text.len());
        }
        lines.sort_unstable_by(|x, y| text[x.clone()].cmp(&text[y.clone()]));
        self.hash.hex(lines.into_iter().map(|line| &text[line]))
    }

    /// 4.7 Hash Related Blank Node.
    fn hash_related(&self, related: usize, q: &Q<'_>, issuer: &Issuer, position: char) -> String {
        let mut input = String::with_capacity(128);
        input.push(position);
        if position != 'g' {
            write_iri(&mut input, q.p);
        }
        if let Some(n) = self.canonical.get(related) {
            let _ = write!(input, "_:c14n{n}");
        } else if let Some(n) = issuer.get(related) {
            let _ = write!(input, "_:b{n}");
        } else {
            input.push_str(&self.first_degree[related]);
        }
        self.hash.hex([input.as_str()])
    }

    /// 4.8 Hash N-Degree Quads.
    fn hash_n_degree(
        &mut self,
        b: usize,
        mut issuer: Issuer,
    ) -> Result<(String, Issuer), RdfcError> {
        if self.remaining_deep_iterations == 0 {
            return Err(RdfcError::TooComplex(self.max_deep_iterations));
        }
        self.remaining_deep_iterations -= 1;
        // 1-3) related hash -> related blank nodes.
        let mut related: Vec<(String, Vec<usize>)> = Vec::new();
        for &qi in &self.quads_of[b] {
            let q = &self.quads[qi];
            for (c, position) in [(q.s, 's'), (q.o, 'o'), (q.g, 'g')] {
                if let C::Blank(r) = c {
                    if r != b {
                        let h = self.hash_related(r, q, &issuer, position);
                        match related.iter_mut().find(|(k, _)| *k == h) {
                            Some((_, list)) => list.push(r),
                            None => related.push((h, vec![r])),
                        }
                    }
                }
            }
        }
        related.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        // 4-5)
        let mut data = String::new();
        for (hash, list) in related {
            data.push_str(&hash);
            let mut chosen_path = String::new();
            let mut chosen_issuer: Option<Issuer> = None;
            for permutation in permutations(&list) {
                let mut issuer_copy = issuer.clone();
                let mut path = String::new();
                let mut recursion = Vec::new();
                let mut skip = false;
                for &r in &permutation {
                    if let Some(n) = self.canonical.get(r) {
                        let _ = write!(path, "_:c14n{n}");
                    } else {
                        if issuer_copy.get(r).is_none() {
                            recursion.push(r);
                        }
                        let _ = write!(path, "_:b{}", issuer_copy.issue(r));
                    }
                    if !chosen_path.is_empty() && path > chosen_path {
                        skip = true;
                        break;
                    }
                }
                if skip {
                    continue;
                }
                for r in recursion {
                    let (h, result_issuer) = self.hash_n_degree(r, issuer_copy)?;
                    issuer_copy = result_issuer;
                    let _ = write!(path, "_:b{}<{h}>", issuer_copy.issue(r));
                    if !chosen_path.is_empty() && path > chosen_path {
                        skip = true;
                        break;
                    }
                }
                if skip {
                    continue;
                }
                if chosen_path.is_empty() || path < chosen_path {
                    chosen_path = path;
                    chosen_issuer = Some(issuer_copy);
                }
            }
            data.push_str(&chosen_path);
            if let Some(i) = chosen_issuer {
                issuer = i;
            }
        }
        Ok((self.hash.hex([data.as_str()]), issuer))
    }
}

/// Every permutation of `items` (Heap's algorithm; the order does not matter,
/// the smallest path wins).
fn permutations(items: &[usize]) -> Vec<Vec<usize>> {
    let mut a = items.to_vec();
    let mut out = vec![a.clone()];
    let n = a.len();
    let mut c = vec![0; n];
    let mut i = 1;
    while i < n {
        if c[i] < i {
            if i % 2 == 0 {
                a.swap(0, i);
            } else {
                a.swap(c[i], i);
            }
            out.push(a.clone());
            c[i] += 1;
            i = 1;
        } else {
            c[i] = 0;
            i += 1;
        }
    }
    out
}

/// Input blank node → number. Keyed by the node, not its text: oxrdf keeps
/// one form per identifier, and the text of a generated identifier is checked
/// UTF-8 on every reading. Seeded per map, as the JSON-LD processor's maps are
/// (the identifiers are the document's).
type BlankIds<'a> = HashMap<&'a oxrdf::BlankNode, usize, foldhash::fast::RandomState>;

/// The number of blank node `b`, numbering new ones in order of appearance.
fn intern<'a>(
    ids: &mut BlankIds<'a>,
    names: &mut Vec<&'a oxrdf::BlankNode>,
    b: &'a oxrdf::BlankNode,
) -> usize {
    *ids.entry(b).or_insert_with(|| {
        names.push(b);
        names.len() - 1
    })
}

/// The result of canonicalization: canonical N-Quads and the blank node map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Canonicalized {
    /// The canonical N-Quads document (sorted lines, each ending in `\n`).
    pub nquads: String,
    /// Input blank node identifier → canonical identifier (`c14nN`).
    pub issued: HashMap<String, String>,
}

/// RDFC-1.0 canonical N-Quads of a dataset (duplicate quads count once), with
/// the reference's default work bound (`maxWorkFactor` 1).
pub fn canonicalize(quads: &[Quad]) -> Result<String, RdfcError> {
    run(quads, 1, HashAlgorithm::Sha256).map(|done| done.nquads)
}

/// RDFC-1.0 with a chosen work bound: at most (blank nodes with shared
/// first-degree hashes)^`max_work_factor` Hash N-Degree Quads calls.
pub fn canonicalize_with(
    quads: &[Quad],
    max_work_factor: u32,
    hash: HashAlgorithm,
) -> Result<Canonicalized, RdfcError> {
    let done = run(quads, max_work_factor, hash)?;
    let issued = done
        .issued
        .into_iter()
        .map(|(id, n)| (id.as_str().to_owned(), format!("c14n{n}")))
        .collect();
    Ok(Canonicalized {
        nquads: done.nquads,
        issued,
    })
}

/// A finished run: the canonical text, and each input blank node with its
/// canonical number (made into a map of text only for those who ask).
struct Done<'q> {
    nquads: String,
    issued: Vec<(&'q oxrdf::BlankNode, usize)>,
}

fn run(quads: &[Quad], max_work_factor: u32, hash: HashAlgorithm) -> Result<Done<'_>, RdfcError> {
    // Repeated quads are rare, and finding them takes a sort of the whole
    // dataset, so first the quads are taken as they are. Two quads write the
    // same canonical line exactly when they are the same quad (every blank
    // node gets its own label), so if no line repeats there was nothing to
    // remove and the result stands; otherwise (or on any error) it is
    // computed again with the repeats removed first.
    match canonicalize_once(quads, max_work_factor, hash, false) {
        Ok(Some(done)) => Ok(done),
        Ok(None) | Err(_) => canonicalize_once(quads, max_work_factor, hash, true)
            .map(|done| done.expect("repeats were removed")),
    }
}

/// One run of the algorithm; `Ok(None)` if `dedup` is off and a quad repeats.
fn canonicalize_once(
    quads: &[Quad],
    max_work_factor: u32,
    hash: HashAlgorithm,
    dedup: bool,
) -> Result<Option<Done<'_>>, RdfcError> {
    let mut blank_ids: BlankIds<'_> = HashMap::default();
    let mut names: Vec<&oxrdf::BlankNode> = Vec::new();
    let mut qs: Vec<Q<'_>> = Vec::with_capacity(quads.len());
    // About the canonical text's length, so its buffer grows once at most.
    let mut text_size = 0;
    let line_size = |c: &C<'_>| match c {
        C::Iri(i) => i.len() + 2,
        C::Blank(_) => 10,
        C::Literal(l) => l.value().len() + l.datatype().as_str().len() + 6,
        C::Default => 0,
    };
    for q in quads {
        let s = match &q.subject {
            NamedOrBlankNode::NamedNode(n) => C::Iri(n.as_str()),
            NamedOrBlankNode::BlankNode(b) => C::Blank(intern(&mut blank_ids, &mut names, b)),
        };
        #[allow(unreachable_patterns)]
        let o = match &q.object {
            Term::NamedNode(n) => C::Iri(n.as_str()),
            Term::BlankNode(b) => C::Blank(intern(&mut blank_ids, &mut names, b)),
            Term::Literal(l) => C::Literal(l),
            other => return Err(RdfcError::Unsupported(other.to_string())),
        };
        let g = match &q.graph_name {
            GraphName::NamedNode(n) => C::Iri(n.as_str()),
            GraphName::BlankNode(b) => C::Blank(intern(&mut blank_ids, &mut names, b)),
            GraphName::DefaultGraph => C::Default,
        };
        let p = q.predicate.as_str();
        text_size += line_size(&s) + p.len() + line_size(&o) + line_size(&g) + 8;
        qs.push(Q { s, p, o, g });
    }
    if dedup {
        dedup_in_order(&mut qs);
    }
    let n = names.len();
    let mut quads_of = vec![Vec::new(); n];
    for (i, q) in qs.iter().enumerate() {
        for c in [q.s, q.o, q.g] {
            if let C::Blank(b) = c {
                if quads_of[b].last() != Some(&i) {
                    quads_of[b].push(i);
                }
            }
        }
    }
    let mut state = State {
        hash,
        quads: qs,
        quads_of,
        first_degree: Vec::new(),
        canonical: Issuer::new(n),
        remaining_deep_iterations: 0,
        max_deep_iterations: 0,
    };
    state.first_degree = (0..n).map(|b| state.hash_first_degree(b)).collect();
    // Hash -> blank nodes, in hash order.
    let mut by_hash: Vec<(&str, usize)> = state
        .first_degree
        .iter()
        .enumerate()
        .map(|(b, h)| (h.as_str(), b))
        .collect();
    by_hash.sort_unstable();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut i = 0;
    while i < by_hash.len() {
        let mut j = i + 1;
        while j < by_hash.len() && by_hash[j].0 == by_hash[i].0 {
            j += 1;
        }
        // Blank nodes of one hash in first-occurrence order, as the reference lists them.
        let mut group: Vec<usize> = by_hash[i..j].iter().map(|&(_, b)| b).collect();
        group.sort_unstable();
        groups.push(group);
        i = j;
    }
    let mut non_unique = Vec::new();
    for group in groups {
        if group.len() == 1 {
            state.canonical.issue(group[0]);
        } else {
            non_unique.push(group);
        }
    }
    let non_unique_count: u64 = non_unique.iter().map(|g| g.len() as u64).sum();
    state.max_deep_iterations = non_unique_count.saturating_pow(max_work_factor);
    state.remaining_deep_iterations = state.max_deep_iterations;
    for group in non_unique {
        let mut paths = Vec::new();
        for b in group {
            if state.canonical.get(b).is_some() {
                continue;
            }
            let mut issuer = Issuer::new(n);
            issuer.issue(b);
            paths.push(state.hash_n_degree(b, issuer)?);
        }
        paths.sort_by(|a, b| a.0.cmp(&b.0));
        for (_, issuer) in paths {
            for &b in &issuer.order {
                state.canonical.issue(b);
            }
        }
    }
    // Each label is written once, not once per occurrence.
    let labels: Vec<String> = (0..n)
        .map(|b| format!("c14n{}", state.canonical.get(b).unwrap_or_default()))
        .collect();
    let name = |out: &mut String, b: usize| out.push_str(&labels[b]);
    // Every line is written into one buffer and sorted as slices of it.
    let mut text = String::with_capacity(text_size);
    let mut lines: Vec<std::ops::Range<usize>> = Vec::with_capacity(state.quads.len());
    for q in &state.quads {
        let start = text.len();
        write_quad(&mut text, q, &name);
        lines.push(start..text.len());
    }
    lines.sort_unstable_by(|a, b| text[a.clone()].cmp(&text[b.clone()]));
    let before = lines.len();
    lines.dedup_by(|a, b| text[a.clone()] == text[b.clone()]);
    if lines.len() != before && !dedup {
        return Ok(None);
    }
    let mut nquads = String::with_capacity(text.len());
    for line in lines {
        nquads.push_str(&text[line]);
    }
    let issued = names
        .into_iter()
        .enumerate()
        .map(|(b, id)| (id, state.canonical.get(b).unwrap_or_default()))
        .collect();
    Ok(Some(Done { nquads, issued }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The escapes written one character at a time, as the specification
    /// reads: what the block-wise writers must give for any text.
    fn slow_iri(iri: &str) -> String {
        let mut out = String::from("<");
        for c in iri.chars() {
            match u8::try_from(c) {
                Ok(b) if iri_escaped(b) => out.push_str(&format!("\\u{:04X}", b)),
                _ => out.push(c),
            }
        }
        out.push('>');
        out
    }

    fn slow_literal(value: &str) -> String {
        let mut out = String::from("\"");
        for c in value.chars() {
            match c {
                '\u{8}' => out.push_str("\\b"),
                '\t' => out.push_str("\\t"),
                '\n' => out.push_str("\\n"),
                '\u{c}' => out.push_str("\\f"),
                '\r' => out.push_str("\\r"),
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if c < ' ' || c == '\u{7f}' => out.push_str(&format!("\\u{:04X}", u32::from(c))),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }

    /// Every length around the 16-byte blocks, each escaped character at
    /// every position, with multi-byte characters before it: the block-wise
    /// check finds it wherever it falls, in a full block or the padded rest.
    #[test]
    fn escapes_are_found_in_any_block_and_the_rest() {
        let specials = [
            '\0', '\u{8}', '\t', '\n', '\r', ' ', '"', '<', '>', '\\', '^', '`', '{', '|', '}',
            '\u{7f}',
        ];
        for len in 0..50 {
            for at in 0..=len {
                for &special in specials.iter().chain(['x'].iter()) {
                    // `at` bytes before the special character, some of them two-byte.
                    let mut text: String = "é".repeat(at / 3) + &"a".repeat(at - at / 3 * 2);
                    text.push(special);
                    text.push_str(&"b".repeat(len - at));
                    let mut iri = String::new();
                    write_iri(&mut iri, &text);
                    assert_eq!(iri, slow_iri(&text), "{text:?}");
                    let mut literal = String::new();
                    write_literal(&mut literal, &oxrdf::Literal::new_simple_literal(&text));
                    assert_eq!(literal, slow_literal(&text), "{text:?}");
                }
            }
        }
    }
}
