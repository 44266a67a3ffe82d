//! The JSON-LD context documents Satchel ships, so no context is ever fetched.
//!
//! Invariant: [`lookup`] answers only from this table; a URL not listed here is an
//! unknown context and callers must fail with its name, never go to the network.
//! The files under `contexts/` are the published documents, byte for byte.

/// Every shipped context: (URL, document text).
pub const KNOWN: &[(&str, &str)] = &[
    ("https://imsglobal.github.io/openbadges-specification/ob_v3p0.html", include_str!("../contexts/imsglobal.github.io_openbadges-specification_ob_v3p0.html.jsonld")),
    ("https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json", include_str!("../contexts/purl.imsglobal.org_spec_clr_v2p0_context-2.0.1.json")),
    ("https://purl.imsglobal.org/spec/clr/v2p0/context.json", include_str!("../contexts/purl.imsglobal.org_spec_clr_v2p0_context.json")),
    ("https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json", include_str!("../contexts/purl.imsglobal.org_spec_ob_v3p0_context-3.0.1.json")),
    ("https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json", include_str!("../contexts/purl.imsglobal.org_spec_ob_v3p0_context-3.0.2.json")),
    ("https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json", include_str!("../contexts/purl.imsglobal.org_spec_ob_v3p0_context-3.0.3.json")),
    ("https://purl.imsglobal.org/spec/ob/v3p0/context.json", include_str!("../contexts/purl.imsglobal.org_spec_ob_v3p0_context.json")),
    ("https://purl.imsglobal.org/spec/ob/v3p0/extensions.json", include_str!("../contexts/purl.imsglobal.org_spec_ob_v3p0_extensions.json")),
    ("https://w3c-ccg.github.io/vc-ed/plugfest-1-2022/jff-vc-edu-plugfest-1-context.json", include_str!("../contexts/w3c-ccg.github.io_vc-ed_plugfest-1-2022_jff-vc-edu-plugfest-1-context.json")),
    ("https://w3id.org/security/data-integrity/v1", include_str!("../contexts/w3id.org_security_data-integrity_v1.jsonld")),
    ("https://w3id.org/security/data-integrity/v2", include_str!("../contexts/w3id.org_security_data-integrity_v2.jsonld")),
    ("https://w3id.org/security/multikey/v1", include_str!("../contexts/w3id.org_security_multikey_v1.jsonld")),
    ("https://w3id.org/security/suites/ed25519-2020/v1", include_str!("../contexts/w3id.org_security_suites_ed25519-2020_v1.jsonld")),
    ("https://w3id.org/vc/status-list/2021/v1", include_str!("../contexts/w3id.org_vc_status-list_2021_v1.jsonld")),
    ("https://www.w3.org/2018/credentials/v1", include_str!("../contexts/www.w3.org_2018_credentials_v1.jsonld")),
    ("https://www.w3.org/ns/credentials/examples/v2", include_str!("../contexts/www.w3.org_ns_credentials_examples_v2.jsonld")),
    ("https://www.w3.org/ns/credentials/status/v1", include_str!("../contexts/www.w3.org_ns_credentials_status_v1.jsonld")),
    ("https://www.w3.org/ns/credentials/undefined-terms/v2", include_str!("../contexts/www.w3.org_ns_credentials_undefined-terms_v2.jsonld")),
    ("https://www.w3.org/ns/credentials/v2", include_str!("../contexts/www.w3.org_ns_credentials_v2.jsonld")),
    ("https://www.w3.org/ns/did/v1", include_str!("../contexts/www.w3.org_ns_did_v1.jsonld")),
];

/// The shipped document for a context URL, if Satchel knows it.
pub fn lookup(url: &str) -> Option<&'static str> {
    KNOWN.iter().find(|(u, _)| *u == url).map(|(_, doc)| *doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_context_is_json_with_a_context_key() {
        for (url, doc) in KNOWN {
            let v: serde_json::Value =
                serde_json::from_str(doc).unwrap_or_else(|e| panic!("{url}: {e}"));
            assert!(v.get("@context").is_some(), "{url} has no @context");
        }
    }

    #[test]
    fn unknown_urls_are_not_found() {
        assert!(lookup("https://www.w3.org/ns/credentials/v2").is_some());
        assert!(lookup("https://example.com/evil-context.json").is_none());
    }
}
