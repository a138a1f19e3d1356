//! What the PATCH files share, below all of them: an operation's kind, one operation as read from
//! a body, where an operation sits in it, the map it writes to, and the `invalid_patch` error.

use serde_json::{Map, Value};

use super::keys::{Folds, Loc};
use super::path::PatchPath;
use crate::json::value::Ptr;
use crate::json::{NormalizationError, NormalizationErrorKind};

/// A PATCH operation kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchOpKind {
    /// `add`.
    Add,
    /// `remove`.
    Remove,
    /// `replace`.
    Replace,
}

/// One operation read from a PATCH body (`op`, `path` parsed, `value` as sent).
#[derive(Debug, Clone)]
pub(crate) struct ParsedOp<'a> {
    pub kind: PatchOpKind,
    pub path: Option<PatchPath>,
    pub value: Option<&'a Value>,
    /// The `Operations` key as sent; with `index`, the operation's pointer `/Operations/<i>`,
    /// rendered only when an error needs it (see [`crate::json::value::Ptr`]).
    pub ops_key: &'a str,
    /// Position in `Operations`.
    pub index: usize,
}

/// An `invalid_patch` error at `pointer`.
pub(crate) fn patch_err(
    pointer: impl Into<String>,
    message: impl Into<String>,
) -> NormalizationError {
    NormalizationError::new(NormalizationErrorKind::InvalidPatch, pointer, message)
}

/// Where an operation on one attribute sits in the request, for errors.
#[derive(Clone, Copy)]
pub(super) struct Site<'a> {
    /// The operation (`/Operations/2`).
    pub op: &'a Ptr<'a>,
    /// Its path: the `path` member, or the member of a path-less `value` naming the attribute.
    pub path: &'a Ptr<'a>,
    /// Its value: the `value` member, or that member of a path-less `value`.
    pub value: &'a Ptr<'a>,
}

/// A map the engine writes members of, with where it is (for [`Folds`]).
pub(super) struct Target<'a, 'f> {
    pub map: &'a mut Map<String, Value>,
    pub loc: &'a Loc,
    pub folds: &'f mut Folds,
}
