//! Bounds on hostile input. Every one of them turns into a `too_complex` error (the input's
//! size: `payload_too_large`), never a panic or an unbounded amount of work.

use super::error::{NormalizationError, NormalizationErrorKind};

/// Default limit on the size of JSON text a sender gives us (an event, a SCIM resource, a PATCH,
/// a SCIM request body), in bytes: 1 MiB, as for webhook bodies. A PATCH adding 10,000 members
/// is about 0.6 MiB. The JS package's option is `maxInputBytes`.
pub const DEFAULT_MAX_INPUT_BYTES: usize = 1_048_576;
/// Default limit on the size of a stored resource the app passes in to be patched (the part of
/// it a PATCH touches, or `current`), in bytes: 64 MiB. Larger than [`DEFAULT_MAX_INPUT_BYTES`]
/// because it is the app's own state and legitimately large: a 100,000-member group is about
/// 8 MiB of JSON. The JS package's option is `maxResourceBytes`.
pub const DEFAULT_MAX_RESOURCE_BYTES: usize = 64 * 1_048_576;

/// `payload_too_large` when an input of `len` bytes exceeds `limit`. `what` names the input in
/// the message (e.g. "request body"), `option` the setting that raises the limit, `pointer`
/// where it is (`""` for the whole input). Callers check before parsing — the JS package before
/// it even copies the text into wasm memory — so an oversized input costs no work.
pub fn check_input_bytes(
    what: &str,
    pointer: &str,
    len: usize,
    limit: usize,
    option: &str,
) -> Result<(), NormalizationError> {
    if len <= limit {
        return Ok(());
    }
    Err(NormalizationError::new(
        NormalizationErrorKind::PayloadTooLarge,
        pointer,
        format!("{what} is {len} bytes, larger than the {limit}-byte limit ({option})"),
    ))
}

/// Deepest JSON nesting accepted in any `Value` handed to scimkit. Real SCIM resources nest about
/// four levels; serde_json itself stops parsing at 128, which would still be deep enough for the
/// recursive walks here to cost real stack in wasm.
pub const MAX_DEPTH: usize = 64;
/// Most operations accepted in one PATCH request (Entra and Okta batch far fewer).
pub const MAX_OPERATIONS: usize = 1000;
/// Longest PATCH `path` accepted, in bytes (it includes any filter).
pub const MAX_PATH_LEN: usize = 4096;
/// Longest filter accepted, in bytes.
pub const MAX_FILTER_LEN: usize = 4096;
/// Most comparisons (`attr op value`, `attr pr`) in one filter.
pub const MAX_FILTER_TERMS: usize = 64;
/// Deepest nesting of parentheses and `not (…)` in one filter.
pub const MAX_FILTER_NESTING: usize = 16;
