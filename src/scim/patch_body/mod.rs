//! A PATCH body read down to its operations, from JSON text or from a parsed [`Value`] alike: one
//! set of serde visitors ([`reader`]) reads both, since `serde_json`'s `&Value` is a deserializer
//! too. Only `op`, `path` and `value` are kept; [`PatchBody::operations`] checks them.
//!
//! Why visitors rather than parsing the text into a `Value` first: building the whole body (a map
//! node per object, a `String` per string) was two thirds of planning a PATCH (profiled natively;
//! about twice that in wasm), while the plan and the engine read only `op`, `path` and `value`.
//! Reading from text, keys and strings without escapes borrow the input; reading from a `Value`,
//! every key and string borrows from it and each operation's `value` is copied once. That copy is
//! the price of one reader for both forms (the `Value` form had a reader of its own, kept equal to
//! this one by property tests): `apply_scim_patch` on a `Value` costs from 0.4k fewer to 3.4k more
//! instructions per call on the six benchmark requests (−1 % to +14 %, +5 % on average; counted
//! with cachegrind, see `examples/patch_timing.rs --calls`). The wasm layer reads text.
//!
//! What reading text checks is what parsing it into a `Value` checks: every member the body does
//! not use is still parsed into a `Value` and dropped, so strings, numbers and nesting are checked
//! alike; a member is found as [`get_ci`] finds it in a `Value`'s sorted map (the least key that
//! equals the name ignoring ASCII case; of equal keys in text, the last); and the nesting bound
//! covers every member.
//!
//! [`get_ci`]: crate::json::value::get_ci

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::Value;

use super::patch_op::{patch_err, ParsedOp, PatchOpKind};
use super::path::parse_path;
use crate::json::limits::{MAX_DEPTH, MAX_OPERATIONS};
use crate::json::value::{within_depth, ROOT};
use crate::json::{json_error, NormalizationError, NormalizationErrorKind};

/// A PATCH request body in the form the caller holds it. Both forms are read by the same code
/// and give the same operations and the same errors.
#[derive(Debug, Clone, Copy)]
pub enum PatchSource<'a> {
    /// JSON text (UTF-8), read without building the whole body: only each operation's `value`
    /// becomes a [`Value`].
    Text(&'a [u8]),
    /// An already parsed body.
    Value(&'a Value),
}

impl<'a> From<&'a Value> for PatchSource<'a> {
    fn from(value: &'a Value) -> Self {
        PatchSource::Value(value)
    }
}

impl<'a> From<&'a [u8]> for PatchSource<'a> {
    fn from(text: &'a [u8]) -> Self {
        PatchSource::Text(text)
    }
}

/// A member of an operation as sent: only its being a string matters.
enum Field<'a> {
    Str(Cow<'a, str>),
    Null,
    Other,
}

/// An operation object's `op`, `path` and `value` members, each with the key it was found under.
#[derive(Default)]
struct RawOp<'a> {
    op: Option<(Cow<'a, str>, Field<'a>)>,
    path: Option<(Cow<'a, str>, Field<'a>)>,
    value: Option<(Cow<'a, str>, Value)>,
}

/// The `Operations` member.
enum RawOps<'a> {
    /// Each element: `None` when it is not an object.
    List(Vec<Option<RawOp<'a>>>),
    NotArray,
}

/// A PATCH body as far as the operations go; [`PatchBody::operations`] checks it.
pub(crate) struct PatchBody<'a> {
    within_depth: bool,
    object: bool,
    operations: Option<(Cow<'a, str>, RawOps<'a>)>,
}

/// Keeps `found` as [`get_ci`] would pick among the keys seen so far.
///
/// [`get_ci`]: crate::json::value::get_ci
fn pick<'a, T>(slot: &mut Option<(Cow<'a, str>, T)>, key: Cow<'a, str>, value: T) {
    if slot.as_ref().is_none_or(|(k, _)| *key <= **k) {
        *slot = Some((key, value));
    }
}

