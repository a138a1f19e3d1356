//! Users and groups as the reference directory service sends them (webhook `data`, Directory API
//! list items): snake_case fields, mostly already in the model's shape.
//!
//! PLACEHOLDER: a minimal serde mapping so the directory client compiles; the normalization work
//! replaces it with the full mapping (name fill-in, null groups, unknown fields kept, …).

use serde_json::Value;

use super::{NormalizationError, NormalizationErrorKind};
use crate::model::{DirectoryGroup, DirectoryUser};

/// Normalizes a reference-service user object (webhook `data` or a Directory API list item).
pub fn user_from_reference(value: &Value) -> Result<DirectoryUser, NormalizationError> {
    serde_json::from_value(value.clone()).map_err(|e| {
        NormalizationError::new(NormalizationErrorKind::InvalidValue, "", e.to_string())
    })
}

/// Normalizes a reference-service group object (webhook `data` or a Directory API list item).
pub fn group_from_reference(value: &Value) -> Result<DirectoryGroup, NormalizationError> {
    serde_json::from_value(value.clone()).map_err(|e| {
        NormalizationError::new(NormalizationErrorKind::InvalidValue, "", e.to_string())
    })
}
