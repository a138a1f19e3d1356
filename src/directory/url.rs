//! Percent-encoding, query building and argument validation (all before any request is made).

use super::error::DirectoryError;

/// Longest id accepted (the server's own ids are at most 37 characters).
const MAX_ID_LEN: usize = 256;

/// Percent-encodes everything except RFC 3986 unreserved characters, so the result is safe as a
/// path segment, a query value and a form-urlencoded value alike.
// `HEX` has 16 entries, indexed by a nibble.
#[allow(clippy::indexing_slicing)]
pub(crate) fn encode(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
    }
    out
}

/// Builds `k=v&k=v` with every key and value percent-encoded.
#[derive(Debug, Default)]
pub(crate) struct Query {
    parts: Vec<String>,
}

impl Query {
    pub(crate) fn push(&mut self, key: &str, value: &str) {
        self.parts
            .push(format!("{}={}", encode(key), encode(value)));
    }

    pub(crate) fn push_opt(&mut self, key: &str, value: Option<&str>) {
        if let Some(v) = value {
            self.push(key, v);
        }
    }

    pub(crate) fn push_display<T: std::fmt::Display>(&mut self, key: &str, value: Option<T>) {
        if let Some(v) = value {
            self.push(key, &v.to_string());
        }
    }

    /// `""` or `"?k=v&…"`.
    pub(crate) fn finish(&self) -> String {
        if self.parts.is_empty() {
            String::new()
        } else {
            format!("?{}", self.parts.join("&"))
        }
    }
}

/// Checks an id used as a path segment or a filter: non-empty, at most 256 bytes, no control
/// characters or whitespace, and not `.`/`..` (which a URL parser would resolve away).
pub(crate) fn validate_id(what: &str, id: &str) -> Result<(), DirectoryError> {
    let problem = if id.is_empty() {
        Some("must not be empty")
    } else if id.len() > MAX_ID_LEN {
        Some("is too long (more than 256 bytes)")
    } else if id == "." || id == ".." {
        Some("must not be `.` or `..`")
    } else if id.chars().any(|c| c.is_control() || c.is_whitespace()) {
        Some("must not contain whitespace or control characters")
    } else {
        None
    };
    match problem {
        Some(p) => Err(DirectoryError::invalid_argument(format!("{what} {p}"))),
        None => Ok(()),
    }
}

/// Checks `page_size` is within `1..=max`.
pub(crate) fn validate_page_size(size: Option<u32>, max: u32) -> Result<(), DirectoryError> {
    match size {
        Some(n) if n == 0 || n > max => Err(DirectoryError::invalid_argument(format!(
            "page_size must be between 1 and {max}, got {n}"
        ))),
        _ => Ok(()),
    }
}

/// Checks a page token is not absurdly long or made of control characters. Empty tokens are
/// allowed (they mean "first page") and are not sent.
pub(crate) fn validate_page_token(token: Option<&str>) -> Result<(), DirectoryError> {
    match token {
        Some(t) if t.len() > 4096 || t.chars().any(char::is_control) => {
            Err(DirectoryError::invalid_argument(
                "page_token is malformed (control characters or longer than 4096 bytes)",
            ))
        }
        _ => Ok(()),
    }
}

/// Checks a timestamp has the RFC 3339 `date-time` shape:
/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` (`t`, `z` and a space separator accepted).
pub(crate) fn validate_rfc3339(what: &str, s: &str) -> Result<(), DirectoryError> {
    if is_rfc3339(s) {
        Ok(())
    } else {
        Err(DirectoryError::invalid_argument(format!(
            "{what} must be an RFC 3339 date-time such as 2024-01-31T12:00:00Z"
        )))
    }
}

fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<u32> {
        let part = b.get(from..from + len)?;
        part.iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let at = |i: usize, c: u8| b.get(i) == Some(&c);
    let (Some(_year), Some(month), Some(day)) = (num(0, 4), num(5, 2), num(8, 2)) else {
        return false;
    };
    let (Some(hour), Some(min), Some(sec)) = (num(11, 2), num(14, 2), num(17, 2)) else {
        return false;
    };
    let sep_ok = matches!(b.get(10), Some(b'T' | b't' | b' '));
    if !(at(4, b'-') && at(7, b'-') && sep_ok && at(13, b':') && at(16, b':')) {
        return false;
    }
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || min > 59 || sec > 60 {
        return false;
    }
    let mut i = 19;
    if at(i, b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    match b.get(i) {
        Some(b'Z' | b'z') => i + 1 == b.len(),
        Some(b'+' | b'-') => {
            matches!((num(i + 1, 2), num(i + 4, 2)), (Some(h), Some(m)) if h <= 23 && m <= 59)
                && at(i + 3, b':')
                && i + 6 == b.len()
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_reserved_characters() {
        assert_eq!(encode("a b/c?d&e=f%"), "a%20b%2Fc%3Fd%26e%3Df%25");
        assert_eq!(encode("org_1-a.b~"), "org_1-a.b~");
        assert_eq!(encode("é"), "%C3%A9");
    }

    #[test]
    fn query_building() {
        let mut q = Query::default();
        assert_eq!(q.finish(), "");
        q.push("page_size", "10");
        q.push_opt("page_token", Some("a+b"));
        q.push_opt("x", None);
        assert_eq!(q.finish(), "?page_size=10&page_token=a%2Bb");
    }

    #[test]
    fn rfc3339_shapes() {
        for ok in [
            "2024-01-31T12:00:00Z",
            "2024-01-31t12:00:00.123456789z",
            "2024-01-31 12:00:00+05:30",
            "2024-12-31T23:59:60-00:00",
        ] {
            assert!(is_rfc3339(ok), "{ok}");
        }
        for bad in [
            "",
            "2024-01-31",
            "2024-13-01T00:00:00Z",
            "2024-01-31T24:00:00Z",
            "2024-01-31T12:00:00",
            "2024-01-31T12:00:00.Z",
            "2024-01-31T12:00:00+0530",
            "2024-01-31T12:00:00Zjunk",
            "yesterday",
        ] {
            assert!(!is_rfc3339(bad), "{bad}");
        }
    }

    #[test]
    fn ids() {
        assert!(validate_id("organization_id", "org_123").is_ok());
        assert!(validate_id("organization_id", "a/b").is_ok()); // encoded, not rejected
        assert!(validate_id("organization_id", "").is_err());
        assert!(validate_id("organization_id", "..").is_err());
        assert!(validate_id("organization_id", "a b").is_err());
        assert!(validate_id("organization_id", "a\nb").is_err());
    }
}
