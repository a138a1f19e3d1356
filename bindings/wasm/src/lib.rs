//! scimkit's wasm-bindgen layer, the crate the npm package is built from: it translates JS values
//! into the core's types and the core's errors into JS errors. No rule or decision lives here;
//! everything it calls is in the `scimkit` core crate, which has no wasm dependency.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod directory;
mod errors;
mod input;
mod normalize;
mod options;
mod sync;
#[cfg(feature = "trap-test")]
mod trap_test;
mod webhook;
