//! The `status` check: has the issuer revoked or suspended the credential?
//!
//! Reads each `credentialStatus` entry: W3C Bitstring Status List
//! (`BitstringStatusListEntry`), its predecessor `StatusList2021Entry`, and
//! Open Badges 3.0's `1EdTechRevocationList`. A status list credential is
//! fetched through the options' [`Fetcher`](crate::net::Fetcher), its proof
//! verified (the signing key's controller must be the list's own issuer), its
//! list inflated under a size cap, and the bit read.
//!
//! Invariants: offline, an entry is `skip` with the URL it would fetch; online,
//! a check that could not be completed (the list not found, unreadable or its
//! key out of reach) is `warn` ("Revocation could not be checked: …"), never a
//! pass or a skip; a stored earlier answer is used only with its date ("status
//! as of 3 May 2026"), never as a plain "not revoked"; a list whose proof does
//! not verify, or is signed by someone other than the issuer it names, is a
//! failure; a genuine list issued by someone other than the credential's
//! issuer is read, and the check says who signed it (`warn` when clear).

use std::io::Read;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{Check, CheckStatus, VerifyOptions, CHECK_STATUS};
use crate::formats;
use crate::net::{Fetched, NetError};
use crate::proof;

/// Largest inflated status list accepted (bytes): 16 Mi entries of one bit.
pub const MAX_STATUS_LIST_BYTES: usize = 2 * 1024 * 1024;

/// What a status list is asked for with.
const STATUS_ACCEPT: &str =
    "application/vc+ld+json, application/vc, application/ld+json, application/json;q=0.9";

/// The result of one status entry.
#[derive(Debug, Clone, PartialEq)]
enum Entry {
    /// The list was read: the bit for `purpose` is `set` or clear (or the
    /// credential is listed or not).
    Read(Box<Reading>),
    /// Online, the list could not be read or evaluated: why, as a clause
    /// ("the status list https://… answered HTTP 404").
    CannotCheck { purpose: String, why: String },
    /// Nothing was attempted (an entry Satchel does not read; offline, a
    /// stored list it cannot evaluate), and why.
    NotChecked(String),
    /// Not checked because online checks are off: the URL it would fetch.
    Offline(String),
    /// The entry, or its list's proof or signer, is wrong.
    Invalid(String),
}

/// What a list said about the credential, and how much that answer is worth.
#[derive(Debug, Clone, PartialEq)]
struct Reading {
    purpose: String,
    /// Whether the bit is set (for 1EdTechRevocationList: the credential is listed).
    set: bool,
    /// The reason the list gives, if any.
    reason: Option<String>,
    /// Set when this is a stored earlier answer.
    as_of: Option<DateTime<Utc>>,
    /// Online, why the live fetch failed, so that the stored answer was read:
    /// "the status list https://… answered HTTP 404".
    not_now: Option<String>,
    /// The list's issuer, when it is not the credential's.
    other: Option<OtherIssuer>,
}

/// A list issued by someone other than the credential's issuer.
#[derive(Debug, Clone, PartialEq)]
struct OtherIssuer {
    /// Who issued (and signed, or names itself as publishing) the list.
    who: String,
    /// The credential's issuer, if it names one.
    issuer: Option<String>,
    /// A signed status list (true) or an unsigned 1EdTech revocation list.
    signed: bool,
}

impl OtherIssuer {
    /// "The status list is signed by X, not by the issuer Y."
    fn sentence(&self) -> String {
        let issuer = self
            .issuer
            .as_ref()
            .map(|i| format!(" {i}"))
            .unwrap_or_default();
        if self.signed {
            format!(
                "The status list is signed by {}, not by the issuer{issuer}.",
                self.who
            )
        } else {
            format!(
                "The revocation list says it is published by {}, not by the issuer{issuer}.",
                self.who
            )
        }
    }
}

/// Formats a day as people write it: "3 May 2026".
pub fn day(t: DateTime<Utc>) -> String {
    t.format("%-d %B %Y").to_string()
}

