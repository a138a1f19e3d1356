//! wasm-bindgen layer.
