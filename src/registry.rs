//! Known issuers kept in the wallet: the registries and the `issuer_known`
//! check are `satchel_verify::registry`; this module stores them.

pub use satchel_verify::registry::*;

use crate::store::{StoreError, Wallet};

/// The wallet setting that holds the trusted registries.
pub const SETTING: &str = "known_issuers";

/// The registries stored in `wallet` (none when it holds none).
pub fn load(wallet: &Wallet) -> Result<KnownIssuers, StoreError> {
    Ok(wallet
        .setting(SETTING)?
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default())
}

/// Stores `known` in `wallet`.
pub fn save(known: &KnownIssuers, wallet: &Wallet) -> Result<(), StoreError> {
    // Serialising plain strings and maps cannot fail.
    let text = serde_json::to_string(known).unwrap_or_default();
    wallet.set_setting(SETTING, &text)
}
