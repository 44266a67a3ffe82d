//! The real HTTPS client behind [`Fetcher`]: `ureq` over `rustls`.
//!
//! Rules it keeps, whatever the server does:
//! - `https://` only; redirects are followed only to the same host and port
//!   (at most [`Limits::max_redirects`]);
//! - no connection to a private, loopback, link-local, multicast or otherwise
//!   non-public address (checked on the resolved addresses, so a public name
//!   pointing at 127.0.0.1 is refused too), except where a
//!   `SATCHEL_CONNECT_TO` rule sends a host name to a chosen address;
//! - connect and overall time-outs, and a response size cap;
//! - no proxy from the environment (it would bypass the address check).
//!
//! Each answer is stored in the [`Cache`] when one is given, with its time.

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

use super::cache::Cache;
use super::{Fetched, Fetcher, NetError};

/// The environment variable holding curl-style `--connect-to` rules.
pub const ENV_CONNECT_TO: &str = "SATCHEL_CONNECT_TO";
/// The environment variable naming a PEM file of extra trusted CA certificates.
pub const ENV_EXTRA_CA_CERTS: &str = "SATCHEL_EXTRA_CA_CERTS";

/// Bounds on every request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Time to establish the connection (TCP and TLS).
    pub connect_timeout: Duration,
    /// Time for the whole request, body included (a slow drip is cut off).
    pub total_timeout: Duration,
    /// Largest body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Same-host redirects followed.
    pub max_redirects: u8,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            connect_timeout: Duration::from_secs(10),
            total_timeout: Duration::from_secs(20),
            max_body_bytes: 4 * 1024 * 1024,
            max_redirects: 3,
        }
    }
}

/// One `--connect-to` rule: connections for `host:port` go to `to_host:to_port`
/// (empty `host`/`port` match any; empty `to_*` keep the original).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectTo {
    /// The host name asked for (empty: any).
    pub host: String,
    /// The port asked for (None: any).
    pub port: Option<u16>,
    /// Where to connect instead (empty: the same host).
    pub to_host: String,
    /// The port to connect to instead (None: the same port).
    pub to_port: Option<u16>,
}

/// Testing and enterprise overrides: where to connect, and extra trusted CAs.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `SATCHEL_CONNECT_TO` rules.
    pub connect_to: Vec<ConnectTo>,
    /// Extra trusted CA certificates, DER.
    pub extra_ca_der: Vec<Vec<u8>>,
}

/// Why the overrides in the environment could not be used.
#[derive(Debug, thiserror::Error)]
pub enum OverrideError {
    /// A `SATCHEL_CONNECT_TO` rule is not `host:port:address:port`.
    #[error("SATCHEL_CONNECT_TO: {0:?} is not HOST1:PORT1:HOST2:PORT2")]
    ConnectTo(String),
    /// The CA file could not be read or holds no certificate.
    #[error("SATCHEL_EXTRA_CA_CERTS: {0}")]
    ExtraCa(String),
}

/// Splits `host:port` parts, where a host may be a bracketed IPv6 address.
fn split_host_port(s: &str) -> Option<(String, &str)> {
    if let Some(rest) = s.strip_prefix('[') {
        let (host, rest) = rest.split_once(']')?;
        let rest = rest.strip_prefix(':')?;
        Some((host.to_string(), rest))
    } else {
        let (host, rest) = s.split_once(':')?;
        Some((host.to_string(), rest))
    }
}

impl ConnectTo {
    /// Parses one rule, curl's `HOST1:PORT1:HOST2:PORT2`.
    pub fn parse(rule: &str) -> Result<ConnectTo, OverrideError> {
        let bad = || OverrideError::ConnectTo(rule.to_string());
        let port = |p: &str| -> Result<Option<u16>, OverrideError> {
            if p.is_empty() {
                Ok(None)
            } else {
                p.parse().map(Some).map_err(|_| bad())
            }
        };
        let (host, rest) = split_host_port(rule).ok_or_else(bad)?;
        let (p1, rest) = rest.split_once(':').ok_or_else(bad)?;
        let (to_host, p2) = split_host_port(rest).ok_or_else(bad)?;
        Ok(ConnectTo {
            host: host.to_ascii_lowercase(),
            port: port(p1)?,
            to_host,
            to_port: port(p2)?,
        })
    }