/// "Revocation" for "revocation": the start of a sentence.
fn capitalised(purpose: &str) -> String {
    let mut chars = purpose.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The `status` check of a credential whose issuer is `issuer`.
pub fn status_check(json: &Value, issuer: Option<&str>, opts: &VerifyOptions) -> Check {
    let entries: Vec<&Value> = match json.get("credentialStatus") {
        None => {
            return Check::new(
                CHECK_STATUS,
                CheckStatus::Skip,
                "Not checked: the credential declares no revocation status, so whether the issuer revoked it cannot be known.",
            )
        }
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one) => vec![one],
    };
    if entries.is_empty() {
        return Check::new(
            CHECK_STATUS,
            CheckStatus::Skip,
            "Not checked: the credential's status list is empty.",
        );
    }
    let results: Vec<Entry> = entries
        .iter()
        .map(|e| check_entry(e, json, issuer, opts))
        .collect();
    combine(&results)
}

impl Reading {
    /// What this reading makes of the check, in a sentence.
    fn judge(&self) -> (CheckStatus, String) {
        let purpose = &self.purpose;
        let other = self
            .other
            .as_ref()
            .map(|o| format!(" {}", o.sentence()))
            .unwrap_or_default();
        let list = match &self.other {
            Some(OtherIssuer { signed: false, .. }) => "revocation list",
            _ => "status list",
        };
        if self.set {
            let why = self
                .reason
                .as_ref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default();
            let when = self
                .as_of
                .map(|t| format!(" (status as of {}, a stored answer)", day(t)))
                .unwrap_or_default();
            let not_now = self
                .not_now
                .as_ref()
                .map(|e| format!(" It could not be checked again now: {e}."))
                .unwrap_or_default();
            // Who says so: the issuer, or (named in the next sentence) someone else.
            let by = if self.other.is_some() {
                format!("according to its {list}")
            } else {
                "by its issuer".to_string()
            };
            let (status, head) = if purpose == "revocation" {
                (CheckStatus::Fail, format!("Revoked {by}"))
            } else {
                (CheckStatus::Warn, format!("Marked for {purpose} {by}"))
            };
            return (status, format!("{head}{why}{when}.{other}{not_now}"));
        }
        match (self.as_of, &self.not_now) {
            (None, _) if self.other.is_none() => (
                CheckStatus::Pass,
                format!("No {purpose}: the issuer's status list was checked just now."),
            ),
            // The bit is real, but only as good as whoever signed the list.
            (None, _) => (
                CheckStatus::Warn,
                format!("No {purpose} on its {list}, checked just now.{other}"),
            ),
            // Offline: not asked to check now.
            (Some(t), None) => (
                CheckStatus::Skip,
                format!(
                    "Status as of {}: no {purpose} then (a stored answer; not checked now).{other}",
                    day(t)
                ),
            ),
            // Online, asked to check now, and the list could not be fetched.
            (Some(t), Some(e)) => (
                CheckStatus::Warn,
                format!(
                    "{} could not be checked now: {e}. Status as of {}: no {purpose} then (a stored answer).{other}",
                    capitalised(purpose),
                    day(t)
                ),
            ),
        }
    }
}

