//! JSON text in, with the nesting bound reported as a bound.

use serde_json::Value;

use super::error::{NormalizationError, NormalizationErrorKind};

/// Parses JSON text; `what` names the input in the message (e.g. "resource", "patch").
///
/// Errors: `invalid_json` with the line and column, or `too_complex` beyond serde_json's nesting
/// limit (it reports that as a syntax error, but it is a bound, not bad JSON).
pub fn parse_json(text: &[u8], what: &str) -> Result<Value, NormalizationError> {
    serde_json::from_slice(text).map_err(|e| json_error(&e, what))
}

/// The error [`parse_json`] reports for `serde_json`'s error `e` on the input named `what`.
pub(crate) fn json_error(e: &serde_json::Error, what: &str) -> NormalizationError {
    let kind = if e.to_string().contains("recursion limit") {
        NormalizationErrorKind::TooComplex
    } else {
        NormalizationErrorKind::InvalidJson
    };
    NormalizationError::new(kind, "", format!("{what} is not valid JSON: {e}"))
}
