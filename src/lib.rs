//! Satchel: a wallet for learners' micro-credentials.
//!
//! Data flows one way: bytes in ([`formats`]) → parsed credential → verification
//! report ([`report`]) → stored record ([`store`]) → export. See `ARCHITECTURE.md`
//! for the map and invariants.

pub mod contexts;
pub mod formats;
pub mod report;
pub mod store;
