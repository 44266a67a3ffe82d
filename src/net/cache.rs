//! The disk cache of fetched documents, with the time each was fetched, in
//! its own SQLite file beside the wallet (`<wallet>.netcache`).
//!
//! Offline, checks may use a stored answer, and always say how old it is
//! ("status as of 3 May 2026"). The cache holds only public documents (DID
//! documents, issuer profiles, status lists), never the learner's data.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

use super::{Fetched, Fetcher, NetError};

/// Why the cache could not be used.
#[derive(Debug, thiserror::Error)]
#[error("network cache {path}: {source}")]
pub struct CacheError {
    path: String,
    #[source]
    source: rusqlite::Error,
}

/// Fetched documents by URL.
pub struct Cache {
    path: PathBuf,
    conn: Mutex<Connection>,
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Cache({})", self.path.display())
    }
}

/// The cache file that belongs to a wallet file.
pub fn path_for_wallet(wallet: &Path) -> PathBuf {
    let mut name = wallet.as_os_str().to_owned();
    name.push(".netcache");
    PathBuf::from(name)
}

impl Cache {
    /// Opens (creating if needed) the cache at `path`.
    pub fn open(path: &Path) -> Result<Cache, CacheError> {
        let err = |source| CacheError {
            path: path.display().to_string(),
            source,
        };
        let conn = Connection::open(path).map_err(err)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(err)?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS fetched (
                url TEXT PRIMARY KEY,
                body BLOB NOT NULL,
                content_type TEXT,
                fetched_at TEXT NOT NULL
            )",
        )
        .map_err(err)?;
        Ok(Cache {
            path: path.to_path_buf(),
            conn: Mutex::new(conn),
        })
    }

    fn err(&self, source: rusqlite::Error) -> CacheError {
        CacheError {
            path: self.path.display().to_string(),
            source,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic elsewhere while holding the lock leaves the connection usable.
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Stores a fresh answer (replacing an older one for the same URL).
    pub fn put(&self, f: &Fetched) -> Result<(), CacheError> {
        self.lock()
            .execute(
                "INSERT OR REPLACE INTO fetched (url, body, content_type, fetched_at) VALUES (?1, ?2, ?3, ?4)",
                params![f.url, f.body, f.content_type, f.fetched_at],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// The stored answer for `url`, marked `from_cache`.
    pub fn get(&self, url: &str) -> Result<Option<Fetched>, CacheError> {
        self.lock()
            .query_row(
                "SELECT body, content_type, fetched_at FROM fetched WHERE url = ?1",
                [url],
                |r| {
                    Ok(Fetched {
                        url: url.to_string(),
                        body: r.get(0)?,
                        content_type: r.get(1)?,
                        fetched_at: r.get::<_, DateTime<Utc>>(2)?,
                        from_cache: true,
                    })
                },
            )
            .optional()
            .map_err(|e| self.err(e))
    }
}

/// Offline, with the stored answers of earlier online checks: every request is
/// [`NetError::Offline`], and [`Fetcher::cached`] answers from the cache.
#[derive(Debug)]
pub struct OfflineWithCache(pub std::sync::Arc<Cache>);

impl Fetcher for OfflineWithCache {
    fn get(&self, url: &str, _accept: &str) -> Result<Fetched, NetError> {
        Err(NetError::Offline {
            url: url.to_string(),
        })
    }

    fn cached(&self, url: &str) -> Option<Fetched> {
        self.0.get(url).ok().flatten()
    }

    fn online(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stores_answers_with_their_time() {
        let dir = tempfile::tempdir().unwrap();
        let cache = std::sync::Arc::new(
            Cache::open(&path_for_wallet(&dir.path().join("w.sqlite3"))).unwrap(),
        );
        assert!(dir.path().join("w.sqlite3.netcache").exists());
        let at = satchel_verify::verify::parse_datetime("2026-05-03T10:00:00Z").unwrap();
        let f = Fetched {
            url: "https://a.example/list".into(),
            body: b"{}".to_vec(),
            content_type: Some("application/json".into()),
            fetched_at: at,
            from_cache: false,
        };
        cache.put(&f).unwrap();
        let off = OfflineWithCache(cache.clone());
        let got = off.cached("https://a.example/list").unwrap();
        assert!(got.from_cache);
        assert_eq!(got.fetched_at, at);
        assert_eq!(got.body, b"{}");
        assert!(off.cached("https://a.example/other").is_none());
        assert!(matches!(
            off.get("https://a.example/list", "*/*"),
            Err(NetError::Offline { .. })
        ));
    }
}