/// One check from the entries: a failure or revocation wins, then a warning
/// (a suspension, a check that could not be completed online, a list signed
/// by someone else), then anything not checked; a pass only when every entry
/// was read fresh from a list its issuer signed.
fn combine(results: &[Entry]) -> Check {
    let mut fails = Vec::new();
    let mut warns = Vec::new();
    let mut skips = Vec::new();
    let mut passes = Vec::new();
    let mut would_fetch = None;
    for r in results {
        match r {
            Entry::Invalid(why) => fails.push(why.clone()),
            Entry::Read(reading) => {
                let (status, sentence) = reading.judge();
                match status {
                    CheckStatus::Fail => fails.push(sentence),
                    CheckStatus::Warn => warns.push(sentence),
                    CheckStatus::Skip => skips.push(sentence),
                    CheckStatus::Pass => passes.push(sentence),
                }
            }
            Entry::CannotCheck { purpose, why } => warns.push(format!(
                "{} could not be checked: {why}.",
                capitalised(purpose)
            )),
            Entry::NotChecked(why) => skips.push(why.clone()),
            Entry::Offline(url) => {
                would_fetch.get_or_insert_with(|| url.clone());
                skips.push(format!(
                    "Not checked: online checks are off; the status list is at {url}."
                ));
            }
        }
    }
    let all: Vec<String> = fails
        .iter()
        .chain(&warns)
        .chain(&skips)
        .chain(&passes)
        .cloned()
        .collect();
    let status = if !fails.is_empty() {
        CheckStatus::Fail
    } else if !warns.is_empty() {
        CheckStatus::Warn
    } else if !skips.is_empty() {
        CheckStatus::Skip
    } else {
        CheckStatus::Pass
    };
    let check = Check::new(CHECK_STATUS, status, all.join(" "));
    match would_fetch {
        Some(url) if status == CheckStatus::Skip => check.with_would_fetch(url),
        _ => check,
    }
}

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// A list as fetched: where from, and how fresh.
struct Source<'a> {
    url: &'a str,
    /// "status list" or "revocation list".
    what: &'static str,
    purpose: &'a str,
    fetched: Fetched,
    /// Online, why the live fetch failed, so that `fetched` is a stored
    /// answer: "the status list https://… answered HTTP 404".
    not_now: Option<String>,
    online: bool,
}

impl Source<'_> {
    fn as_of(&self) -> Option<DateTime<Utc>> {
        self.fetched.from_cache.then_some(self.fetched.fetched_at)
    }

    /// The list named as the subject of a clause about it.
    fn subject(&self) -> String {
        let (what, url) = (self.what, self.url);
        match (self.as_of(), &self.not_now) {
            (None, _) => format!("the {what} {url}"),
            (Some(t), None) => format!("the stored copy ({}) of the {what} {url}", day(t)),
            (Some(t), Some(e)) => format!("{e}, and its stored copy ({})", day(t)),
        }
    }

    /// The list could not be evaluated (`predicate` says why): online, a
    /// warning; offline, nothing was asked, so not checked.
    fn cannot_check(&self, predicate: &str) -> Entry {
        let why = format!("{} {predicate}", self.subject());
        if self.online {
            Entry::CannotCheck {
                purpose: self.purpose.to_string(),
                why,
            }
        } else {
            Entry::NotChecked(format!("Not checked: online checks are off, and {why}."))
        }
    }

    /// The list's proof or signer is wrong.
    fn untrusted(&self, why: &str) -> Entry {
        Entry::Invalid(format!(
            "{} cannot be trusted: {why}.",
            capitalised(&self.subject())
        ))
    }

    fn reading(&self, set: bool, reason: Option<String>, other: Option<OtherIssuer>) -> Entry {
        Entry::Read(Box::new(Reading {
            purpose: self.purpose.to_string(),
            set,
            reason,
            as_of: self.as_of(),
            not_now: self.not_now.clone(),
            other,
        }))
    }
}

/// Fetches the list at `url`, falling back to the stored answer offline or
/// when the issuer cannot be reached (then saying why). Online, a list that
/// cannot be fetched and was never stored is a check that could not be done.
fn fetch<'a>(
    url: &'a str,
    what: &'static str,
    purpose: &'a str,
    opts: &VerifyOptions,
) -> Result<Source<'a>, Entry> {
    let online = opts.online();
    let source = |fetched, not_now| Source {
        url,
        what,
        purpose,
        fetched,
        not_now,
        online,
    };
    match opts.fetcher.get(url, STATUS_ACCEPT) {
        Ok(f) => Ok(source(f, None)),
        Err(e) => {
            let offline = matches!(e, NetError::Offline { .. });
            if let Some(cached) = opts.fetcher.cached(url) {
                return Ok(source(
                    cached,
                    (!offline).then(|| format!("the {what} {e}")),
                ));
            }
            Err(match e {
                NetError::Offline { url } => Entry::Offline(url),
                e => Entry::CannotCheck {
                    purpose: purpose.to_string(),
                    why: format!("the {what} {e}"),
                },
            })
        }
    }
}

