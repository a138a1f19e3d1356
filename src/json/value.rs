//! Small helpers over `serde_json::Value` shared by the normalizers and the PATCH engine:
//! case-insensitive attribute lookup (RFC 7643 §2.1), depth checks, password stripping and
//! lenient scalar reading.

use std::fmt::Write as _;

use serde_json::{Map, Value};

use super::error::NormalizationError;
use super::limits::MAX_DEPTH;

/// A JSON pointer that is only rendered when an error needs it. Normalizers read every field
/// with a pointer to it, but almost every read succeeds: building the string eagerly was a
/// `format!` (and an escape) per field on the success path.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Ptr<'a> {
    /// An already-rendered pointer (`""` for the whole document).
    Text(&'a str),
    /// `parent` plus one member name (escaped when rendered).
    Key(&'a Ptr<'a>, &'a str),
    /// `parent` plus one array index.
    Index(&'a Ptr<'a>, usize),
}

/// The whole document.
pub(crate) const ROOT: Ptr<'static> = Ptr::Text("");

impl<'a> Ptr<'a> {
    /// The pointer to member `key` of the value this points to.
    pub(crate) fn key(&'a self, key: &'a str) -> Ptr<'a> {
        Ptr::Key(self, key)
    }

    /// The pointer to item `index` of the array this points to.
    pub(crate) fn index(&'a self, index: usize) -> Ptr<'a> {
        Ptr::Index(self, index)
    }

    fn write_to(&self, out: &mut String) {
        match *self {
            Ptr::Text(s) => out.push_str(s),
            Ptr::Key(parent, key) => {
                parent.write_to(out);
                out.push('/');
                escape_into(key, out);
            }
            Ptr::Index(parent, i) => {
                parent.write_to(out);
                let _ = write!(out, "/{i}");
            }
        }
    }

    /// The pointer as RFC 6901 text.
    pub(crate) fn render(&self) -> String {
        let mut out = String::new();
        self.write_to(&mut out);
        out
    }
}

impl From<Ptr<'_>> for String {
    fn from(p: Ptr<'_>) -> String {
        p.render()
    }
}

impl<'a> From<&'a str> for Ptr<'a> {
    fn from(s: &'a str) -> Self {
        Ptr::Text(s)
    }
}

impl<'a> From<&'a String> for Ptr<'a> {
    fn from(s: &'a String) -> Self {
        Ptr::Text(s)
    }
}

const PASSWORD: &str = "password";
const PATH: &str = "path";

/// The member names password stripping reads (any ASCII case), at any depth: `password`, and a
/// PATCH operation's `path`, which may name a password and so make its sibling `value` one.
pub(crate) const PASSWORD_KEYS: [&str; 2] = [PASSWORD, PATH];

fn is_password(key: &str) -> bool {
    key.eq_ignore_ascii_case(PASSWORD)
}

/// Whether `map` is a PATCH operation whose `path`'s last attribute is `password` (after any URN
/// prefix or parent attribute), so its `value` is a password.
fn sets_password(map: &Map<String, Value>) -> bool {
    map.iter().any(|(k, v)| {
        k.eq_ignore_ascii_case(PATH)
            && v.as_str()
                .and_then(|p| p.rsplit([':', '.']).next())
                .is_some_and(|last| is_password(last.trim()))
    })
}

/// The first entry whose key equals `name` ignoring ASCII case, with the key as it was sent.
pub(crate) fn get_ci<'a>(map: &'a Map<String, Value>, name: &str) -> Option<(&'a str, &'a Value)> {
    map.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(k, v)| (k.as_str(), v))
}

/// Longest attribute name a reader classifies keys by (`preferred_username`,
/// `thumbnailphotoetag` are 18 bytes): a longer key cannot equal one, so it is never folded.
pub(crate) const MAX_NAME: usize = 32;

/// `key` with ASCII upper case folded to lower case, in `buf`; `None` when it is longer than
/// [`MAX_NAME`]. Matched against lower-case names (a `match` over dozens of them), this is
/// `eq_ignore_ascii_case` with the fold done once per key, and no allocation.
pub(crate) fn fold<'b>(key: &str, buf: &'b mut [u8; MAX_NAME]) -> Option<&'b [u8]> {
    let out = buf.get_mut(..key.len())?;
    for (o, b) in out.iter_mut().zip(key.bytes()) {
        *o = b.to_ascii_lowercase();
    }
    Some(out)
}

/// One member found by name: the key as sent, and its value.
pub(crate) type Found<'a> = Option<(&'a str, &'a Value)>;

