//! LinkedIn's add-to-profile link for a credential: its Licenses &
//! certifications form, filled in from the credential (name, issuer, dates,
//! id) and with the credential's verifier link as the credential URL.
//!
//! LinkedIn may ignore any of the prefilled fields, so the fields are also
//! given one by one ([`AddToProfile::fields`]) for the learner to copy.
//! Invariant: every value is percent-encoded (UTF-8, everything outside the
//! RFC 3986 unreserved characters), so no credential text can add, end or
//! change a parameter.

use serde::Serialize;

use crate::formats::{self, Summary};
use crate::share::qr::{self, VerifierUrl};

/// Where LinkedIn's add-to-profile form is.
pub const ADD_TO_PROFILE: &str = "https://www.linkedin.com/profile/add";

/// The values LinkedIn's certification form takes, named as its parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Certification {
    /// The certification's name: the credential's.
    pub name: String,
    /// The issuing organisation's name, when the credential gives one.
    pub organization_name: Option<String>,
    /// The year it was issued (`validFrom` / `issuanceDate`).
    pub issue_year: Option<i32>,
    /// The month it was issued, 1–12.
    pub issue_month: Option<u32>,
    /// The year it expires (`validUntil` / `expirationDate`), if it does.
    pub expiration_year: Option<i32>,
    /// The month it expires, 1–12.
    pub expiration_month: Option<u32>,
    /// The credential's verifier link, when it fits one code.
    pub cert_url: Option<String>,
    /// The credential's own `id`, when it has one.
    pub cert_id: Option<String>,
}

/// The add-to-profile link and what it carries.
#[derive(Debug, Clone, Serialize)]
pub struct AddToProfile {
    /// The link to open in a browser.
    pub url: String,
    /// The values in it.
    pub fields: Certification,
    /// Why a value the learner may expect is missing (the credential URL of
    /// a credential too large for a verifier link).
    pub note: Option<String>,
}

impl Certification {
    /// The form's values for a stored credential: `raw` its bytes, `summary`
    /// what the wallet shows of it, `verifier` the page its link opens.
    /// Also returns why the credential URL is missing, when it is.
    pub fn of(
        raw: &[u8],
        summary: &Summary,
        verifier: &VerifierUrl,
    ) -> (Certification, Option<String>) {
        let (issue_year, issue_month) = year_month(summary.valid_from.as_deref());
        let (expiration_year, expiration_month) = year_month(summary.valid_until.as_deref());
        let (cert_url, note) = match qr::link_for(raw, verifier) {
            Ok(link) => (Some(link), None),
            Err(e) => (
                None,
                Some(format!("No credential URL: {e}. Add the link to your portfolio by hand if you publish one.")),
            ),
        };
        let cert_id = formats::parse(raw)
            .ok()
            .and_then(|items| items.into_iter().next())
            .and_then(Result::ok)
            .and_then(|c| {
                c.json
                    .get("id")
                    .and_then(|v| v.as_str())
                    .map(str::to_string)
            });
        let organization_name = summary
            .issuer_name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_string);
        (
            Certification {
                name: summary.name.clone(),
                organization_name,
                issue_year,
                issue_month,
                expiration_year,
                expiration_month,
                cert_url,
                cert_id,
            },
            note,
        )
    }

    /// The parameters in LinkedIn's order, those without a value left out.
    pub fn params(&self) -> Vec<(&'static str, String)> {
        let number = |n: Option<i32>| n.map(|n| n.to_string());
        let month = |n: Option<u32>| n.map(|n| n.to_string());
        [
            ("startTask", Some("CERTIFICATION_NAME".to_string())),
            ("name", Some(self.name.clone())),
            ("organizationName", self.organization_name.clone()),
            ("issueYear", number(self.issue_year)),
            ("issueMonth", month(self.issue_month)),
            ("expirationYear", number(self.expiration_year)),
            ("expirationMonth", month(self.expiration_month)),
            ("certUrl", self.cert_url.clone()),
            ("certId", self.cert_id.clone()),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect()
    }

    /// The add-to-profile link, every value percent-encoded.
    pub fn add_to_profile_url(&self) -> String {
        let query: Vec<String> = self
            .params()
            .iter()
            .map(|(k, v)| format!("{k}={}", percent_encode(v)))
            .collect();
        format!("{ADD_TO_PROFILE}?{}", query.join("&"))
    }
}

/// The add-to-profile link for a stored credential.
pub fn add_to_profile(raw: &[u8], summary: &Summary, verifier: &VerifierUrl) -> AddToProfile {
    let (fields, note) = Certification::of(raw, summary, verifier);
    AddToProfile {
        url: fields.add_to_profile_url(),
        fields,
        note,
    }
}

/// Year and month of a date as the issuer wrote it (`YYYY-MM…`, RFC 3339):
/// the calendar date on the credential, not that date moved to UTC.
fn year_month(date: Option<&str>) -> (Option<i32>, Option<u32>) {
    let Some(date) = date.map(str::trim) else {
        return (None, None);
    };
    let year = date
        .get(..4)
        .filter(|y| y.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|y| y.parse::<i32>().ok());
    let month = date
        .get(5..7)
        .filter(|m| date.as_bytes().get(4) == Some(&b'-') && m.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|m| m.parse::<u32>().ok())
        .filter(|m| (1..=12).contains(m));
    match year {
        Some(y) => (Some(y), month),
        None => (None, None),
    }
}

/// Percent-encodes UTF-8 text (every byte outside `A–Z a–z 0–9 - . _ ~`).
pub use crate::percent::encode as percent_encode;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_percent_encoded_as_utf8() {
        assert_eq!(percent_encode("A&B #1"), "A%26B%20%231");
        assert_eq!(percent_encode("é🦀"), "%C3%A9%F0%9F%A6%80");
        assert_eq!(percent_encode("a-b.c_d~e"), "a-b.c_d~e");
        assert_eq!(percent_encode("+=/?%"), "%2B%3D%2F%3F%25");
    }

    #[test]
    fn dates_give_year_and_month() {
        assert_eq!(
            year_month(Some("2025-02-03T01:00:00Z")),
            (Some(2025), Some(2))
        );
        assert_eq!(
            year_month(Some("2024-12-31T23:30:00-02:00")),
            (Some(2024), Some(12)),
            "as written, not in UTC"
        );
        assert_eq!(year_month(Some("2023-07")), (Some(2023), Some(7)));
        assert_eq!(year_month(Some("2023-13-01")), (Some(2023), None));
        assert_eq!(year_month(Some("soon")), (None, None));
        assert_eq!(year_month(None), (None, None));
    }
}
