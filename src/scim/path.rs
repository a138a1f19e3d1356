//! PATCH paths (RFC 7644 §3.5.2): `attr`, `attr.sub`, `attr[filter]`, `attr[filter].sub`, each
//! optionally prefixed by a schema URN (`urn:…:enterprise:2.0:User:manager`), or a bare
//! extension URN addressing the whole extension object.

use super::filter::{parse_filter, Filter};
use super::schema::{is_enterprise_urn, CORE_URNS};
use crate::json::limits::MAX_PATH_LEN;
use crate::json::{NormalizationError, NormalizationErrorKind};

/// Where a path points.
#[derive(Debug, Clone, PartialEq)]
pub struct PatchPath {
    /// The extension schema URN holding the attribute, as written; `None` for core attributes.
    pub schema: Option<String>,
    /// The attribute; `None` when the path is a bare extension URN (the whole extension object).
    pub attr: Option<String>,
    /// The value filter of `attr[filter]`.
    pub filter: Option<Filter>,
    /// The sub-attribute of `attr.sub` or `attr[filter].sub`.
    pub sub: Option<String>,
}

impl PatchPath {
    /// Whether an operation on this path may read or write the resource's top-level member
    /// `key`: the member named like its attribute (any ASCII case), or for an extension path the
    /// extension object under any spelling of its URN (and the enterprise URN's aliases).
    pub(crate) fn reaches(&self, key: &str) -> bool {
        match (&self.schema, &self.attr) {
            (None, Some(attr)) => key.eq_ignore_ascii_case(attr),
            (Some(urn), _) => {
                key.eq_ignore_ascii_case(urn) || (is_enterprise_urn(urn) && is_enterprise_urn(key))
            }
            (None, None) => false,
        }
    }
}

fn invalid(message: impl Into<String>) -> NormalizationError {
    NormalizationError::new(NormalizationErrorKind::InvalidPath, "", message)
}

fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '$'))
}

/// Whether a lower-case URN names a whole schema rather than `schema:attribute`: a known URN, or
/// one whose last-but-one segment is a version (`…:2.0:User`), as every published schema URN is.
fn is_schema_urn(lower: &str) -> bool {
    if CORE_URNS.contains(&lower) || is_enterprise_urn(lower) {
        return true;
    }
    let mut segments = lower.rsplit(':');
    let _type_name = segments.next();
    segments.next().is_some_and(|v| {
        !v.is_empty() && v.chars().all(|c| c.is_ascii_digit() || c == '.') && v.contains('.')
    })
}

fn is_urn(text: &str) -> bool {
    text.get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case("urn:"))
}

/// `(schema URN, attribute path)` when `head` is a schema URN joined to its attribute by a dot
/// rather than a colon (`urn:…:enterprise:2.0:User.manager`, `…:User.name.givenName`): the part
/// of the last `:`-segment before its first dot must complete a schema URN, which
/// `urn:…:User:name.givenName` (a colon, then `attr.sub`) does not.
fn dotted_urn(head: &str) -> Option<(&str, &str)> {
    if !is_urn(head) {
        return None;
    }
    let last = head.rfind(':')?;
    let dot = last + 1 + head.get(last + 1..)?.find('.')?;
    let urn = head.get(..dot)?;
    is_schema_urn(&urn.to_ascii_lowercase()).then(|| (urn, head.get(dot + 1..).unwrap_or("")))
}

/// Splits `attr` or `attr.sub` (no filter) into names.
fn attr_and_sub(text: &str) -> Result<(String, Option<String>), NormalizationError> {
    let (attr, sub) = match text.split_once('.') {
        Some((a, s)) => (a, Some(s)),
        None => (text, None),
    };
    if !is_name(attr) || sub.is_some_and(|s| !is_name(s)) {
        return Err(invalid(format!("`{text}` is not an attribute path")));
    }
    Ok((attr.to_owned(), sub.map(str::to_owned)))
}

/// Finds the `]` closing the filter that starts after `[`, skipping quoted strings.
fn closing_bracket(text: &str) -> Option<usize> {
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
        } else if c == ']' {
            return Some(i);
        }
    }
    None
}

