//! Normalization of everything that arrives (reference-service events and Directory API objects,
//! raw SCIM from each provider) into [`crate::model`].

mod error;
pub mod reference;

pub use error::{NormalizationError, NormalizationErrorKind};
