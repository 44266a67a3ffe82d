//! One input's bytes → every credential in it, each with its report: what
//! `satchel verify`, an import and the browser verifier all start from.
//!
//! The text of a Satchel QR code is an input too, in each form a person can
//! hand over: an `SB2:` code (or its parts, one a line), a verifier link
//! (`https://…#SB3:…`), or the link's fragment alone (what the verifier page
//! reads from its address, maybe percent-encoded). Each is decoded to the
//! credential's bytes and verified as the credential file would be.

use crate::formats::{self, Credential, FormatError};
use crate::qr_payload;
use crate::report::Report;
use crate::verify::{self, VerifyOptions};

/// A credential read and verified, not yet stored.
pub struct Checked {
    /// Where it came from.
    pub source: String,
    /// The credential, or why the input is unreadable.
    pub credential: Result<Credential, formats::FormatError>,
    /// Its report.
    pub report: Report,
}

/// Reads and verifies every credential in an input.
pub fn check_bytes(source: &str, bytes: &[u8], opts: &VerifyOptions) -> Vec<Checked> {
    // Before formats: a link is also a web address, which formats would
    // take for a hosted Open Badges 2.0 assertion.
    let decoded = std::str::from_utf8(bytes)
        .ok()
        .and_then(qr_payload::decode_text);
    let Some(found) = decoded else {
        return check_credential_bytes(source, bytes, opts);
    };
    let many = found.len() > 1;
    found
        .into_iter()
        .enumerate()
        .flat_map(|(i, assembled)| {
            let source = if many {
                format!("{source}[{i}]")
            } else {
                source.to_string()
            };
            match assembled.result {
                // Decoded once: a payload inside a payload is not looked into.
                Ok(credential) => check_credential_bytes(&source, &credential, opts),
                Err(e) => vec![unreadable(
                    source,
                    FormatError::QrPayload(e.to_string()),
                    opts,
                )],
            }
        })
        .collect()
}

fn unreadable(source: String, e: FormatError, opts: &VerifyOptions) -> Checked {
    let report = Report::unreadable(&format!("Not a readable credential: {e}."), opts.now);
    Checked {
        source,
        credential: Err(e),
        report,
    }
}

/// Reads and verifies the credentials in a file's bytes.
fn check_credential_bytes(source: &str, bytes: &[u8], opts: &VerifyOptions) -> Vec<Checked> {
    let items = match formats::parse(bytes) {
        Ok(items) => items,
        Err(e) => return vec![unreadable(source.to_string(), e, opts)],
    };
    let many = items.len() > 1;
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let source = if many {
                format!("{source}[{i}]")
            } else {
                source.to_string()
            };
            let report = match &item {
                Ok(cred) => verify::verify_credential(cred, opts),
                Err(e) => Report::unreadable(&format!("Not a readable credential: {e}."), opts.now),
            };
            Checked {
                source,
                credential: item,
                report,
            }
        })
        .collect()
}