/// Parses a PATCH path. Errors carry an empty pointer (the caller places them): `invalid_path`,
/// `invalid_filter` for the filter part, `too_complex` beyond [`MAX_PATH_LEN`].
pub fn parse_path(path: &str) -> Result<PatchPath, NormalizationError> {
    if path.len() > MAX_PATH_LEN {
        return Err(NormalizationError::new(
            NormalizationErrorKind::TooComplex,
            "",
            format!("path longer than {MAX_PATH_LEN} bytes"),
        ));
    }
    let path = path.trim();
    let (head, bracket) = match path.find('[') {
        Some(i) => (path.get(..i).unwrap_or_default(), path.get(i + 1..)),
        None => (path, None),
    };
    let mut schema = None;
    let mut attr_text = head;
    if let Some((urn, rest)) = dotted_urn(head) {
        // `urn:…:enterprise:2.0:User.manager` (Microsoft's examples): the schema, a dot, the
        // attribute; read as `urn:…:User:manager`.
        if !CORE_URNS.contains(&urn.to_ascii_lowercase().as_str()) {
            schema = Some(urn.to_owned());
        }
        attr_text = rest;
    } else if is_urn(head) {
        let lower = head.to_ascii_lowercase();
        if bracket.is_none() && is_schema_urn(&lower) {
            if CORE_URNS.contains(&lower.as_str()) {
                return Err(invalid("a core schema URN alone is not an attribute path"));
            }
            return Ok(PatchPath {
                schema: Some(head.to_owned()),
                attr: None,
                filter: None,
                sub: None,
            });
        }
        let (urn, rest) = head
            .rsplit_once(':')
            .ok_or_else(|| invalid("a URN path needs `:attribute`"))?;
        if !CORE_URNS.contains(&urn.to_ascii_lowercase().as_str()) {
            schema = Some(urn.to_owned());
        }
        attr_text = rest;
    }
    let Some(after) = bracket else {
        let (attr, sub) = attr_and_sub(attr_text)?;
        return Ok(PatchPath {
            schema,
            attr: Some(attr),
            filter: None,
            sub,
        });
    };
    if !is_name(attr_text) {
        return Err(invalid(format!("`{attr_text}` is not an attribute name")));
    }
    let close = closing_bracket(after).ok_or_else(|| invalid("missing `]` after the filter"))?;
    let filter_text = after.get(..close).unwrap_or_default();
    let tail = after.get(close + 1..).unwrap_or_default();
    let filter = parse_filter(filter_text)?;
    let sub = if tail.is_empty() {
        None
    } else {
        match tail.strip_prefix('.') {
            Some(s) if is_name(s) => Some(s.to_owned()),
            _ => return Err(invalid(format!("unexpected `{tail}` after the filter"))),
        }
    };
    Ok(PatchPath {
        schema,
        attr: Some(attr_text.to_owned()),
        filter: Some(filter),
        sub,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let p = parse_path("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager")
            .unwrap();
        assert_eq!(
            p.schema.as_deref(),
            Some("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")
        );
        assert_eq!(p.attr.as_deref(), Some("manager"));
        let p = parse_path("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User").unwrap();
        assert_eq!(p.attr, None);
        let p = parse_path("urn:ietf:params:scim:schemas:core:2.0:User:name.givenName").unwrap();
        assert_eq!(
            (p.schema, p.attr.as_deref(), p.sub.as_deref()),
            (None, Some("name"), Some("givenName"))
        );
        let p = parse_path(r#"emails[type eq "work" and value ew "]"].value"#).unwrap();
        assert_eq!(p.sub.as_deref(), Some("value"));
        // Schema and attribute joined by a dot (Microsoft's examples).
        let p = parse_path("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User.manager")
            .unwrap();
        assert_eq!(
            (p.schema.as_deref(), p.attr.as_deref(), p.sub.as_deref()),
            (
                Some("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"),
                Some("manager"),
                None
            )
        );
        let p =
            parse_path("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User.manager.value")
                .unwrap();
        assert_eq!(
            (p.attr.as_deref(), p.sub.as_deref()),
            (Some("manager"), Some("value"))
        );
        let p = parse_path("urn:ietf:params:scim:schemas:core:2.0:User.name.givenName").unwrap();
        assert_eq!(
            (p.schema, p.attr.as_deref(), p.sub.as_deref()),
            (None, Some("name"), Some("givenName"))
        );
        assert!(parse_path("emails[type eq \"work\"]x").is_err());
        assert!(parse_path("a b").is_err());
        assert!(parse_path("").is_err());
    }
}
