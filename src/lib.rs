//! Satchel: a wallet for learners' micro-credentials.
//!
//! Data flows one way: bytes in ([`formats`]) → parsed credential → verification
//! ([`verify`], using [`proof`], [`did`], [`canon`], [`contexts`]) → [`report`] →
//! stored record ([`store`], composed by [`import`]) → export. Verification is
//! the `satchel_verify` crate (no I/O, also built for the browser), re-exported
//! here under its old paths; this crate adds the wallet, the network client,
//! the learner's key and sharing. See `ARCHITECTURE.md` for the map and the
//! invariant each module keeps.

/// The memory allocator Satchel's programs install (`#[global_allocator]` in
/// the CLI, the desktop app and the benches): JSON-LD processing makes many
/// small strings, and glibc's malloc and free took a third of verification time.
pub use mimalloc::MiMalloc as Allocator;

pub use satchel_verify::{
    canon, contexts, did, formats, jws, percent, proof, report, signature, verify,
};

pub mod backup;
pub mod holder;
pub mod import;
pub mod net;
pub mod parallel;
pub mod receive;
pub mod registry;
pub mod share;
pub mod store;

/// The former path of [`share`]'s bundles and portfolios, kept for callers.
pub use share as export;
/// The former path of [`share::qr`], kept for callers.
pub use share::qr;
