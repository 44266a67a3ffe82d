//! Percent-encoding (RFC 3986), the one copy: links read from QR codes and
//! issuers' links, `file://` URIs, query values Satchel writes (LinkedIn's
//! form, OAuth form bodies).

/// Percent-encodes UTF-8 text: every byte outside `A–Z a–z 0–9 - . _ ~`
/// becomes `%XX` (upper-case hex), as RFC 3986 requires of a query value.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `%XX` escapes (two hex digits) to bytes; anything else, a `%`
/// without two hex digits included, passes unchanged.
pub fn decode_bytes(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let hex = |i: usize| {
        bytes
            .get(i)
            .and_then(|&c| char::from(c).to_digit(16))
            .and_then(|d| u8::try_from(d).ok())
    };
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match (b, hex(i + 1), hex(i + 2)) {
            (b'%', Some(h), Some(l)) => {
                out.push(h << 4 | l);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

/// Decodes an `application/x-www-form-urlencoded` value: `+` is a space,
/// then `%XX` escapes; bytes that are not UTF-8 become U+FFFD.
pub fn decode_form(text: &str) -> String {
    String::from_utf8_lossy(&decode_bytes(&text.replace('+', " "))).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_edge_cases() {
        for text in ["A&B #1", "é🦀", "a-b.c_d~e", "+=/?%", ""] {
            assert_eq!(decode_bytes(&encode(text)), text.as_bytes());
        }
        assert_eq!(decode_bytes("%3a%3A"), b"::");
        // A '%' without two hex digits stays as written.
        assert_eq!(decode_bytes("100%"), b"100%");
        assert_eq!(decode_bytes("%+1%zz%4"), b"%+1%zz%4");
        assert_eq!(decode_form("a+b%2Bc"), "a b+c");
    }
}