/// One pass over an object's members: for each of `names` (lower-case ASCII), the first member
/// whose key equals it ignoring ASCII case, as [`get_ci`] finds it — but each key is looked at
/// once, not once per name: a key whose length no name has is passed over, and the rest are
/// compared with the names of their own length only (measured against folding each key into a
/// buffer first: fewer instructions, and 1–5 % less time on the reference readers).
pub(crate) fn pick<'a, const N: usize>(
    map: &'a Map<String, Value>,
    names: &[&str; N],
) -> [Found<'a>; N] {
    pick_in(map.iter().map(|(k, v)| (k.as_str(), v)), names)
}

/// [`pick`] over members given one by one (a map's, or members read straight from the text).
pub(crate) fn pick_in<'a, const N: usize>(
    members: impl Iterator<Item = (&'a str, &'a Value)>,
    names: &[&str; N],
) -> [Found<'a>; N] {
    let mut found = [None; N];
    pick_into(members, names, &mut found);
    found
}

/// [`pick_in`] into `found` (one slot per name): the loop is compiled once per kind of member
/// source, not once per number of names.
fn pick_into<'a>(
    members: impl Iterator<Item = (&'a str, &'a Value)>,
    names: &[&str],
    found: &mut [Found<'a>],
) {
    debug_assert!(
        names
            .iter()
            .all(|n| !n.bytes().any(|b| b.is_ascii_uppercase())),
        "names are lower-case"
    );
    let lengths = name_lengths(names);
    for (key, value) in members {
        if let Some(i) = position(key, names, lengths) {
            if let Some(slot @ None) = found.get_mut(i) {
                *slot = Some((key, value));
            }
        }
    }
}

/// The lengths of `names`, as a bit set.
fn name_lengths(names: &[&str]) -> u64 {
    names.iter().fold(0, |set, n| {
        set | 1u64.checked_shl(n.len() as u32).unwrap_or(0)
    })
}

/// Which of `names` (lower-case, their lengths in `lengths`) `key` is, ignoring ASCII case.
fn position(key: &str, names: &[&str], lengths: u64) -> Option<usize> {
    let len_bit = 1u64.checked_shl(key.len() as u32).unwrap_or(0);
    if lengths & len_bit == 0 {
        return None;
    }
    // Names are distinct, so at most one is this key.
    names
        .iter()
        .position(|n| n.len() == key.len() && same_ignoring_case(key, n))
}

/// Whether `key` is `name` (lower-case ASCII, of the same length) ignoring ASCII case (only the
/// key's bytes need folding).
// In wasm, one copy rather than one inlined into every reader: that grew the module by ~20 KB
// (the length tests before the call stay inlined). Natively it is inlined: fewer instructions.
#[cfg_attr(target_arch = "wasm32", inline(never))]
fn same_ignoring_case(key: &str, name: &str) -> bool {
    key.bytes()
        .zip(name.bytes())
        .all(|(k, n)| k.to_ascii_lowercase() == n)
}

/// [`pick`] with the values mutable (to move them out of a map the caller owns).
pub(crate) fn pick_mut<'a, const N: usize>(
    map: &'a mut Map<String, Value>,
    names: &[&str; N],
) -> [Option<(&'a str, &'a mut Value)>; N] {
    let lengths = name_lengths(names);
    let mut found: [Option<(&'a str, &'a mut Value)>; N] = std::array::from_fn(|_| None);
    for (key, value) in map.iter_mut() {
        if let Some(i) = position(key, names, lengths) {
            if let Some(slot @ None) = found.get_mut(i) {
                *slot = Some((key.as_str(), value));
            }
        }
    }
    found
}

