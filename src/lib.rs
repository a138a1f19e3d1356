//! scimkit: verify directory-sync webhooks, normalize SCIM and reference-service payloads into one
//! typed model, and page through the Directory API.
//!
//! This crate is the core: it has no wasm dependency, reads no clock and does no I/O — time,
//! randomness and the HTTP transport are passed in — so it is tested natively with `cargo test`.
//! The wasm-bindgen layer the npm package is built from is a crate of its own (`bindings/wasm`).
//!
//! Modules are floors, each importing only from the ones listed before it (ARCHITECTURE.md;
//! `scripts/check-layers.mjs` enforces it).
#![forbid(unsafe_code)]
#![deny(missing_docs, unreachable_pub)]
// Input never panics the core: no unwrap/expect/panic/indexing outside tests (clippy.toml allows
// them in tests); each remaining exception is a reasoned `#[allow]` where it stands.
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::disallowed_methods,
    clippy::disallowed_types
)]

pub mod error;
pub mod json;
pub mod model;
pub mod webhook;
pub mod scim;
pub mod normalize;
pub mod directory;
pub mod sync;
