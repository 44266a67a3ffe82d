//! The `status` check: has the issuer revoked or suspended the credential?
//!
//! Reads each `credentialStatus` entry: W3C Bitstring Status List
//! (`BitstringStatusListEntry`), its predecessor `StatusList2021Entry`, and
//! Open Badges 3.0's `1EdTechRevocationList`. A status list credential is
//! fetched through the options' [`Fetcher`](crate::net::Fetcher), its proof
//! verified, its issuer compared with the credential's, its list inflated
//! under a size cap, and the bit read.
//!
//! Invariants: offline, an entry is `skip` with the URL it would fetch; a
//! stored earlier answer is used only with its date ("status as of 3 May
//! 2026"), never as a plain "not revoked"; a list not signed by the
//! credential's issuer is a failure, never a pass.

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
    /// The list says the bit for `purpose` is clear (or the credential is not
    /// listed); `as_of` is set when this is a stored earlier answer.
    Clear {
        purpose: String,
        as_of: Option<DateTime<Utc>>,
    },
    /// The bit for `purpose` is set.
    Set {
        purpose: String,
        as_of: Option<DateTime<Utc>>,
        reason: Option<String>,
    },
    /// Not checked, and why (with the URL).
    NotChecked(String),
    /// Not checked because online checks are off: the URL it would fetch.
    Offline(String),
    /// The entry or its list cannot be trusted or read.
    Invalid(String),
}

/// Formats a day as people write it: "3 May 2026".
pub fn day(t: DateTime<Utc>) -> String {
    t.format("%-d %B %Y").to_string()
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

/// One check from the entries: a failure or revocation wins, then a
/// suspension, then anything not checked; a pass only when every entry was
/// read fresh.
fn combine(results: &[Entry]) -> Check {
    let mut fails = Vec::new();
    let mut warns = Vec::new();
    let mut skips = Vec::new();
    let mut passes = Vec::new();
    let mut would_fetch = None;
    for r in results {
        match r {
            Entry::Invalid(why) => fails.push(why.clone()),
            Entry::Set {
                purpose,
                as_of,
                reason,
            } => {
                let when = as_of
                    .map(|t| format!(" (status as of {}, a stored answer)", day(t)))
                    .unwrap_or_default();
                let why = reason
                    .as_ref()
                    .map(|r| format!(": {r}"))
                    .unwrap_or_default();
                if purpose == "revocation" {
                    fails.push(format!("Revoked by its issuer{why}{when}."));
                } else {
                    warns.push(format!("Marked for {purpose} by its issuer{why}{when}."));
                }
            }
            Entry::NotChecked(why) => skips.push(why.clone()),
            Entry::Offline(url) => {
                would_fetch.get_or_insert_with(|| url.clone());
                skips.push(format!(
                    "Not checked: online checks are off; the status list is at {url}."
                ));
            }
            Entry::Clear {
                purpose,
                as_of: Some(t),
            } => skips.push(format!(
                "Status as of {}: no {purpose} then (a stored answer; not checked now).",
                day(*t)
            )),
            Entry::Clear {
                purpose,
                as_of: None,
            } => passes.push(format!(
                "No {purpose}: the issuer's status list was checked just now."
            )),
        }
    }
    let join = |v: &[String]| v.join(" ");
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
    let check = Check::new(CHECK_STATUS, status, join(&all));
    match would_fetch {
        Some(url) if status == CheckStatus::Skip => check.with_would_fetch(url),
        _ => check,
    }
}

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
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
    let fetched = match fetch(url, opts) {
        Ok(f) => f,
        Err(e) => return e,
    };
    let as_of = fetched.from_cache.then_some(fetched.fetched_at);
    match read_bit(&fetched, kind, purpose, index, issuer, opts) {
        Ok(false) => Entry::Clear {
            purpose: purpose.into(),
            as_of,
        },
        Ok(true) => Entry::Set {
            purpose: purpose.into(),
            as_of,
            reason: None,
        },
        Err(ListProblem::CannotCheck(why)) => Entry::NotChecked(format!(
            "Not checked: the status list {url}{}: {why}.",
            as_of
                .map(|t| format!(" (stored {})", day(t)))
                .unwrap_or_default()
        )),
        Err(ListProblem::Untrusted(why)) => {
            Entry::Invalid(format!("The status list {url} cannot be trusted: {why}."))
        }
    }
}

