//! The pages Satchel writes for the people a learner shares with: the
//! verifier page and portfolios. Each is one HTML file holding the browser
//! verifier (`crates/satchel-wasm`, built by `build.rs`, gzip then base64),
//! the app's credential view (`ui/credential-view.*`) and the page's script
//! (`ui/verifier/`).
//!
//! Invariants: a page runs only its own scripts (the Content-Security-Policy
//! names each by hash), loads only inline images, and fetches nothing until
//! the person presses "Check online" (then only `https:`). Text Satchel puts
//! in a page from a credential is escaped.

use base64::Engine;
use sha2::{Digest, Sha256};

/// Where the project publishes the verifier page: the default address of
/// verifier links and the independent check portfolios point to (the only
/// place the code names it; `.github/workflows/release.yml` deploys it there).
pub const PUBLISHED_VERIFIER_URL: &str = "https://satchel-wallet.github.io/satchel/verifier.html";

/// The browser verifier: the WebAssembly module, gzip-compressed.
const WASM_GZ: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/satchel_verifier.wasm.gz"));

/// The scripts every page runs, in order.
const SCRIPTS: [&str; 3] = [
    include_str!("../../ui/credential-view.js"),
    include_str!("../../ui/verifier/satchel-wasm.js"),
    include_str!("../../ui/verifier/page.js"),
];

const STYLE: [&str; 2] = [
    include_str!("../../ui/credential-view.css"),
    include_str!("../../ui/verifier/page.css"),
];

/// What one page holds besides the verifier.
pub struct Page<'a> {
    /// The document's title and heading (plain text; escaped here).
    pub title: &'a str,
    /// The sentence under the heading (plain text; escaped here).
    pub lead: &'a str,
    /// Markup shown above the checked credentials (made by Satchel, with
    /// every credential text already escaped).
    pub before: &'a str,
    /// Markup shown after the tools (same rule).
    pub after: &'a str,
    /// A signed bundle the page checks when it opens (JSON text).
    pub bundle: Option<&'a str>,
}

/// The verifier page (`satchel export verifier`).
pub fn verifier_page() -> String {
    page(&Page {
        title: "Satchel verifier",
        lead: "Check a learner's credential, verification bundle or portfolio in this browser. \
               Nothing you give this page leaves your device.",
        before: "",
        after: "",
        bundle: None,
    })
}

/// Escapes text for HTML content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn sha256_source(text: &str) -> String {
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes()))
    )
}

/// One page: the verifier, the view and `p`'s content.
pub fn page(p: &Page<'_>) -> String {
    let style = STYLE.concat();
    let scripts: Vec<String> = SCRIPTS.iter().map(|s| sha256_source(s)).collect();
    // 'wasm-unsafe-eval' lets the page compile its own module, nothing else.
    let csp = format!(
        "default-src 'none'; script-src {} 'wasm-unsafe-eval'; style-src {}; img-src data:; \
         connect-src https:; base-uri 'none'; form-action 'none'",
        scripts.join(" "),
        sha256_source(&style)
    );
    let wasm = base64::engine::general_purpose::STANDARD.encode(WASM_GZ);
    let mut html = String::with_capacity(wasm.len() + 64 * 1024);
    html.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    html.push_str(&format!(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n"
    ));
    html.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    html.push_str("<meta name=\"referrer\" content=\"no-referrer\">\n");
    html.push_str("<meta name=\"color-scheme\" content=\"light dark\">\n");
    html.push_str(&format!(
        "<title>{}</title>\n<style>{style}</style>\n</head>\n<body>\n<main>\n",
        escape_html(p.title)
    ));
    html.push_str(&format!(
        "<header><h1>{}</h1><p class=\"lead\">{}</p></header>\n",
        escape_html(p.title),
        escape_html(p.lead)
    ));
    html.push_str(
        "<noscript><p>This page checks credentials with scripts, which are off in this browser. \
        Turn them on, or check the file with Satchel.</p></noscript>\n",
    );
    html.push_str("<p id=\"summary\" role=\"status\" aria-live=\"polite\"></p>\n");
    html.push_str(p.before);
    html.push_str("<section id=\"results\" aria-label=\"Checked credentials\"></section>\n");
    html.push_str(
        "<section id=\"online\" class=\"online\" hidden aria-labelledby=\"online-title\">\n\
         <h2 id=\"online-title\">Checks that need the web</h2>\n<p id=\"online-text\"></p>\n\
         <p class=\"muted\">Check online fetches exactly those addresses from this browser, and shows beside each check what it got.</p>\n\
         <button type=\"button\" id=\"check-online\">Check online</button>\n</section>\n",
    );
    html.push_str(
        "<section class=\"give\" aria-labelledby=\"give-title\">\n\
         <h2 id=\"give-title\">Check a credential</h2>\n\
         <p class=\"muted\">Credentials (Open Badges 3.0 and 2.0, baked PNG or SVG badges, VC-JWT, learner records), \
         verification bundles and portfolios: choose files, drop them anywhere on this page, or paste text.</p>\n\
         <label class=\"file\">Choose files<input type=\"file\" id=\"files\" multiple></label>\n\
         <p><label for=\"paste\">Or paste a credential, a bundle or a QR code's text</label>\n\
         <textarea id=\"paste\" spellcheck=\"false\" autocomplete=\"off\"></textarea>\n\
         <button type=\"button\" id=\"check-paste\">Check pasted text</button></p>\n</section>\n",
    );
    html.push_str(p.after);
    html.push_str(&format!(
        "<footer><p>Checked by Satchel's verifier {}: the same Rust code as the Satchel app, compiled to \
         WebAssembly and carried inside this file. The JSON-LD contexts are inside too, and did:key keys \
         need no network; nothing is sent anywhere unless you press Check online.</p></footer>\n</main>\n",
        env!("CARGO_PKG_VERSION")
    ));
    html.push_str(&format!(
        "<script type=\"application/octet-stream\" id=\"satchel-wasm\">{wasm}</script>\n"
    ));
    if let Some(bundle) = p.bundle {
        // JSON inside <script>: escape '<' so no text can close the element.
        html.push_str(&format!(
            "<script type=\"application/ld+json\" id=\"satchel-bundle\">\n{}\n</script>\n",
            bundle.replace('<', "\\u003c")
        ));
    }
    for script in SCRIPTS {
        html.push_str(&format!("<script>{script}</script>\n"));
    }
    html.push_str("</body>\n</html>\n");
    html
}