impl<'a> PatchBody<'a> {
    /// Reads a PATCH body. Fails only on text that is not JSON (`invalid_json`, or `too_complex`
    /// past `serde_json`'s recursion limit), as parsing it into a `Value` would.
    pub(crate) fn read(source: PatchSource<'a>) -> Result<Self, NormalizationError> {
        match source {
            PatchSource::Text(text) => serde_json::from_slice(text),
            // A `Value` built natively can nest deeper than any text serde_json would parse; the
            // body fails `too_complex` whatever it holds, so it is not walked recursively.
            PatchSource::Value(patch) if !within_depth(patch, MAX_DEPTH) => Ok(PatchBody {
                within_depth: false,
                object: patch.is_object(),
                operations: None,
            }),
            PatchSource::Value(patch) => PatchBody::deserialize(patch),
        }
        .map_err(|e| json_error(&e, "patch"))
    }

    /// The operations, checked and bounded: nesting depth, a JSON object with an `Operations`
    /// array of at most [`MAX_OPERATIONS`] objects, each with a known `op` (any case) and a `path`
    /// that parses when one is given. Errors point into the body (`/Operations/2/path`).
    pub(crate) fn operations(&self) -> Result<Vec<ParsedOp<'_>>, NormalizationError> {
        if !self.within_depth {
            return Err(NormalizationError::too_complex(
                ROOT,
                format!("JSON nested deeper than {MAX_DEPTH} levels"),
            ));
        }
        if !self.object {
            return Err(patch_err("", "a PATCH body must be a JSON object"));
        }
        let (ops_key, ops) = self
            .operations
            .as_ref()
            .ok_or_else(|| patch_err("", "no `Operations`"))?;
        let ops_key: &str = ops_key;
        let ops_ptr = ROOT.key(ops_key);
        let RawOps::List(ops) = ops else {
            return Err(patch_err(ops_ptr.render(), "`Operations` must be an array"));
        };
        if ops.len() > MAX_OPERATIONS {
            return Err(NormalizationError::too_complex(
                ops_ptr.render(),
                format!("more than {MAX_OPERATIONS} operations"),
            ));
        }
        let mut parsed = Vec::with_capacity(ops.len());
        for (i, op) in ops.iter().enumerate() {
            let at = ops_ptr.index(i);
            let op = op
                .as_ref()
                .ok_or_else(|| patch_err(at.render(), "an operation must be an object"))?;
            let kind = match &op.op {
                Some((_, Field::Str(s))) if s.eq_ignore_ascii_case("add") => PatchOpKind::Add,
                Some((_, Field::Str(s))) if s.eq_ignore_ascii_case("remove") => PatchOpKind::Remove,
                Some((_, Field::Str(s))) if s.eq_ignore_ascii_case("replace") => {
                    PatchOpKind::Replace
                }
                Some((k, Field::Str(s))) => {
                    return Err(patch_err(at.key(k).render(), format!("unknown op `{s}`")))
                }
                Some((k, _)) => return Err(patch_err(at.key(k).render(), "`op` must be a string")),
                None => return Err(patch_err(at.render(), "missing `op`")),
            };
            let path = match &op.path {
                None | Some((_, Field::Null)) => None,
                Some((_, Field::Str(s))) if s.trim().is_empty() => None,
                Some((k, Field::Str(s))) => {
                    Some(parse_path(s).map_err(|e| e.prefixed(&at.key(k).render()))?)
                }
                Some((k, Field::Other)) => {
                    return Err(NormalizationError::new(
                        NormalizationErrorKind::InvalidPath,
                        at.key(k).render(),
                        "`path` must be a string",
                    ))
                }
            };
            parsed.push(ParsedOp {
                kind,
                path,
                value: op.value.as_ref().map(|(_, v)| v),
                ops_key,
                index: i,
            });
        }
        Ok(parsed)
    }
}

mod reader;

#[cfg(test)]
mod tests;
