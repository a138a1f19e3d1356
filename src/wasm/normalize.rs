//! JS exports for normalization. JSON text crosses the boundary in both directions.

use crate::normalize::{NormalizationError, NormalizationErrorKind};

/// Parses `body` as an event and returns it as JSON text.
// INTERIM until the normalization core lands: checks the body is a JSON object.
pub(crate) fn event_json(body: &[u8]) -> Result<String, NormalizationError> {
    let v: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
        NormalizationError::new(NormalizationErrorKind::InvalidJson, "", e.to_string())
    })?;
    if !v.is_object() {
        return Err(NormalizationError::new(
            NormalizationErrorKind::InvalidJson,
            "",
            "not a JSON object",
        ));
    }
    Ok(v.to_string())
}
