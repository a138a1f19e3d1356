//! scimkit: verify directory-sync webhooks, normalize SCIM and reference-service payloads into one
//! typed model, and page through the Directory API.
//!
//! The core (everything outside `wasm`) has no wasm dependency, reads no clock and does no I/O:
//! time, randomness and the HTTP transport are passed in, so it is tested natively with `cargo test`.
//! The `wasm` module is a thin wasm-bindgen layer that only translates types and errors.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod directory;
pub mod error;
pub mod model;
pub mod normalize;
pub mod scim;
pub mod webhook;

#[cfg(target_arch = "wasm32")]
mod wasm;