    fn matches(&self, host: &str, port: u16) -> bool {
        (self.host.is_empty() || self.host.eq_ignore_ascii_case(host))
            && self.port.is_none_or(|p| p == port)
    }
}

impl Overrides {
    /// Reads `SATCHEL_CONNECT_TO` (comma-separated rules) and
    /// `SATCHEL_EXTRA_CA_CERTS` (a PEM file).
    pub fn from_env() -> Result<Overrides, OverrideError> {
        let connect_to = match std::env::var(ENV_CONNECT_TO) {
            Ok(v) => Overrides::parse_connect_to(&v)?,
            Err(_) => Vec::new(),
        };
        let extra_ca_der = match std::env::var_os(ENV_EXTRA_CA_CERTS) {
            Some(path) if !path.is_empty() => {
                let pem = std::fs::read(&path).map_err(|e| {
                    let path = std::path::Path::new(&path).display();
                    OverrideError::ExtraCa(format!("{path}: {e}"))
                })?;
                Overrides::parse_pem(&pem)?
            }
            _ => Vec::new(),
        };
        Ok(Overrides {
            connect_to,
            extra_ca_der,
        })
    }

    /// Parses comma-separated `--connect-to` rules.
    pub fn parse_connect_to(v: &str) -> Result<Vec<ConnectTo>, OverrideError> {
        v.split(',')
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(ConnectTo::parse)
            .collect()
    }

    /// The certificates of a PEM file (at least one).
    pub fn parse_pem(pem: &[u8]) -> Result<Vec<Vec<u8>>, OverrideError> {
        let mut certs = Vec::new();
        for item in ureq::tls::parse_pem(pem) {
            match item {
                Ok(ureq::tls::PemItem::Certificate(c)) => certs.push(c.der().to_vec()),
                Ok(_) => {}
                Err(e) => return Err(OverrideError::ExtraCa(format!("bad PEM: {e}"))),
            }
        }
        if certs.is_empty() {
            return Err(OverrideError::ExtraCa("no certificate in the file".into()));
        }
        Ok(certs)
    }
}

/// Whether Satchel may connect to `ip` without an explicit override: only
/// globally routable unicast addresses.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00 // unique local
                || (first & 0xffc0) == 0xfe80 // link-local
                || first == 0x2001 && v6.segments()[1] == 0x0db8) // documentation
        }
    }
}

/// A refused address, carried through ureq's error as an I/O error.
#[derive(Debug, thiserror::Error)]
#[error("{0} is not a public address")]
struct BlockedAddress(IpAddr);

/// Resolves names like the system does, applies `--connect-to` rules, and
/// refuses non-public addresses that no rule chose.
#[derive(Debug)]
struct GuardedResolver {
    rules: Vec<ConnectTo>,
    inner: DefaultResolver,
}

impl Resolver for GuardedResolver {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let host = uri.host().unwrap_or_default();
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let port = uri.port_u16().unwrap_or(443);
        if let Some(rule) = self.rules.iter().find(|r| r.matches(host, port)) {
            let to_host = if rule.to_host.is_empty() {
                host
            } else {
                rule.to_host.as_str()
            };
            let to_port = rule.to_port.unwrap_or(port);
            let mut out = self.empty();
            let addrs: Vec<SocketAddr> = match to_host.parse::<IpAddr>() {
                Ok(ip) => vec![SocketAddr::new(ip, to_port)],
                Err(_) => (to_host, to_port).to_socket_addrs()?.collect(),
            };
            for a in addrs.into_iter().take(16) {
                out.push(a);
            }
            return if out.is_empty() {
                Err(ureq::Error::HostNotFound)
            } else {
                Ok(out)
            };
        }
        let addrs = self.inner.resolve(uri, config, timeout)?;
        if let Some(bad) = addrs.iter().find(|a| !is_public(a.ip())) {
            return Err(ureq::Error::Io(io::Error::new(
                io::ErrorKind::PermissionDenied,
                BlockedAddress(bad.ip()),
            )));
        }
        Ok(addrs)
    }
}

