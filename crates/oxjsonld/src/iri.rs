//! Satchel patch: reference resolution exactly as RFC 3986 section 5.2 says.
//!
//! `oxiri`'s `resolve` removes dot segments only from the reference's own
//! segments: a base whose path holds `.` or `..` (`http://a/bb/ccc/./d;p?q`)
//! kept them in the merged result, where RFC 3986 and jsonld.js remove them
//! (W3C JSON-LD toRdf tests t0122-t0125, te062, te091). This module merges the
//! components itself and only uses `oxiri` to split and to validate. An
//! absolute reference is kept as written, as JSON-LD's IRI expansion does.

use oxiri::{Iri, IriParseError, IriRef};

/// Whether `s` is a valid IRI (what `Iri::parse` and `NamedNode::new`
/// accept), remembered per thread: a credential names the same predicates,
/// types and issuer IRIs again and again, and parsing them was a fifteenth
/// of verifying one. Validity is a property of the text alone, so what one
/// document taught holds for the next; the memory is emptied past
/// [`VALID_IRIS_BYTES`] so hostile input cannot grow it without bound.
pub fn is_valid(s: &str) -> bool {
    thread_local! {
        // foldhash, as the term maps (see `context::FastHashMap`).
        static VALID: std::cell::RefCell<(
            std::collections::HashSet<Box<str>, foldhash::fast::RandomState>,
            usize,
        )> = std::cell::RefCell::default();
    }
    if VALID.with_borrow(|(known, _)| known.contains(s)) {
        return true;
    }
    if Iri::parse(s).is_err() {
        return false;
    }
    VALID.with_borrow_mut(|(known, bytes)| {
        if *bytes + s.len() > VALID_IRIS_BYTES {
            known.clear();
            *bytes = 0;
        }
        *bytes += s.len();
        known.insert(s.into());
    });
    true
}

/// Most text [`is_valid`] keeps per thread.
const VALID_IRIS_BYTES: usize = 1 << 20;

/// Resolves `reference` against `base` (RFC 3986 5.2.2) and validates the result.
pub fn resolve(base: &Iri<String>, reference: &str) -> Result<Iri<String>, IriParseError> {
    let reference = IriRef::parse(reference)?;
    Iri::parse(target(base, &reference))
}

/// [`resolve`] without validation, for the lenient mode.
pub fn resolve_unchecked(base: &Iri<String>, reference: &str) -> Iri<String> {
    Iri::parse_unchecked(target(base, &IriRef::parse_unchecked(reference)))
}

