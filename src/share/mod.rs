//! What a learner shares, the last pipeline stage: verification bundles (a
//! Verifiable Presentation signed by the learner's key, [`bundle`]),
//! self-contained HTML portfolios ([`portfolio`]), interview QR codes and
//! verifier links ([`qr`]) and LinkedIn's add-to-profile link
//! ([`linkedin`]). [`share`] is the one path the CLI and the app take.
//!
//! Invariants: credentials are embedded unchanged (their issuers' proofs still
//! verify); a bundle verifies offline; a portfolio makes no network request
//! and renders every credential text escaped.

use crate::formats;
use crate::holder::Holder;
use crate::proof::ProofError;
use crate::report::Report;
use crate::store::{StoreError, Wallet};
use crate::verify::{self, VerifyOptions};

pub mod bundle;
pub mod linkedin;
pub mod page;
pub mod portfolio;
pub mod qr;

pub use bundle::{bundle, verify_bundle, verify_portfolio, BundleOptions, CHECK_HOLDER};
pub use page::{escape_html, verifier_page, PUBLISHED_VERIFIER_URL};
pub use portfolio::{portfolio_html, PortfolioEntry};
pub use satchel_verify::bundle::{bundle_from_portfolio, portfolio_differences, BundleError};

/// Why a bundle or portfolio could not be made or read.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Signing the presentation failed.
    #[error("cannot sign the presentation: {0}")]
    Sign(#[from] ProofError),
    /// A stored credential is not JSON (cannot happen for verified imports).
    #[error("credential {0} is not JSON and cannot be bundled")]
    NotJson(String),
    /// The file is not a bundle.
    #[error(transparent)]
    NotBundle(#[from] BundleError),
    /// Nothing to export.
    #[error("choose at least one credential")]
    Empty,
    /// The portfolio needs the learner's name, which was never given.
    #[error("your name is needed once for the portfolio")]
    NoLearnerName,
    /// Reading the wallet failed (or a credential is not in it).
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Setting key of the learner's display name on portfolios (asked once).
pub const LEARNER_NAME_SETTING: &str = "learner_name";

/// Setting key of the verifier page address the learner chose (unset: the
/// published page).
pub const VERIFIER_URL_SETTING: &str = "verifier_url";

/// The verifier page address links open: the learner's setting, else
/// [`PUBLISHED_VERIFIER_URL`]. A stored address that no longer passes the
/// check (written by hand) is an error that says so, not a silent default.
pub fn verifier_url(wallet: &Wallet) -> Result<qr::VerifierUrl, VerifierUrlError> {
    match wallet.setting(VERIFIER_URL_SETTING)? {
        Some(url) => Ok(qr::VerifierUrl::parse(&url)?),
        None => Ok(published_verifier_url()),
    }
}

/// [`PUBLISHED_VERIFIER_URL`], checked.
pub fn published_verifier_url() -> qr::VerifierUrl {
    // A constant that passes the check (a unit test says so).
    qr::VerifierUrl::parse(PUBLISHED_VERIFIER_URL)
        .unwrap_or_else(|e| unreachable!("PUBLISHED_VERIFIER_URL: {e}"))
}

/// Sets the verifier page address (checked first), or back to the published
/// page with `None`; returns the address now in force.
pub fn set_verifier_url(
    wallet: &Wallet,
    url: Option<&str>,
) -> Result<qr::VerifierUrl, VerifierUrlError> {
    match url {
        Some(url) => {
            let checked = qr::VerifierUrl::parse(url)?;
            wallet.set_setting(VERIFIER_URL_SETTING, checked.as_str())?;
            Ok(checked)
        }
        None => {
            wallet.remove_setting(VERIFIER_URL_SETTING)?;
            Ok(published_verifier_url())
        }
    }
}

/// Why the verifier address could not be read or set.
#[derive(Debug, thiserror::Error)]
pub enum VerifierUrlError {
    /// The address is not a verifier page's.
    #[error(transparent)]
    Url(#[from] qr::UrlError),
    /// The wallet could not be read or written.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What to make of the chosen wallet credentials.
#[derive(Debug, Clone)]
pub enum Share {
    /// A signed verification bundle (pretty JSON).
    Bundle(BundleOptions),
    /// An HTML portfolio; `learner` is remembered as the name for next time,
    /// and when `None` the remembered name is used.
    Portfolio {
        /// The learner's display name.
        learner: Option<String>,
    },
}

/// Makes the file a learner shares from wallet credentials `ids` (in that
/// order): the one path the CLI and the app both take.
pub fn share(
    wallet: &Wallet,
    holder: &Holder,
    ids: &[i64],
    what: &Share,
    opts: &VerifyOptions,
) -> Result<Vec<u8>, ExportError> {
    let records = ids
        .iter()
        .map(|id| wallet.get(*id)?.ok_or(StoreError::NotFound(*id)))
        .collect::<Result<Vec<_>, _>>()?;
    let raws: Vec<&[u8]> = records.iter().map(|r| r.raw.as_slice()).collect();
    match what {
        Share::Bundle(bundle_opts) => {
            let vp = bundle(holder, &raws, bundle_opts, opts.now)?;
            serde_json::to_vec_pretty(&vp).map_err(|e| ExportError::NotJson(e.to_string()))
        }
        Share::Portfolio { learner } => {
            let learner = match learner.as_deref().map(str::trim) {
                Some(name) if !name.is_empty() => {
                    wallet.set_setting(LEARNER_NAME_SETTING, name)?;
                    name.to_string()
                }
                _ => wallet
                    .setting(LEARNER_NAME_SETTING)?
                    .ok_or(ExportError::NoLearnerName)?,
            };
            let vp = bundle(holder, &raws, &BundleOptions::default(), opts.now)?;
            // The status shown is as of export time, not as of import.
            let reports: Vec<Report> = records
                .iter()
                .map(|r| {
                    formats::parse(&r.raw)
                        .ok()
                        .and_then(|items| items.into_iter().next())
                        .and_then(Result::ok)
                        .map(|c| verify::verify_credential(&c, opts))
                        .unwrap_or_else(|| r.report.clone())
                })
                .collect();
            // What is shown is read from the bundle, as verify-bundle reads it.
            let summaries: Vec<formats::Summary> = match vp.get("verifiableCredential") {
                Some(serde_json::Value::Array(creds)) => creds
                    .iter()
                    .map(satchel_verify::bundle::shown_summary)
                    .collect(),
                _ => records.iter().map(|r| r.listed.summary.clone()).collect(),
            };
            let entries: Vec<PortfolioEntry<'_>> = summaries
                .iter()
                .zip(&reports)
                .map(|(summary, report)| PortfolioEntry { summary, report })
                .collect();
            Ok(portfolio_html(&learner, &entries, &vp, opts.now).into_bytes())
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_published_verifier_page_is_a_verifier_address() {
        assert_eq!(
            super::published_verifier_url().as_str(),
            super::PUBLISHED_VERIFIER_URL
        );
    }
}