/// The HTTPS client: online, bounded, optionally caching.
///
/// One client answers a URL once during its life (a batch re-verification
/// fetches a shared status list once, not once per credential).
pub struct HttpsFetcher {
    agent: ureq::Agent,
    limits: Limits,
    cache: Option<Arc<Cache>>,
    seen: Mutex<HashMap<String, Fetched>>,
}

/// Answers a client keeps in memory.
const MAX_SEEN: usize = 256;

impl std::fmt::Debug for HttpsFetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpsFetcher")
            .field("limits", &self.limits)
            .field("cache", &self.cache.is_some())
            .finish()
    }
}

/// The host and port of an `https://` URL, or why it is not one.
fn https_origin(url: &str) -> Result<(String, u16), NetError> {
    let bad = |reason: &str| NetError::BadUrl {
        url: url.to_string(),
        reason: reason.to_string(),
    };
    let uri: ureq::http::Uri = url.parse().map_err(|_| bad("not a URL"))?;
    if uri.scheme_str() != Some("https") {
        return Err(bad("only https is used"));
    }
    let authority = uri.authority().ok_or_else(|| bad("no host"))?;
    if authority.as_str().contains('@') {
        return Err(bad("credentials in the URL"));
    }
    let host = uri
        .host()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| bad("no host"))?;
    Ok((host.to_ascii_lowercase(), uri.port_u16().unwrap_or(443)))
}

/// Resolves a `Location` header against the URL that answered.
fn redirect_target(from: &str, location: &str) -> Option<String> {
    if location.starts_with("https://") || location.starts_with("http://") {
        return Some(location.to_string());
    }
    let (scheme_host, _) = {
        let after = from.strip_prefix("https://")?;
        let end = after.find('/').unwrap_or(after.len());
        (format!("https://{}", &after[..end]), ())
    };
    if location.starts_with("//") {
        return Some(format!("https:{location}"));
    }
    if location.starts_with('/') {
        return Some(format!("{scheme_host}{location}"));
    }
    // A relative path: replace the last path segment.
    let base = from.split(['?', '#']).next().unwrap_or(from);
    let dir = base.rfind('/').map(|i| &base[..=i])?;
    if dir.len() <= "https://".len() {
        return Some(format!("{scheme_host}/{location}"));
    }
    Some(format!("{dir}{location}"))
}

impl HttpsFetcher {
    /// A client with these overrides, limits and cache.
    pub fn new(overrides: &Overrides, limits: Limits, cache: Option<Arc<Cache>>) -> HttpsFetcher {
        let mut tls = ureq::tls::TlsConfig::builder();
        if !overrides.extra_ca_der.is_empty() {
            // Mozilla's roots (as webpki would use) plus the extra ones.
            let certs = webpki_root_certs::TLS_SERVER_ROOT_CERTS
                .iter()
                .map(|c| ureq::tls::Certificate::from_der(c.as_ref()).to_owned())
                .chain(
                    overrides
                        .extra_ca_der
                        .iter()
                        .map(|d| ureq::tls::Certificate::from_der(d).to_owned()),
                );
            tls = tls.root_certs(ureq::tls::RootCerts::from(certs.collect::<Vec<_>>()));
        }
        let config = ureq::Agent::config_builder()
            .https_only(true)
            .proxy(None)
            .max_redirects(0)
            .http_status_as_error(false)
            .timeout_connect(Some(limits.connect_timeout))
            .timeout_global(Some(limits.total_timeout))
            .user_agent(concat!("satchel/", env!("CARGO_PKG_VERSION")))
            .tls_config(tls.build())
            .build();
        let resolver = GuardedResolver {
            rules: overrides.connect_to.clone(),
            inner: DefaultResolver::default(),
        };
        let agent = ureq::Agent::with_parts(config, DefaultConnector::default(), resolver);
        HttpsFetcher {
            agent,
            limits,
            cache,
            seen: Mutex::default(),
        }
    }

