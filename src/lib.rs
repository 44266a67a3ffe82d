//! Satchel: a wallet for learners' micro-credentials.
//!
//! Data flows one way: bytes in ([`formats`]) → parsed credential → verification
//! ([`verify`], using [`proof`], [`did`], [`canon`], [`contexts`]) → [`report`] →
//! stored record ([`store`], composed by [`import`]) → export. See
//! `ARCHITECTURE.md` for the map and the invariant each module keeps.

/// The memory allocator Satchel's programs install (`#[global_allocator]` in
/// the CLI, the desktop app and the benches): JSON-LD processing makes many
/// small strings, and glibc's malloc and free took a third of verification time.
pub use mimalloc::MiMalloc as Allocator;

pub mod backup;
pub mod canon;
pub mod contexts;
pub mod did;
pub mod formats;
pub mod holder;
pub mod import;
pub mod jws;
pub mod net;
pub mod parallel;
pub mod proof;
pub mod registry;
pub mod report;
pub mod share;
pub mod signature;
pub mod store;
pub mod verify;

/// The former path of [`share`]'s bundles and portfolios, kept for callers.
pub use share as export;
/// The former path of [`share::qr`], kept for callers.
pub use share::qr;

// Lets test helpers shared with the integration tests name the crate `satchel`.
extern crate self as satchel;

#[cfg(test)]
#[path = "../tests/support/signer.rs"]
mod test_signer;