/// Fetches `url`, falling back to the stored answer offline or when the
/// issuer cannot be reached.
fn fetch(url: &str, opts: &VerifyOptions) -> Result<Fetched, Entry> {
    match opts.fetcher.get(url, STATUS_ACCEPT) {
        Ok(f) => Ok(f),
        Err(e) => {
            if let Some(cached) = opts.fetcher.cached(url) {
                return Ok(cached);
            }
            Err(match e {
                NetError::Offline { url } => Entry::Offline(url),
                e => Entry::NotChecked(format!("Not checked: {e}.")),
            })
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ListKind {
    Bitstring,
    StatusList2021,
}

enum ListProblem {
    /// The list could not be evaluated (e.g. its key needs the network).
    CannotCheck(String),
    /// The list is not the issuer's, or is malformed.
    Untrusted(String),
}

/// Verifies the status list credential and reads bit `index`.
fn read_bit(
    fetched: &Fetched,
    kind: ListKind,
    purpose: &str,
    index: u64,
    issuer: Option<&str>,
    opts: &VerifyOptions,
) -> Result<bool, ListProblem> {
    use ListProblem::*;
    if !(fetched.is_json() || fetched.content_type.as_deref() == Some("application/vc")) {
        return Err(Untrusted(format!(
            "it was served as {}, not as a JSON credential",
            fetched
                .content_type
                .as_deref()
                .unwrap_or("no declared type")
        )));
    }
    let list: Value = serde_json::from_slice(&fetched.body)
        .map_err(|e| Untrusted(format!("it is not JSON ({e})")))?;
    let list_types = formats::types(&list);
    let wanted = match kind {
        ListKind::Bitstring => "BitstringStatusListCredential",
        ListKind::StatusList2021 => "StatusList2021Credential",
    };
    if !list_types.iter().any(|t| t == wanted) {
        return Err(Untrusted(format!("it is not a {wanted}")));
    }
    let list_issuer = formats::issuer_id(&list);
    let Some(issuer) = issuer else {
        return Err(Untrusted(
            "the credential names no issuer to compare with".into(),
        ));
    };
    if list_issuer.as_deref() != Some(issuer) {
        return Err(Untrusted(format!(
            "it was issued by {}, not by the credential's issuer {issuer}",
            list_issuer.as_deref().unwrap_or("no one")
        )));
    }
    let proofs = match proof::verify(&list, &opts.resolver()) {
        Ok(p) => p,
        Err(proof::ProofError::KeyResolution(e)) => {
            return Err(CannotCheck(format!("its signature needs a key: {e}")))
        }
        Err(e) => return Err(Untrusted(format!("its signature does not verify ({e})"))),
    };
    if !proofs.iter().any(|p| p.controller == issuer) {
        return Err(Untrusted(format!(
            "it is not signed with a key of the issuer {issuer}"
        )));
    }
    if let Some(until) = list
        .get("validUntil")
        .or_else(|| list.get("expirationDate"))
        .and_then(Value::as_str)
        .and_then(super::parse_datetime)
    {
        if until <= opts.now {
            return Err(CannotCheck(format!("the list expired on {}", day(until))));
        }
    }
    let subject = list
        .get("credentialSubject")
        .ok_or_else(|| Untrusted("it has no credentialSubject".into()))?;
    let purposes: Vec<&str> = match subject.get("statusPurpose") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    if !purposes.iter().any(|p| p.eq_ignore_ascii_case(purpose)) {
        return Err(Untrusted(format!(
            "it is a list for {purposes:?}, not {purpose}"
        )));
    }
    let encoded = subject
        .get("encodedList")
        .and_then(Value::as_str)
        .ok_or_else(|| Untrusted("it has no encodedList".into()))?;
    let bits = decode_list(encoded).map_err(Untrusted)?;
    let byte = usize::try_from(index / 8)
        .ok()
        .and_then(|i| bits.get(i))
        .ok_or_else(|| {
            Untrusted(format!(
                "index {index} is beyond its {} entries",
                bits.len() * 8
            ))
        })?;
    // Index 0 is the leftmost (most significant) bit of the first byte.
    Ok(byte & (0x80 >> (index % 8)) != 0)
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
/// the ids of credentials it revoked.
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
    let fetched = match fetch(url, opts) {
        Ok(f) => f,
        Err(e) => return e,
    };
    let as_of = fetched.from_cache.then_some(fetched.fetched_at);
    let untrusted = |why: String| {
        Entry::Invalid(format!(
            "The revocation list {url} cannot be trusted: {why}."
        ))
    };
    if !fetched.is_json() {
        return untrusted(format!(
            "it was served as {}, not JSON",
            fetched
                .content_type
                .as_deref()
                .unwrap_or("no declared type")
        ));
    }
    let list: Value = match serde_json::from_slice(&fetched.body) {
        Ok(v) => v,
        Err(e) => return untrusted(format!("it is not JSON ({e})")),
    };
    let list_issuer = formats::issuer_id(&list);
    if issuer.is_none() || list_issuer.as_deref() != issuer {
        return untrusted(format!(
            "it was published by {}, not by the credential's issuer",
            list_issuer.as_deref().unwrap_or("no one")
        ));
    }
    let Some(revoked) = list.get("revokedCredentials").and_then(Value::as_array) else {
        return untrusted("it has no revokedCredentials list".into());
    };
    match revoked.iter().find(|r| str_of(r, "id") == Some(cred_id)) {
        Some(r) => Entry::Set {
            purpose: "revocation".into(),
            as_of,
            reason: str_of(r, "revocationReason").map(str::to_string),
        },
        None => Entry::Clear {
            purpose: "revocation".into(),
            as_of,
        },
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

    #[test]
    fn combining_entries() {
        let clear = Entry::Clear {
            purpose: "revocation".into(),
            as_of: None,
        };
        assert_eq!(
            combine(std::slice::from_ref(&clear)).status,
            CheckStatus::Pass
        );
        let then = super::super::parse_datetime("2026-05-03T00:00:00Z").unwrap();
        let cached = Entry::Clear {
            purpose: "revocation".into(),
            as_of: Some(then),
        };
        let c = combine(&[cached]);
        assert_eq!(c.status, CheckStatus::Skip);
        assert!(
            c.message.contains("Status as of 3 May 2026"),
            "{}",
            c.message
        );
        assert!(!c.message.contains("Not revoked"));
        let suspended = Entry::Set {
            purpose: "suspension".into(),
            as_of: None,
            reason: None,
        };
        assert_eq!(
            combine(&[clear.clone(), suspended.clone()]).status,
            CheckStatus::Warn
        );
        let revoked = Entry::Set {
            purpose: "revocation".into(),
            as_of: None,
            reason: None,
        };
        let c = combine(&[suspended, revoked]);
        assert_eq!(c.status, CheckStatus::Fail);
        assert!(
            c.message.starts_with("Revoked by its issuer"),
            "{}",
            c.message
        );
    }
}
