//! A loopback HTTPS server for the tests, with its own test CA, serving
//! documents for real host names (`https://issuer.example.edu/...`).
//!
//! The client reaches it only through Satchel's two documented overrides:
//! `SATCHEL_CONNECT_TO` (`host:443:127.0.0.1:PORT`) and
//! `SATCHEL_EXTRA_CA_CERTS` (the test CA's PEM). Each test starts its own
//! server on an ephemeral port, so tests run in parallel without root.
//! It also gives hostile answers: huge and slow bodies, redirects, wrong
//! content types.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use satchel::net::http::{ConnectTo, Overrides};

/// A reply made from the request's body (an issuer that answers what it
/// was sent, such as a credential for the DID in a key proof).
pub type Answerer = Arc<dyn Fn(&[u8]) -> Reply + Send + Sync>;

/// How the server answers one URL.
#[derive(Clone)]
pub enum Reply {
    /// 200 with this content type and body.
    Body(&'static str, Vec<u8>),
    /// As `Body`, readable by any web page (`Access-Control-Allow-Origin: *`),
    /// as an issuer publishing for browsers answers.
    Shared(&'static str, Vec<u8>),
    /// A redirect (302) to this location.
    Redirect(String),
    /// This HTTP status with an empty body.
    Status(u16),
    /// 200 with this many bytes of JSON-looking filler, sent as fast as it can.
    Huge(usize),
    /// 200 that sends one byte every `Duration` (bounded to 30 s in all).
    Slow(Duration),
    /// This status, content type and body (an HTML error page, an OAuth error).
    StatusBody(u16, &'static str, Vec<u8>),
    /// Closes the connection without answering (a server gone mid-exchange).
    Hangup,
    /// The n-th request gets the n-th reply; the last one repeats.
    Seq(Vec<Reply>),
    /// The reply this function makes of the request's body.
    Answer(Answerer),
}

impl std::fmt::Debug for Reply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reply::Body(t, b) => write!(f, "Body({t}, {} bytes)", b.len()),
            Reply::Shared(t, b) => write!(f, "Shared({t}, {} bytes)", b.len()),
            Reply::Redirect(to) => write!(f, "Redirect({to})"),
            Reply::Status(c) => write!(f, "Status({c})"),
            Reply::Huge(n) => write!(f, "Huge({n})"),
            Reply::Slow(d) => write!(f, "Slow({d:?})"),
            Reply::StatusBody(c, t, b) => write!(f, "StatusBody({c}, {t}, {} bytes)", b.len()),
            Reply::Hangup => write!(f, "Hangup"),
            Reply::Seq(r) => f.debug_tuple("Seq").field(r).finish(),
            Reply::Answer(_) => write!(f, "Answer(..)"),
        }
    }
}

impl Reply {
    /// A JSON body with the given content type.
    pub fn json(content_type: &'static str, v: &serde_json::Value) -> Reply {
        Reply::Body(content_type, serde_json::to_vec(v).unwrap())
    }
}

/// A running test server. It lives as long as the test process (its threads
/// end when a client goes away or a reply's bound is reached).
pub struct TestServer {
    /// The loopback port it listens on.
    pub port: u16,
    /// The host names its certificate is valid for.
    pub hosts: Vec<String>,
    /// The test CA certificate, PEM.
    pub ca_pem: String,
    routes: Arc<Mutex<HashMap<String, Reply>>>,
    hits: Arc<Mutex<HashMap<String, usize>>>,
    bodies: Arc<Mutex<HashMap<String, Vec<Vec<u8>>>>>,
    _dir: tempfile::TempDir,
    ca_path: PathBuf,
}