/// The target URI of RFC 3986 5.2.2, recomposed as in 5.3.
fn target(base: &Iri<String>, r: &IriRef<&str>) -> String {
    if r.scheme().is_some() {
        return r.as_str().to_owned();
    }
    let (scheme, authority, path, query) = if r.authority().is_some() {
        (
            base.scheme(),
            r.authority(),
            remove_dot_segments(r.path()),
            r.query(),
        )
    } else if r.path().is_empty() {
        (
            base.scheme(),
            base.authority(),
            base.path().to_owned(),
            r.query().or(base.query()),
        )
    } else if r.path().starts_with('/') {
        (
            base.scheme(),
            base.authority(),
            remove_dot_segments(r.path()),
            r.query(),
        )
    } else {
        let merged = if base.authority().is_some() && base.path().is_empty() {
            format!("/{}", r.path())
        } else {
            let dir = base.path().rfind('/').map_or("", |i| &base.path()[..=i]);
            format!("{dir}{}", r.path())
        };
        (
            base.scheme(),
            base.authority(),
            remove_dot_segments(&merged),
            r.query(),
        )
    };
    let mut out = String::with_capacity(scheme.len() + path.len() + 16);
    out.push_str(scheme);
    out.push(':');
    if let Some(authority) = authority {
        out.push_str("//");
        out.push_str(authority);
    }
    out.push_str(&path);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    if let Some(fragment) = r.fragment() {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

/// RFC 3986 5.2.4.
fn remove_dot_segments(path: &str) -> String {
    if !path.contains('.') {
        return path.to_owned();
    }
    let mut input = path;
    let mut out = String::with_capacity(path.len());
    let pop = |out: &mut String| out.truncate(out.rfind('/').unwrap_or(0));
    while !input.is_empty() {
        if let Some(rest) = input.strip_prefix("../") {
            input = rest;
        } else if let Some(rest) = input.strip_prefix("./") {
            input = rest;
        } else if input.starts_with("/./") {
            input = &input[2..];
        } else if input == "/." {
            input = "/";
        } else if input.starts_with("/../") {
            input = &input[3..];
            pop(&mut out);
        } else if input == "/.." {
            input = "/";
            pop(&mut out);
        } else if input == "." || input == ".." {
            input = "";
        } else {
            let start = usize::from(input.starts_with('/'));
            let end = input[start..].find('/').map_or(input.len(), |i| i + start);
            out.push_str(&input[..end]);
            input = &input[end..];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validity_is_remembered_without_changing_answers_or_growing_unbounded() {
        for _ in 0..2 {
            assert!(is_valid("https://example.org/a"));
            assert!(!is_valid("https://example.org/a b"));
            assert!(!is_valid("not an iri"));
        }
        // Past the byte budget the memory starts over; answers stay the same.
        let long = format!("https://example.org/{}", "x".repeat(4096));
        for i in 0..(VALID_IRIS_BYTES / 4096 + 10) {
            assert!(is_valid(&format!("{long}{i}")));
        }
        assert!(is_valid("https://example.org/a"));
        assert!(!is_valid("https://example.org/a b"));
    }

    fn r(base: &str, reference: &str) -> String {
        resolve(&Iri::parse(base.to_owned()).unwrap(), reference)
            .unwrap()
            .into_inner()
    }

    #[test]
    fn rfc3986_examples() {
        let base = "http://a/b/c/d;p?q";
        for (reference, expected) in [
            ("g:h", "g:h"),
            ("g", "http://a/b/c/g"),
            ("./g", "http://a/b/c/g"),
            ("/g", "http://a/g"),
            ("//g", "http://g"),
            ("?y", "http://a/b/c/d;p?y"),
            ("#s", "http://a/b/c/d;p?q#s"),
            ("", "http://a/b/c/d;p?q"),
            ("..", "http://a/b/"),
            ("../../../g", "http://a/g"),
            ("/./g", "http://a/g"),
            ("g/../h", "http://a/b/c/h"),
            ("g?y/../x", "http://a/b/c/g?y/../x"),
            ("http:g", "http:g"),
        ] {
            assert_eq!(r(base, reference), expected, "{reference}");
        }
    }

    #[test]
    fn dot_segments_in_the_base_and_in_absolute_references() {
        for (base, reference, expected) in [
            ("http://a/bb/ccc/./d;p?q", "g", "http://a/bb/ccc/g"),
            ("http://a/bb/ccc/./d;p?q", "?y", "http://a/bb/ccc/./d;p?y"),
            ("http://a/bb/ccc/./d;p?q", "", "http://a/bb/ccc/./d;p?q"),
            ("http://a/bb/ccc/../d;p?q", "../g", "http://a/g"),
            // Absolute references stay as written (JSON-LD IRI expansion).
            (
                "http://x/",
                "http://a/bb/ccc/./d;p?q",
                "http://a/bb/ccc/./d;p?q",
            ),
            (
                "http://foo.bar/./baz/",
                "example/",
                "http://foo.bar/baz/example/",
            ),
            (
                "http://a/b",
                "//example.org/.././useless/../../x",
                "http://example.org/x",
            ),
        ] {
            assert_eq!(r(base, reference), expected, "{base} + {reference}");
        }
    }
}
