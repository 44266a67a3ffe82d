//! The network: the [`Fetcher`] interface and its offline default live in
//! `satchel_verify::net` (verification takes a fetcher and does no I/O of its
//! own); this module adds the real ones: [`http`], the HTTPS client, and
//! [`cache`], the stored answers beside a wallet.

use std::path::Path;
use std::sync::Arc;

pub use satchel_verify::net::*;

pub mod cache;
pub mod http;

/// The fetcher for verifying with the wallet at `wallet`: with `online`, the
/// HTTPS client (overrides from the environment) storing answers in the
/// wallet's cache; without, [`Offline`], answering from that cache when it
/// exists. No cache is made in a folder that does not exist.
pub fn for_wallet(wallet: &Path, online: bool) -> Result<Arc<dyn Fetcher>, http::OverrideError> {
    let cache_path = cache::path_for_wallet(wallet);
    let folder_exists = wallet
        .parent()
        .is_some_and(|p| p.as_os_str().is_empty() || p.is_dir());
    let cache = if online && folder_exists || cache_path.exists() {
        cache::Cache::open(&cache_path).ok().map(Arc::new)
    } else {
        None
    };
    Ok(match (online, cache) {
        (true, cache) => Arc::new(http::HttpsFetcher::from_env(cache)?),
        (false, Some(cache)) => Arc::new(cache::OfflineWithCache(cache)),
        (false, None) => Arc::new(Offline),
    })
}
