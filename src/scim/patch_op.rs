//! What the PATCH files share, below all of them: an operation's kind, one operation as read from
//! a body, and the `invalid_patch` error.

use serde_json::Value;

use super::path::PatchPath;
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
