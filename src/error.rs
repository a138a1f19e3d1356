//! What every scimkit error shares: a stable machine-readable code next to a human message.

/// An error with a stable code (`snake_case`), the same string the JS package exposes as `err.code`.
///
/// Messages (`Display`) say what was wrong and where, and never contain secrets, tokens or MACs.
pub trait ErrorCode: std::error::Error {
    /// The stable code, e.g. `"invalid_signature"`.
    fn code(&self) -> &'static str;
}