/// Whether `hay` contains `needle` ignoring ASCII case (no lower-cased copy of `hay`).
pub(crate) fn contains_ci(hay: &str, needle: &str) -> bool {
    needle.is_empty()
        || hay
            .as_bytes()
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Whether `hay` ends with `suffix` ignoring ASCII case.
pub(crate) fn ends_with_ci(hay: &str, suffix: &str) -> bool {
    hay.len()
        .checked_sub(suffix.len())
        .and_then(|at| hay.as_bytes().get(at..))
        .is_some_and(|tail| tail.eq_ignore_ascii_case(suffix.as_bytes()))
}

/// The key as it is spelled in `map`, if some key equals `name` ignoring ASCII case.
pub(crate) fn key_ci(map: &Map<String, Value>, name: &str) -> Option<String> {
    map.keys().find(|k| k.eq_ignore_ascii_case(name)).cloned()
}

/// Appends one reference token of a JSON pointer, escaped (RFC 6901).
fn escape_into(token: &str, out: &mut String) {
    if !token.contains(['~', '/']) {
        out.push_str(token);
        return;
    }
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
}

/// Fails with `too_complex` when `value` nests deeper than [`MAX_DEPTH`]. The walk stops at the
/// limit, so it is bounded however deep the value is.
pub(crate) fn check_depth(value: &Value, pointer: Ptr<'_>) -> Result<(), NormalizationError> {
    if within_depth(value, MAX_DEPTH) {
        Ok(())
    } else {
        Err(NormalizationError::too_complex(
            pointer,
            format!("JSON nested deeper than {MAX_DEPTH} levels"),
        ))
    }
}

/// Whether `value` nests at most `levels` deep (the walk stops at the limit).
pub(crate) fn within_depth(value: &Value, levels: usize) -> bool {
    match value {
        Value::Array(a) => levels > 0 && a.iter().all(|x| within_depth(x, levels - 1)),
        Value::Object(o) => levels > 0 && o.values().all(|x| within_depth(x, levels - 1)),
        _ => true,
    }
}

/// Removes every `password` member (any case, at any depth), and the `value` of any PATCH
/// operation whose `path` targets a password (`password`, `…:User:password`): a password is
/// never kept, not even inside a raw request kept for reference.
pub(crate) fn strip_passwords(value: &mut Value) {
    match value {
        Value::Object(map) => strip_passwords_map(map),
        Value::Array(items) => items.iter_mut().for_each(strip_passwords),
        _ => {}
    }
}

/// [`strip_passwords`] on an object's members.
pub(crate) fn strip_passwords_map(map: &mut Map<String, Value>) {
    // `retain` rebuilds nothing when nothing goes, but it still walks the tree mutably; almost no
    // object has a password, so look first.
    if map.keys().any(|k| is_password(k)) {
        map.retain(|k, _| !is_password(k));
    }
    if sets_password(map) {
        map.retain(|k, _| !k.eq_ignore_ascii_case("value"));
    }
    for v in map.values_mut() {
        if matches!(v, Value::Object(_) | Value::Array(_)) {
            strip_passwords(v);
        }
    }
}

/// Whether `value` has a `password` member anywhere.
pub(crate) fn has_password(value: &Value) -> bool {
    match value {
        Value::Object(map) => {
            sets_password(map) || map.iter().any(|(k, v)| is_password(k) || has_password(v))
        }
        Value::Array(items) => items.iter().any(has_password),
        _ => false,
    }
}

/// A copy of `value` without passwords.
pub(crate) fn cloned_without_passwords(value: &Value) -> Value {
    let mut copy = value.clone();
    if has_password(&copy) {
        strip_passwords(&mut copy);
    }
    copy
}

/// A copy of `map` without passwords, for `raw_attributes`.
pub(crate) fn raw_without_passwords(map: &Map<String, Value>) -> Map<String, Value> {
    let mut copy = map.clone();
    if map.iter().any(|(k, v)| is_password(k) || has_password(v)) {
        strip_passwords_map(&mut copy);
    }
    copy
}

/// Reads a string-typed attribute leniently: `null` and `""` are "not set", numbers become their
/// decimal text (JumpCloud and template-driven OneLogin send numeric ids), anything else is
/// reported rather than dropped.
pub(crate) fn opt_string(
    value: &Value,
    pointer: Ptr<'_>,
) -> Result<Option<String>, NormalizationError> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) if s.is_empty() => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        Value::Number(n) => Ok(Some(n.to_string())),
        _ => Err(NormalizationError::invalid_value(
            pointer,
            "expected a string",
        )),
    }
}

/// [`opt_string`] of a value the caller owns: the string is moved, not copied.
pub(crate) fn take_string(
    value: Value,
    pointer: Ptr<'_>,
) -> Result<Option<String>, NormalizationError> {
    match value {
        Value::String(s) if !s.is_empty() => Ok(Some(s)),
        other => opt_string(&other, pointer),
    }
}

/// Reads a boolean leniently: JSON booleans and the strings `"true"`/`"false"` in any case (Entra
/// sends `"False"` and `"True"`). `null` is "not set".
pub(crate) fn opt_bool(
    value: &Value,
    pointer: Ptr<'_>,
) -> Result<Option<bool>, NormalizationError> {
    match value {
        Value::Null => Ok(None),
        Value::Bool(b) => Ok(Some(*b)),
        Value::String(s) => match parse_bool_str(s) {
            Some(b) => Ok(Some(b)),
            None => Err(NormalizationError::invalid_value(
                pointer,
                "expected a boolean",
            )),
        },
        _ => Err(NormalizationError::invalid_value(
            pointer,
            "expected a boolean",
        )),
    }
}

/// `"true"` / `"false"` in any case.
pub(crate) fn parse_bool_str(s: &str) -> Option<bool> {
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// Whether `s` plausibly is an email address (used only to fill `email` from a username).
pub(crate) fn looks_like_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !s.chars().any(char::is_whitespace)
        }
        None => false,
    }
}
