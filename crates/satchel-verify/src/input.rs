//! One input's bytes → every credential in it, each with its report: what
//! `satchel verify`, an import and the browser verifier all start from.

use crate::formats::{self, Credential};
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
    let items = match formats::parse(bytes) {
        Ok(items) => items,
        Err(e) => {
            let report = Report::unreadable(&format!("Not a readable credential: {e}."), opts.now);
            return vec![Checked {
                source: source.to_string(),
                credential: Err(e),
                report,
            }];
        }
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