    /// A client configured from the environment's overrides, default limits.
    pub fn from_env(cache: Option<Arc<Cache>>) -> Result<HttpsFetcher, OverrideError> {
        Ok(HttpsFetcher::new(
            &Overrides::from_env()?,
            Limits::default(),
            cache,
        ))
    }

    fn map_error(url: &str, e: ureq::Error, limit: usize) -> NetError {
        let url = url.to_string();
        match e {
            ureq::Error::Timeout(_) => NetError::Timeout { url },
            ureq::Error::BodyExceedsLimit(_) => NetError::TooLarge { url, limit },
            ureq::Error::RequireHttpsOnly(_) => NetError::BadUrl {
                url,
                reason: "only https is used".into(),
            },
            ureq::Error::Io(io) => {
                if let Some(BlockedAddress(ip)) = io
                    .get_ref()
                    .and_then(|e| e.downcast_ref::<BlockedAddress>())
                {
                    return NetError::Blocked {
                        url,
                        address: ip.to_string(),
                    };
                }
                if io.kind() == io::ErrorKind::TimedOut {
                    return NetError::Timeout { url };
                }
                NetError::Transport {
                    url,
                    reason: io.to_string(),
                }
            }
            e => NetError::Transport {
                url,
                reason: e.to_string(),
            },
        }
    }

    fn fetch(&self, url: &str, accept: &str) -> Result<Fetched, NetError> {
        let answer = self.send(url, None, accept, &[])?;
        if !(200..300).contains(&answer.status) {
            return Err(NetError::Status {
                url: url.to_string(),
                status: answer.status,
            });
        }
        Ok(Fetched {
            url: url.to_string(),
            body: answer.body,
            content_type: answer.content_type,
            fetched_at: Utc::now(),
            from_cache: false,
        })
    }

    /// POSTs `body` (of type `content_type`) to `url` under the same rules as
    /// every GET: https only, same-host redirects (307/308 repeat the POST,
    /// others continue as a GET), no private address, time and size caps.
    /// Any final status is an answer, so a caller can read an error's body
    /// (OAuth's `{"error": …}`); a redirect elsewhere is an error. Nothing is
    /// cached: a POST is an action, not a document.
    pub fn post(
        &self,
        url: &str,
        content_type: &str,
        body: &[u8],
        accept: &str,
        headers: &[(&str, &str)],
    ) -> Result<Answer, NetError> {
        self.send(url, Some((content_type, body)), accept, headers)
    }

    /// GETs `url` with extra request headers, returning any final status as
    /// an answer (see [`HttpsFetcher::post`]); never cached.
    pub fn get_answer(
        &self,
        url: &str,
        accept: &str,
        headers: &[(&str, &str)],
    ) -> Result<Answer, NetError> {
        self.send(url, None, accept, headers)
    }

    fn send(
        &self,
        url: &str,
        mut post: Option<(&str, &[u8])>,
        accept: &str,
        headers: &[(&str, &str)],
    ) -> Result<Answer, NetError> {
        let origin = https_origin(url)?;
        let limit = self.limits.max_body_bytes;
        let mut current = url.to_string();
        for _ in 0..=self.limits.max_redirects {
            let call = match post {
                Some((ctype, body)) => {
                    let mut req = self.agent.post(&current).header("Accept", accept);
                    for (k, v) in headers {
                        req = req.header(*k, *v);
                    }
                    req.header("Content-Type", ctype).send(body)
                }
                None => {
                    let mut req = self.agent.get(&current).header("Accept", accept);
                    for (k, v) in headers {
                        req = req.header(*k, *v);
                    }
                    req.call()
                }
            };
            let mut resp = call.map_err(|e| HttpsFetcher::map_error(url, e, limit))?;
            let status = resp.status().as_u16();
            if (300..400).contains(&status) {
                let location = resp
                    .headers()
                    .get("location")
                    .and_then(|l| l.to_str().ok())
                    .unwrap_or_default()
                    .to_string();
                let to = redirect_target(&current, &location).unwrap_or(location);
                match https_origin(&to) {
                    Ok(o) if o == origin => {
                        if !matches!(status, 307 | 308) {
                            post = None;
                        }
                        current = to;
                        continue;
                    }
                    _ => {
                        return Err(NetError::Redirect {
                            url: url.to_string(),
                            to,
                        })
                    }
                }
            }
            let content_type = resp
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(';').next())
                .map(|v| v.trim().to_ascii_lowercase())
                .filter(|v| !v.is_empty());
            let body = resp
                .body_mut()
                .with_config()
                .limit(limit as u64)
                .read_to_vec()
                .map_err(|e| HttpsFetcher::map_error(url, e, limit))?;
            return Ok(Answer {
                url: url.to_string(),
                status,
                content_type,
                body,
            });
        }
        Err(NetError::Transport {
            url: url.to_string(),
            reason: format!("more than {} redirects", self.limits.max_redirects),
        })
    }
}