impl TestServer {
    /// Starts a server whose certificate (signed by a fresh test CA) names `hosts`.
    pub fn start(hosts: &[&str]) -> TestServer {
        let pki = TestPki::new(hosts);
        let (ca_pem, leaf_der, leaf_key_der) = (pki.ca_pem, pki.cert_der, pki.key_der);
        let key = rustls::pki_types::PrivateKeyDer::Pkcs8(
            rustls::pki_types::PrivatePkcs8KeyDer::from(leaf_key_der),
        );
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![leaf_der.into()], key)
        .unwrap();
        let config = Arc::new(config);

        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let routes: Arc<Mutex<HashMap<String, Reply>>> = Arc::default();
        let hits: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
        let bodies: Arc<Mutex<HashMap<String, Vec<Vec<u8>>>>> = Arc::default();
        {
            let (routes, hits, bodies) = (routes.clone(), hits.clone(), bodies.clone());
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    let Ok(stream) = stream else { continue };
                    let (config, routes, hits, bodies) =
                        (config.clone(), routes.clone(), hits.clone(), bodies.clone());
                    std::thread::spawn(move || {
                        let _ = handle(stream, config, &routes, &hits, &bodies);
                    });
                }
            });
        }
        let dir = tempfile::tempdir().unwrap();
        let ca_path = dir.path().join("test-ca.pem");
        std::fs::write(&ca_path, &ca_pem).unwrap();
        TestServer {
            port,
            hosts: hosts.iter().map(|h| h.to_string()).collect(),
            ca_pem,
            routes,
            hits,
            bodies,
            _dir: dir,
            ca_path,
        }
    }

    /// Answers `url` (`https://host/path`) with `reply`.
    pub fn serve(&self, url: &str, reply: Reply) {
        self.routes.lock().unwrap().insert(url.to_string(), reply);
    }

    /// The bodies of the requests `url` received, in order.
    pub fn bodies(&self, url: &str) -> Vec<Vec<u8>> {
        self.bodies
            .lock()
            .unwrap()
            .get(url)
            .cloned()
            .unwrap_or_default()
    }

    /// How many requests `url` received.
    pub fn hits(&self, url: &str) -> usize {
        self.hits.lock().unwrap().get(url).copied().unwrap_or(0)
    }

    /// The `SATCHEL_CONNECT_TO` value: each host's port 443 to this server.
    pub fn connect_to(&self) -> String {
        self.hosts
            .iter()
            .map(|h| format!("{h}:443:127.0.0.1:{}", self.port))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The file `SATCHEL_EXTRA_CA_CERTS` names.
    pub fn ca_path(&self) -> &Path {
        &self.ca_path
    }

    /// The same overrides, for the library API.
    pub fn overrides(&self) -> Overrides {
        Overrides {
            connect_to: self
                .hosts
                .iter()
                .map(|h| ConnectTo {
                    host: h.clone(),
                    port: Some(443),
                    to_host: "127.0.0.1".into(),
                    to_port: Some(self.port),
                })
                .collect(),
            extra_ca_der: Overrides::parse_pem(self.ca_pem.as_bytes()).unwrap(),
        }
    }

    /// Environment variables that point the CLI at this server.
    pub fn env(&self) -> [(&'static str, String); 2] {
        [
            ("SATCHEL_CONNECT_TO", self.connect_to()),
            ("SATCHEL_EXTRA_CA_CERTS", self.ca_path.display().to_string()),
        ]
    }
}

fn handle(
    tcp: TcpStream,
    config: Arc<rustls::ServerConfig>,
    routes: &Mutex<HashMap<String, Reply>>,
    hits: &Mutex<HashMap<String, usize>>,
    bodies: &Mutex<HashMap<String, Vec<Vec<u8>>>>,
) -> std::io::Result<()> {
    tcp.set_read_timeout(Some(Duration::from_secs(10)))?;
    tcp.set_write_timeout(Some(Duration::from_secs(10)))?;
    let conn = rustls::ServerConnection::new(config).map_err(std::io::Error::other)?;
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = tls.read(&mut buf)?;
        if n == 0 || head.len() > 16 * 1024 {
            return Ok(());
        }
        head.extend_from_slice(&buf[..n]);
    }
    let split = head
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(head.len(), |i| i + 4);
    let mut body = head.split_off(split);
    let head = String::from_utf8_lossy(&head);
    let length = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse::<usize>().ok())
                .flatten()
        })
        .unwrap_or(0)
        .min(16 * 1024 * 1024);
    while body.len() < length {
        let n = tls.read(&mut buf)?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&buf[..n]);
    }
    let mut lines = head.lines();
    let path = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .unwrap_or("/")
        .to_string();
    let host = lines
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("host").then(|| v.trim().to_string())
        })
        .unwrap_or_default();
    let host = host.split(':').next().unwrap_or_default();
    let url = format!("https://{host}{path}");
    let n = {
        let mut hits = hits.lock().unwrap();
        let n = hits.entry(url.clone()).or_default();
        *n += 1;
        *n
    };
    let reply = match routes.lock().unwrap().get(&url).cloned() {
        Some(Reply::Seq(replies)) => replies.get(n - 1).or(replies.last()).cloned(),
        other => other,
    };
    let reply = match reply {
        Some(Reply::Answer(answer)) => Some(answer(&body)),
        other => other,
    };
    bodies
        .lock()
        .unwrap()
        .entry(url.clone())
        .or_default()
        .push(body);
    let head = |status: &str, ctype: &str, extra: &str| {
        format!("HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nConnection: close\r\n{extra}\r\n")
    };
    match reply {
        None => {
            tls.write_all(head("404 Not Found", "text/plain", "Content-Length: 0\r\n").as_bytes())?;
        }
        Some(Reply::Body(ctype, body)) => {
            let len = format!("Content-Length: {}\r\n", body.len());
            tls.write_all(head("200 OK", ctype, &len).as_bytes())?;
            tls.write_all(&body)?;
        }
        Some(Reply::Shared(ctype, body)) => {
            let extra = format!(
                "Content-Length: {}\r\nAccess-Control-Allow-Origin: *\r\n",
                body.len()
            );
            tls.write_all(head("200 OK", ctype, &extra).as_bytes())?;
            tls.write_all(&body)?;
        }
        Some(Reply::StatusBody(code, ctype, body)) => {
            let status = format!("{code} Status");
            let len = format!("Content-Length: {}\r\n", body.len());
            tls.write_all(head(&status, ctype, &len).as_bytes())?;
            tls.write_all(&body)?;
        }
        Some(Reply::Hangup) | Some(Reply::Seq(_)) | Some(Reply::Answer(_)) => return Ok(()),
        Some(Reply::Redirect(to)) => {
            let extra = format!("Location: {to}\r\nContent-Length: 0\r\n");
            tls.write_all(head("302 Found", "text/plain", &extra).as_bytes())?;
        }
        Some(Reply::Status(code)) => {
            let status = format!("{code} Status");
            tls.write_all(head(&status, "text/plain", "Content-Length: 0\r\n").as_bytes())?;
        }
        Some(Reply::Huge(n)) => {
            tls.write_all(head("200 OK", "application/json", "").as_bytes())?;
            let chunk = vec![b' '; 64 * 1024];
            let mut sent = 0;
            while sent < n {
                let k = chunk.len().min(n - sent);
                tls.write_all(&chunk[..k])?;
                sent += k;
            }
        }
        Some(Reply::Slow(every)) => {
            tls.write_all(
                head("200 OK", "application/json", "Content-Length: 100000\r\n").as_bytes(),
            )?;
            tls.flush()?;
            let start = Instant::now();
            while start.elapsed() < Duration::from_secs(30) {
                tls.write_all(b" ")?;
                tls.flush()?;
                std::thread::sleep(every);
            }
        }
    }
    tls.flush()?;
    tls.conn.send_close_notify();
    let _ = tls.flush();
    Ok(())
}

