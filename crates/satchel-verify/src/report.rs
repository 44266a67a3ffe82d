//! The verification report: named checks and the outcome derived from them.
//!
//! Invariant: the overall [`Outcome`] is derived from the checks only (see
//! [`Outcome::from_checks`]), so a report can never claim more than its checks.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The overall result of a verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Every check passed (status may be unchecked, and says so).
    Verified,
    /// The signature is valid but something needs attention (expired, not yet valid).
    Warning,
    /// A check failed: tampered, wrong key, malformed.
    Failed,
    /// It could not be checked (unsupported proof, unknown context, key out of reach).
    Unverifiable,
}

impl Outcome {
    /// The lowercase name used in JSON and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Verified => "verified",
            Outcome::Warning => "warning",
            Outcome::Failed => "failed",
            Outcome::Unverifiable => "unverifiable",
        }
    }

    /// Parses the lowercase name.
    pub fn parse(s: &str) -> Option<Outcome> {
        [
            Outcome::Verified,
            Outcome::Warning,
            Outcome::Failed,
            Outcome::Unverifiable,
        ]
        .into_iter()
        .find(|o| o.as_str() == s)
    }

    /// Derives the outcome from the checks: a failure wins, then a skipped
    /// signature or issuer binding (nothing was proven about who issued it:
    /// a valid signature by a key not known to be the issuer's proves only
    /// that someone signed it), then any warning.
    pub fn from_checks(checks: &[Check]) -> Outcome {
        if checks.iter().any(|c| c.status == CheckStatus::Fail) {
            Outcome::Failed
        } else if checks.iter().any(|c| {
            (c.check == CHECK_SIGNATURE && c.status != CheckStatus::Pass)
                || (c.check == CHECK_ISSUER && c.status == CheckStatus::Skip)
        }) {
            Outcome::Unverifiable
        } else if checks.iter().any(|c| c.status == CheckStatus::Warn) {
            Outcome::Warning
        } else {
            Outcome::Verified
        }
    }
}

/// The result of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    /// Checked and fine.
    Pass,
    /// Checked and wrong.
    Fail,
    /// Checked; needs the user's attention.
    Warn,
    /// Not checked; the message says why.
    Skip,
}

/// One named check with a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// The check's name: `format`, `signature`, `issuer`, `validity_period`, `status`, `holder`.
    pub check: String,
    /// Its result.
    pub status: CheckStatus,
    /// What was found, in a sentence.
    pub message: String,
    /// For a check skipped because online checks are off: the URL it would
    /// have fetched (absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub would_fetch: Option<String>,
    /// For the `nested_credentials` check of a CLR: each credential it holds,
    /// as verified (absent otherwise).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nested: Vec<NestedCredential>,
}

/// One credential held in another (a CLR's achievements), as verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NestedCredential {
    /// Its name.
    pub name: String,
    /// Its issuer's name, when it gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer_name: Option<String>,
    /// Its outcome.
    pub outcome: Outcome,
    /// Why, when not verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Check {
    /// Builds a check.
    pub fn new(check: &str, status: CheckStatus, message: impl Into<String>) -> Check {
        Check {
            check: check.to_string(),
            status,
            message: message.into(),
            would_fetch: None,
            nested: Vec::new(),
        }
    }

    /// Marks the check as not performed for want of the network, naming the
    /// URL it would fetch.
    pub fn with_would_fetch(mut self, url: impl Into<String>) -> Check {
        self.would_fetch = Some(url.into());
        self
    }
}

/// Name of the format check.
pub const CHECK_FORMAT: &str = "format";
/// Name of the signature check.
pub const CHECK_SIGNATURE: &str = "signature";
/// Name of the issuer-key binding check.
pub const CHECK_ISSUER: &str = "issuer";
/// Name of the validity-period check.
pub const CHECK_VALIDITY: &str = "validity_period";
/// Name of the revocation-status check.
pub const CHECK_STATUS: &str = "status";
/// Name of the known-issuer check (issuer registries).
pub const CHECK_ISSUER_KNOWN: &str = "issuer_known";
/// Name of the VC-JWT check that the token's registered claims match the credential.
pub const CHECK_JWT_CLAIMS: &str = "jwt_claims";
/// Name of the check that a badge was issued to the learner (their email addresses).
pub const CHECK_RECIPIENT: &str = "recipient";
/// Name of the check of the credentials nested in a CLR.
pub const CHECK_NESTED: &str = "nested_credentials";

/// A verification's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// The overall outcome.
    pub outcome: Outcome,
    /// The checks, in a fixed order.
    pub checks: Vec<Check>,
    /// When the checks ran ("now" as given).
    pub checked_at: DateTime<Utc>,
}

impl Report {
    /// Builds a report whose outcome is derived from its checks.
    pub fn from_checks(checks: Vec<Check>, checked_at: DateTime<Utc>) -> Report {
        Report {
            outcome: Outcome::from_checks(&checks),
            checks,
            checked_at,
        }
    }

    /// A report for an input that could not be read as a credential.
    pub fn unreadable(reason: &str, checked_at: DateTime<Utc>) -> Report {
        Report::from_checks(
            vec![Check::new(CHECK_FORMAT, CheckStatus::Fail, reason)],
            checked_at,
        )
    }

    /// The check with this name, if present.
    pub fn check(&self, name: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.check == name)
    }

    /// The URLs that checks would have fetched had online checks been on.
    pub fn would_fetch(&self) -> Vec<&str> {
        self.checks
            .iter()
            .filter_map(|c| c.would_fetch.as_deref())
            .collect()
    }
}

/// A sentence summing up a report: the first failing check, or the outcome.
pub fn headline(report: &Report) -> String {
    let worst = report
        .checks
        .iter()
        .find(|c| c.status == CheckStatus::Fail)
        .or_else(|| {
            report
                .checks
                .iter()
                .find(|c| c.check == CHECK_SIGNATURE && c.status == CheckStatus::Skip)
        })
        .or_else(|| report.checks.iter().find(|c| c.status == CheckStatus::Warn));
    match worst {
        Some(c) => c.message.clone(),
        None => "Verified.".to_string(),
    }
}