/// A server's final answer to [`HttpsFetcher::post`] or
/// [`HttpsFetcher::get_answer`], whatever its status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The URL asked for (before same-host redirects).
    pub url: String,
    /// The HTTP status.
    pub status: u16,
    /// The media type, lower case, without parameters.
    pub content_type: Option<String>,
    /// The body (at most the size cap).
    pub body: Vec<u8>,
}

impl Fetcher for HttpsFetcher {
    fn get(&self, url: &str, accept: &str) -> Result<Fetched, NetError> {
        let seen = |f: &Mutex<HashMap<String, Fetched>>| {
            f.lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(url)
                .cloned()
        };
        if let Some(f) = seen(&self.seen) {
            return Ok(f);
        }
        let fetched = self.fetch(url, accept)?;
        if let Some(cache) = &self.cache {
            // A cache that cannot be written only loses the offline fallback.
            let _ = cache.put(&fetched);
        }
        let mut memo = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        if memo.len() < MAX_SEEN {
            memo.insert(url.to_string(), fetched.clone());
        }
        Ok(fetched)
    }

    fn cached(&self, url: &str) -> Option<Fetched> {
        self.cache.as_ref().and_then(|c| c.get(url).ok().flatten())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connect_to_rules_follow_curl() {
        let rules =
            Overrides::parse_connect_to("issuer.example.edu:443:127.0.0.1:8443, ::[::1]:9000")
                .unwrap();
        assert_eq!(
            rules[0],
            ConnectTo {
                host: "issuer.example.edu".into(),
                port: Some(443),
                to_host: "127.0.0.1".into(),
                to_port: Some(8443)
            }
        );
        assert!(rules[0].matches("Issuer.Example.edu", 443));
        assert!(!rules[0].matches("issuer.example.edu", 8443));
        assert!(!rules[0].matches("other.example", 443));
        assert_eq!(rules[1].to_host, "::1");
        assert!(rules[1].matches("anything.example", 1));
        assert!(ConnectTo::parse("no-ports").is_err());
        assert!(ConnectTo::parse("a:x:b:1").is_err());
    }

    #[test]
    fn only_public_addresses() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["93.184.215.14", "2606:4700::1111", "8.8.8.8"] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn redirect_targets() {
        let from = "https://a.example/x/y.json?q";
        assert_eq!(
            redirect_target(from, "/z").as_deref(),
            Some("https://a.example/z")
        );
        assert_eq!(
            redirect_target(from, "z.json").as_deref(),
            Some("https://a.example/x/z.json")
        );
        assert_eq!(
            redirect_target(from, "//b.example/").as_deref(),
            Some("https://b.example/")
        );
        assert_eq!(
            redirect_target(from, "https://127.0.0.1/").as_deref(),
            Some("https://127.0.0.1/")
        );
    }

    #[test]
    fn only_https_urls() {
        let f = HttpsFetcher::new(&Overrides::default(), Limits::default(), None);
        for url in [
            "http://a.example/",
            "file:///etc/passwd",
            "https://user:pw@a.example/",
            "nonsense",
        ] {
            assert!(
                matches!(f.get(url, "*/*"), Err(NetError::BadUrl { .. })),
                "{url}"
            );
        }
        // A literal loopback address is refused before any connection.
        assert!(matches!(
            f.get("https://127.0.0.1:9/x", "*/*"),
            Err(NetError::Blocked { .. })
        ));
    }
}