fn check_entry(entry: &Value, cred: &Value, issuer: Option<&str>, opts: &VerifyOptions) -> Entry {
    let types = formats::types(entry);
    let has = |t: &str| types.iter().any(|x| x == t);
    if has("1EdTechRevocationList") {
        return revocation_list_entry(entry, cred, issuer, opts);
    }
    let kind = if has("BitstringStatusListEntry") {
        ListKind::Bitstring
    } else if has("StatusList2021Entry") {
        ListKind::StatusList2021
    } else {
        // Nothing is attempted, online or not, as for a credential that
        // declares no status: Satchel does not know how to ask.
        return Entry::NotChecked(format!(
            "Not checked: status entries of type {} are not supported (Satchel reads BitstringStatusListEntry, StatusList2021Entry and 1EdTechRevocationList).",
            if types.is_empty() { "(none)".to_string() } else { types.join(", ") }
        ));
    };
    let Some(purpose) = str_of(entry, "statusPurpose") else {
        return Entry::Invalid("The status entry names no statusPurpose.".into());
    };
    if purpose != "revocation" && purpose != "suspension" {
        return Entry::NotChecked(format!(
            "Not checked: a status entry for {purpose:?}, which is not revocation or suspension."
        ));
    }
    let size = match entry.get("statusSize") {
        None => 1,
        Some(v) => v
            .as_u64()
            .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
            .unwrap_or(0),
    };
    if size != 1 {
        return Entry::Invalid(format!(
            "The {purpose} entry has statusSize {size}; revocation and suspension use one bit."
        ));
    }
    let index = match entry.get("statusListIndex") {
        Some(Value::String(s)) => s.parse::<u64>().ok(),
        Some(Value::Number(n)) => n.as_u64(),
        _ => None,
    };
    let Some(index) = index else {
        return Entry::Invalid("The status entry's statusListIndex is not a number.".into());
    };
    let Some(url) = str_of(entry, "statusListCredential") else {
        return Entry::Invalid("The status entry names no statusListCredential.".into());
    };
    let source = match fetch(url, "status list", purpose, opts) {
        Ok(s) => s,
        Err(e) => return e,
    };
    match read_bit(&source.fetched, kind, purpose, index, issuer, opts) {
        Ok((set, other)) => source.reading(set, None, other),
        Err(ListProblem::CannotCheck(predicate)) => source.cannot_check(&predicate),
        Err(ListProblem::Untrusted(why)) => source.untrusted(&why),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ListKind {
    Bitstring,
    StatusList2021,
}

enum ListProblem {
    /// The list could not be evaluated: it is unreadable, expired, or its
    /// key is out of reach. A predicate: "was served as text/html, …".
    CannotCheck(String),
    /// The list's proof does not verify, or its signer is not its issuer.
    Untrusted(String),
}

/// Verifies the status list credential and reads bit `index`; with the
/// list's issuer when that is not the credential's `issuer`.
fn read_bit(
    fetched: &Fetched,
    kind: ListKind,
    purpose: &str,
    index: u64,
    issuer: Option<&str>,
    opts: &VerifyOptions,
) -> Result<(bool, Option<OtherIssuer>), ListProblem> {
    use ListProblem::*;
    if !(fetched.is_json() || fetched.content_type.as_deref() == Some("application/vc")) {
        return Err(CannotCheck(format!(
            "was served as {}, not as a JSON credential",
            fetched
                .content_type
                .as_deref()
                .unwrap_or("no declared type")
        )));
    }
    let list: Value = serde_json::from_slice(&fetched.body)
        .map_err(|e| CannotCheck(format!("is not JSON ({e})")))?;
    let list_types = formats::types(&list);
    let wanted = match kind {
        ListKind::Bitstring => "BitstringStatusListCredential",
        ListKind::StatusList2021 => "StatusList2021Credential",
    };
    if !list_types.iter().any(|t| t == wanted) {
        return Err(CannotCheck(format!("is not a {wanted}")));
    }
    let Some(list_issuer) = formats::issuer_id(&list) else {
        return Err(CannotCheck("names no issuer".into()));
    };
    let proofs = match proof::verify(&list, &opts.resolver()) {
        Ok(p) => p,
        Err(e @ (proof::ProofError::BadSignature | proof::ProofError::Malformed(_))) => {
            return Err(Untrusted(format!("its signature does not verify ({e})")))
        }
        Err(proof::ProofError::NoProof) => return Err(CannotCheck("is not signed".into())),
        Err(proof::ProofError::KeyResolution(e)) => {
            return Err(CannotCheck(format!(
                "is signed with a key that could not be looked up: {e}"
            )))
        }
        Err(e) => {
            return Err(CannotCheck(format!(
                "has a signature Satchel cannot check ({e})"
            )))
        }
    };
    // Whoever issued the list must have signed it: a list naming the
    // credential's issuer but signed by someone else is a forgery.
    if !proofs.iter().any(|p| p.controller == list_issuer) {
        let signers: Vec<&str> = proofs.iter().map(|p| p.controller.as_str()).collect();
        return Err(Untrusted(format!(
            "it names {list_issuer} as its issuer but is signed with a key of {}",
            signers.join(", ")
        )));
    }
    // The specification expects, but does not require, the credential's
    // issuer to issue its list: another's genuine list is read, and named.
    let other = (issuer != Some(list_issuer.as_str())).then(|| OtherIssuer {
        who: list_issuer.clone(),
        issuer: issuer.map(str::to_string),
        signed: true,
    });
    if let Some(until) = list
        .get("validUntil")
        .or_else(|| list.get("expirationDate"))
        .and_then(Value::as_str)
        .and_then(super::parse_datetime)
    {
        if until <= opts.now {
            return Err(CannotCheck(format!("expired on {}", day(until))));
        }
    }
    let subject = list
        .get("credentialSubject")
        .ok_or_else(|| CannotCheck("has no credentialSubject".into()))?;
    let purposes: Vec<&str> = match subject.get("statusPurpose") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    if !purposes.iter().any(|p| p.eq_ignore_ascii_case(purpose)) {
        return Err(CannotCheck(if purposes.is_empty() {
            "names no statusPurpose".to_string()
        } else {
            format!("is a list for {}, not for {purpose}", purposes.join(", "))
        }));
    }
    let encoded = subject
        .get("encodedList")
        .and_then(Value::as_str)
        .ok_or_else(|| CannotCheck("has no encodedList".into()))?;
    let bits = decode_list(encoded).map_err(|e| CannotCheck(format!("cannot be read: {e}")))?;
    let byte = usize::try_from(index / 8)
        .ok()
        .and_then(|i| bits.get(i))
        .ok_or_else(|| {
            CannotCheck(format!(
                "has {} entries, and the credential's index is {index}",
                bits.len() * 8
            ))
        })?;
    // Index 0 is the leftmost (most significant) bit of the first byte.
    Ok((byte & (0x80 >> (index % 8)) != 0, other))
}

/// Decodes an `encodedList`: GZIP, base64url, with (Bitstring Status List)
/// or without (StatusList2021) the multibase `u` prefix; inflated under
/// [`MAX_STATUS_LIST_BYTES`].
pub fn decode_list(encoded: &str) -> Result<Vec<u8>, String> {
    use base64::Engine;
    let b64 = |s: &str| {
        let s = s.trim_end_matches('=');
        base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(s)
    };
    let is_gzip = |b: &[u8]| b.starts_with(&[0x1f, 0x8b]);
    let gz = encoded
        .strip_prefix('u')
        .and_then(|rest| b64(rest).ok())
        .filter(|b| is_gzip(b))
        .or_else(|| b64(encoded).ok().filter(|b| is_gzip(b)))
        .ok_or("its encodedList is not base64url GZIP data")?;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(gz.as_slice())
        .take(MAX_STATUS_LIST_BYTES as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("its encodedList does not inflate ({e})"))?;
    if out.len() > MAX_STATUS_LIST_BYTES {
        return Err(format!(
            "its list inflates to more than {MAX_STATUS_LIST_BYTES} bytes"
        ));
    }
    Ok(out)
}

/// Encodes a bitstring as a Bitstring Status List `encodedList` (`u` +
/// base64url of GZIP); the inverse of [`decode_list`].
pub fn encode_list(bits: &[u8]) -> String {
    use base64::Engine;
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing to a Vec cannot fail.
    let _ = gz.write_all(bits);
    let bytes = gz.finish().unwrap_or_default();
    format!(
        "u{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// Open Badges 3.0 `1EdTechRevocationList`: a JSON list the issuer serves of
/// the ids of credentials it revoked. It is not signed: the credential's
/// issuer vouches for it by naming its URL, so a list naming another
/// publisher is read, and the check says so.
fn revocation_list_entry(
    entry: &Value,
    cred: &Value,
    issuer: Option<&str>,
    opts: &VerifyOptions,
) -> Entry {
    let Some(url) = str_of(entry, "id") else {
        return Entry::Invalid(
            "The 1EdTechRevocationList entry has no id (the list's URL).".into(),
        );
    };
    let Some(cred_id) = str_of(cred, "id") else {
        return Entry::NotChecked(
            "Not checked: the credential has no id to look up in its issuer's revocation list."
                .into(),
        );
    };
    let source = match fetch(url, "revocation list", "revocation", opts) {
        Ok(s) => s,
        Err(e) => return e,
    };
    if !source.fetched.is_json() {
        return source.cannot_check(&format!(
            "was served as {}, not as JSON",
            source
                .fetched
                .content_type
                .as_deref()
                .unwrap_or("no declared type")
        ));
    }
    let list: Value = match serde_json::from_slice(&source.fetched.body) {
        Ok(v) => v,
        Err(e) => return source.cannot_check(&format!("is not JSON ({e})")),
    };
    let Some(list_issuer) = formats::issuer_id(&list) else {
        return source.cannot_check("names no issuer");
    };
    let other = (issuer != Some(list_issuer.as_str())).then(|| OtherIssuer {
        who: list_issuer.clone(),
        issuer: issuer.map(str::to_string),
        signed: false,
    });
    let Some(revoked) = list.get("revokedCredentials").and_then(Value::as_array) else {
        return source.cannot_check("has no revokedCredentials list");
    };
    match revoked.iter().find(|r| str_of(r, "id") == Some(cred_id)) {
        Some(r) => source.reading(
            true,
            str_of(r, "revocationReason").map(str::to_string),
            other,
        ),
        None => source.reading(false, None, other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_round_trip_and_bits_are_read_from_the_left() {
        let mut bits = vec![0u8; 16 * 1024];
        bits[0] = 0b0100_0000; // index 1
        let enc = encode_list(&bits);
        assert!(enc.starts_with("uH4sI"), "{enc}");
        assert_eq!(decode_list(&enc).unwrap(), bits);
        // StatusList2021 style: no multibase prefix.
        assert_eq!(decode_list(&enc[1..]).unwrap(), bits);
        assert!(decode_list("uAAAA").is_err());
    }

    #[test]
    fn a_zip_bomb_is_refused() {
        let enc = encode_list(&vec![0u8; MAX_STATUS_LIST_BYTES + 1]);
        assert!(decode_list(&enc).unwrap_err().contains("more than"));
    }

    fn then() -> DateTime<Utc> {
        super::super::parse_datetime("2026-05-03T00:00:00Z").unwrap()
    }

    fn reading(purpose: &str, set: bool) -> Reading {
        Reading {
            purpose: purpose.into(),
            set,
            reason: None,
            as_of: None,
            not_now: None,
            other: None,
        }
    }

    fn read(r: Reading) -> Entry {
        Entry::Read(Box::new(r))
    }

    fn other() -> Option<OtherIssuer> {
        Some(OtherIssuer {
            who: "did:key:z6MkStranger".into(),
            issuer: Some("did:web:issuer.example.edu".into()),
            signed: true,
        })
    }

    #[test]
    fn combining_entries() {
        let clear = read(reading("revocation", false));
        assert_eq!(
            combine(std::slice::from_ref(&clear)).status,
            CheckStatus::Pass
        );
        let cached = read(Reading {
            as_of: Some(then()),
            ..reading("revocation", false)
        });
        let c = combine(&[cached]);
        assert_eq!(c.status, CheckStatus::Skip);
        assert!(
            c.message.contains("Status as of 3 May 2026"),
            "{}",
            c.message
        );
        assert!(!c.message.contains("Not revoked"));
        let suspended = read(reading("suspension", true));
        assert_eq!(
            combine(&[clear.clone(), suspended.clone()]).status,
            CheckStatus::Warn
        );
        let revoked = read(reading("revocation", true));
        let c = combine(&[suspended, revoked]);
        assert_eq!(c.status, CheckStatus::Fail);
        assert!(
            c.message.starts_with("Revoked by its issuer"),
            "{}",
            c.message
        );
    }

    #[test]
    fn a_check_that_could_not_be_done_online_is_a_warning_offline_a_skip() {
        let url = "https://issuer.example.edu/status/1";
        let not_found = Entry::CannotCheck {
            purpose: "revocation".into(),
            why: format!("the status list {url} answered HTTP 404"),
        };
        let c = combine(std::slice::from_ref(&not_found));
        assert_eq!(c.status, CheckStatus::Warn);
        assert_eq!(
            c.message,
            format!("Revocation could not be checked: the status list {url} answered HTTP 404.")
        );
        assert_eq!(c.would_fetch, None);
        // With a clear entry beside it: still a warning, never a pass.
        let c = combine(&[read(reading("revocation", false)), not_found]);
        assert_eq!(c.status, CheckStatus::Warn);
        // Offline: not asked, so a skip naming the URL.
        let c = combine(&[Entry::Offline(url.into())]);
        assert_eq!(c.status, CheckStatus::Skip);
        assert_eq!(c.would_fetch.as_deref(), Some(url));
        // Online, the live fetch failed and a stored answer was read: its
        // date, and why it is not from now.
        let stale = Reading {
            as_of: Some(then()),
            not_now: Some(format!("the status list {url} answered HTTP 404")),
            ..reading("revocation", false)
        };
        let c = combine(&[read(stale.clone())]);
        assert_eq!(c.status, CheckStatus::Warn);
        assert_eq!(
            c.message,
            format!("Revocation could not be checked now: the status list {url} answered HTTP 404. Status as of 3 May 2026: no revocation then (a stored answer).")
        );
        // A stored answer that says revoked is real.
        let c = combine(&[read(Reading { set: true, ..stale })]);
        assert_eq!(c.status, CheckStatus::Fail);
        assert!(
            c.message.starts_with(
                "Revoked by its issuer (status as of 3 May 2026, a stored answer). It could not be checked again now:"
            ),
            "{}",
            c.message
        );
    }

    #[test]
    fn a_list_signed_by_someone_else_gives_its_bit_and_says_who_signed_it() {
        let c = combine(&[read(Reading {
            other: other(),
            ..reading("revocation", false)
        })]);
        assert_eq!(c.status, CheckStatus::Warn);
        assert_eq!(
            c.message,
            "No revocation on its status list, checked just now. The status list is signed by did:key:z6MkStranger, not by the issuer did:web:issuer.example.edu."
        );
        let c = combine(&[read(Reading {
            other: other(),
            ..reading("revocation", true)
        })]);
        assert_eq!(c.status, CheckStatus::Fail);
        assert_eq!(
            c.message,
            "Revoked according to its status list. The status list is signed by did:key:z6MkStranger, not by the issuer did:web:issuer.example.edu."
        );
        let c = combine(&[read(Reading {
            other: other(),
            ..reading("suspension", true)
        })]);
        assert_eq!(c.status, CheckStatus::Warn);
        assert!(
            c.message
                .starts_with("Marked for suspension according to its status list."),
            "{}",
            c.message
        );
        // An unsigned 1EdTech list names its publisher; it signs nothing.
        let c = combine(&[read(Reading {
            other: Some(OtherIssuer {
                who: "did:web:evil.example".into(),
                issuer: None,
                signed: false,
            }),
            ..reading("revocation", false)
        })]);
        assert_eq!(
            c.message,
            "No revocation on its revocation list, checked just now. The revocation list says it is published by did:web:evil.example, not by the issuer."
        );
    }

    /// A fetcher whose live answer is an HTTP error, with perhaps a stored one.
    struct Gone {
        stored: Option<Fetched>,
        online: bool,
    }

    impl crate::net::Fetcher for Gone {
        fn get(&self, url: &str, _accept: &str) -> Result<Fetched, NetError> {
            Err(if self.online {
                NetError::Status {
                    url: url.into(),
                    status: 404,
                }
            } else {
                NetError::Offline { url: url.into() }
            })
        }
        fn cached(&self, _url: &str) -> Option<Fetched> {
            self.stored.clone()
        }
        fn online(&self) -> bool {
            self.online
        }
    }

    #[test]
    fn entries_through_a_failing_fetcher() {
        let url = "https://issuer.example.edu/status/1";
        let entry = serde_json::json!({"type": "BitstringStatusListEntry", "statusPurpose": "revocation",
            "statusListIndex": "3", "statusListCredential": url});
        let run = |stored: Option<Fetched>, online: bool| {
            let opts =
                VerifyOptions::with_fetcher(then(), std::sync::Arc::new(Gone { stored, online }));
            check_entry(&entry, &Value::Null, Some("did:web:x"), &opts)
        };
        assert_eq!(
            run(None, true),
            Entry::CannotCheck {
                purpose: "revocation".into(),
                why: format!("the status list {url} answered HTTP 404")
            }
        );
        assert_eq!(run(None, false), Entry::Offline(url.into()));
        // A stored answer that cannot be read: online a warning saying both
        // why; offline not checked.
        let html = Fetched {
            url: url.into(),
            body: b"<html></html>".to_vec(),
            content_type: Some("text/html".into()),
            fetched_at: then(),
            from_cache: true,
        };
        let Entry::CannotCheck { why, .. } = run(Some(html.clone()), true) else {
            panic!("not a CannotCheck")
        };
        assert_eq!(
            why,
            format!("the status list {url} answered HTTP 404, and its stored copy (3 May 2026) was served as text/html, not as a JSON credential")
        );
        let Entry::NotChecked(msg) = run(Some(html), false) else {
            panic!("not NotChecked")
        };
        assert!(msg.starts_with("Not checked: online checks are off, and the stored copy (3 May 2026) of the status list"), "{msg}");
        // An entry type Satchel does not read: nothing attempted, online too.
        let opts = VerifyOptions::with_fetcher(
            then(),
            std::sync::Arc::new(Gone {
                stored: None,
                online: true,
            }),
        );
        let odd = serde_json::json!({"type": "RefreshService2023"});
        assert!(matches!(
            check_entry(&odd, &Value::Null, None, &opts),
            Entry::NotChecked(_)
        ));
    }
}
