//! Bounds on hostile input. Every one of them turns into a `too_complex` error, never a panic or
//! an unbounded amount of work.

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
