use std::fmt;

use crate::error::ErrorCode;

/// What went wrong while normalizing or patching.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NormalizationErrorKind {
    /// The input is not JSON, or not the JSON type expected (e.g. not an object).
    InvalidJson,
    /// The input is JSON but not a resource scimkit understands.
    UnsupportedResource,
    /// A SCIM PATCH request is malformed.
    InvalidPatch,
    /// A PATCH path does not parse.
    InvalidPath,
    /// A filter does not parse.
    InvalidFilter,
    /// A value has the wrong type for its attribute.
    InvalidValue,
    /// The input exceeds a bound (nesting depth, filter size, number of operations).
    TooComplex,
    /// The input is larger than its byte limit ([`crate::json::limits::check_input_bytes`]).
    PayloadTooLarge,
    /// A PATCH operation has nothing to act on: a `remove` without a `path`, or a value filter
    /// that selects no value and does not describe one to create (RFC 7644 §3.5.2).
    NoTarget,
}

impl NormalizationErrorKind {
    /// The stable code for this kind.
    pub fn code(self) -> &'static str {
        match self {
            Self::InvalidJson => "invalid_json",
            Self::UnsupportedResource => "unsupported_resource",
            Self::InvalidPatch => "invalid_patch",
            Self::InvalidPath => "invalid_path",
            Self::InvalidFilter => "invalid_filter",
            Self::InvalidValue => "invalid_value",
            Self::TooComplex => "too_complex",
            Self::PayloadTooLarge => "payload_too_large",
            Self::NoTarget => "no_target",
        }
    }

    /// The RFC 7644 §3.12 `scimType` a SCIM service provider answers this error with (HTTP 400):
    /// what a SCIM endpoint built on scimkit puts in its error response.
    ///
    /// | kind | `scimType` |
    /// |---|---|
    /// | `invalid_json`, `unsupported_resource`, `invalid_patch` | `invalidSyntax` (the body is not JSON, or not the resource or PatchOp the request needs) |
    /// | `invalid_path` | `invalidPath` |
    /// | `invalid_filter` | `invalidFilter` |
    /// | `invalid_value` | `invalidValue` |
    /// | `too_complex` | `tooMany` (more than the service is willing to process) |
    /// | `no_target` | `noTarget` |
    /// | `payload_too_large` | `tooMany` (a SCIM endpoint answers it with HTTP 413, for which RFC 7644 names no `scimType`; `tooMany`, "more than the service is willing to process", is the nearest) |
    pub fn scim_type(self) -> &'static str {
        match self {
            Self::InvalidJson | Self::UnsupportedResource | Self::InvalidPatch => "invalidSyntax",
            Self::InvalidPath => "invalidPath",
            Self::InvalidFilter => "invalidFilter",
            Self::InvalidValue => "invalidValue",
            Self::TooComplex | Self::PayloadTooLarge => "tooMany",
            Self::NoTarget => "noTarget",
        }
    }
}

/// A normalization failure: its kind, a JSON pointer (RFC 6901) to the offending place in the
/// input (`""` for the whole document) and a message saying what was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NormalizationError {
    /// What went wrong.
    pub kind: NormalizationErrorKind,
    /// JSON pointer to the offending place in the input.
    pub pointer: String,
    /// Human-readable description.
    pub message: String,
}

impl NormalizationError {
    /// Builds an error of `kind` at `pointer`.
    pub fn new(
        kind: NormalizationErrorKind,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            kind,
            pointer: pointer.into(),
            message: message.into(),
        }
    }
}

impl NormalizationError {
    /// Re-roots the pointer under `prefix` (e.g. an error in a request body gets `/body`).
    pub(crate) fn prefixed(mut self, prefix: &str) -> Self {
        self.pointer = format!("{prefix}{}", self.pointer);
        self
    }

    pub(crate) fn invalid_value(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(NormalizationErrorKind::InvalidValue, pointer, message)
    }

    pub(crate) fn no_target(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(NormalizationErrorKind::NoTarget, pointer, message)
    }

    /// The RFC 7644 §3.12 `scimType` of this error (see [`NormalizationErrorKind::scim_type`]).
    pub fn scim_type(&self) -> &'static str {
        self.kind.scim_type()
    }

    pub(crate) fn too_complex(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(NormalizationErrorKind::TooComplex, pointer, message)
    }

    pub(crate) fn unsupported(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(
            NormalizationErrorKind::UnsupportedResource,
            pointer,
            message,
        )
    }
}

impl fmt::Display for NormalizationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.pointer.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{} (at {})", self.message, self.pointer)
        }
    }
}

impl std::error::Error for NormalizationError {}

impl ErrorCode for NormalizationError {
    fn code(&self) -> &'static str {
        self.kind.code()
    }
}
