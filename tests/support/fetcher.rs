//! Test helper: a [`Fetcher`] that answers from a map of URL → document, as
//! an issuer's server would; any other URL answers 404. No network is used.
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::Mutex;

use satchel::net::{Fetched, Fetcher, NetError};

/// Serves the documents it was given, and records every URL asked for.
#[derive(Default)]
pub struct MapFetcher {
    docs: HashMap<String, Vec<u8>>,
    /// Every URL requested, in order.
    pub asked: Mutex<Vec<String>>,
}

impl MapFetcher {
    /// A fetcher serving nothing yet.
    pub fn new() -> MapFetcher {
        MapFetcher::default()
    }

    /// Serves `body` at `url`.
    pub fn with(mut self, url: &str, body: impl Into<Vec<u8>>) -> MapFetcher {
        self.docs.insert(url.to_string(), body.into());
        self
    }

    /// Serves nothing at `url` any more (it answers 404).
    pub fn without(mut self, url: &str) -> MapFetcher {
        self.docs.remove(url);
        self
    }

    /// Serves a JSON value at `url`.
    pub fn with_json(self, url: &str, json: &serde_json::Value) -> MapFetcher {
        self.with(url, serde_json::to_vec(json).expect("json"))
    }
}

impl Fetcher for MapFetcher {
    fn get(&self, url: &str, _accept: &str) -> Result<Fetched, NetError> {
        self.asked.lock().expect("lock").push(url.to_string());
        match self.docs.get(url) {
            Some(body) => Ok(Fetched {
                url: url.to_string(),
                body: body.clone(),
                content_type: Some("application/json".into()),
                fetched_at: chrono::Utc::now(),
                from_cache: false,
            }),
            None => Err(NetError::Status {
                url: url.to_string(),
                status: 404,
            }),
        }
    }
}