/// A test CA and a leaf certificate it signed for some host names: for
/// servers other than [`TestServer`] (the reference stack's exchanger in Node).
pub struct TestPki {
    /// The CA certificate, PEM (what `SATCHEL_EXTRA_CA_CERTS` names).
    pub ca_pem: String,
    /// The leaf certificate, PEM.
    pub cert_pem: String,
    /// The leaf's private key, PKCS#8 PEM.
    pub key_pem: String,
    /// The leaf certificate, DER.
    pub cert_der: Vec<u8>,
    /// The leaf's private key, PKCS#8 DER.
    pub key_der: Vec<u8>,
}

impl TestPki {
    /// A fresh CA and a leaf for `hosts`.
    pub fn new(hosts: &[&str]) -> TestPki {
        let ca_key = rcgen::KeyPair::generate().unwrap();
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca_params.key_usages = vec![
            rcgen::KeyUsagePurpose::KeyCertSign,
            rcgen::KeyUsagePurpose::CrlSign,
            rcgen::KeyUsagePurpose::DigitalSignature,
        ];
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "Satchel test CA");
        let ca_cert = ca_params.self_signed(&ca_key).unwrap();
        let leaf_key = rcgen::KeyPair::generate().unwrap();
        let leaf_params =
            rcgen::CertificateParams::new(hosts.iter().map(|h| h.to_string()).collect::<Vec<_>>())
                .unwrap();
        let leaf = leaf_params.signed_by(&leaf_key, &ca_cert, &ca_key).unwrap();
        TestPki {
            ca_pem: ca_cert.pem(),
            cert_pem: leaf.pem(),
            key_pem: leaf_key.serialize_pem(),
            cert_der: leaf.der().to_vec(),
            key_der: leaf_key.serialize_der(),
        }
    }
}
