//! Satchel's verifier, with no I/O: bytes → parsed credential ([`formats`]) →
//! verification ([`verify`], using [`proof`], [`did`], [`jws`], [`canon`],
//! [`contexts`]) → [`report`]; bundles and portfolios ([`bundle`]); the text of
//! QR codes and verifier links ([`qr_payload`]).
//!
//! Invariant: nothing here reads a file, opens a connection, spawns a thread
//! or asks the clock except where the caller says so: documents from the web
//! come through the [`net::Fetcher`] the caller supplies, "now" is an input of
//! [`verify::VerifyOptions`]. The same code runs in the CLI, the desktop app
//! and the browser (`crates/satchel-wasm`).

pub mod bundle;
pub mod canon;
pub mod contexts;
pub mod did;
pub mod formats;
pub mod input;
pub mod jws;
pub mod net;
pub mod percent;
pub mod proof;
pub mod qr_payload;
pub mod registry;
pub mod report;
pub mod signature;
pub mod verify;

// The test signer (tests/support/signer.rs) is shared with the root crate's
// integration tests, which name the verifier through `satchel`.
#[cfg(test)]
extern crate self as satchel;

#[cfg(test)]
#[path = "../../../tests/support/signer.rs"]
mod test_signer;
