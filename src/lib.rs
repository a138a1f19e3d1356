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
#![warn(missing_docs)]

pub mod error;
pub mod json;
pub mod model;
pub mod webhook;
pub mod scim;
pub mod normalize;
pub mod directory;

