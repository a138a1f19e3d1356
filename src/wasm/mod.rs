//! The wasm-bindgen layer: translates JS values to core types and core errors to JS errors.
//! No logic of its own lives here.

mod directory;
mod errors;
mod input;
mod normalize;
mod webhook;
