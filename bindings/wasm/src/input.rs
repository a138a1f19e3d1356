//! One reusable input buffer in wasm memory. wasm-bindgen's per-argument string marshalling
//! (a malloc and a JS encoding loop per argument) cost as much as the HMAC of a small body, so the
//! façade encodes its inputs straight into this buffer with `TextEncoder.encodeInto` and passes
//! their byte lengths instead.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;

use crate::errors::{js_error, Family};

thread_local! {
    static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Returns the address of an input buffer of at least `len` bytes. The address is valid until the
/// next call into the module.
#[wasm_bindgen(js_name = inputBuffer)]
pub fn input_buffer(len: usize) -> usize {
    INPUT.with(|b| {
        let mut b = b.borrow_mut();
        if b.len() < len {
            b.resize(len, 0);
        }
        b.as_mut_ptr() as usize
    })
}

/// Runs `f` on the buffer split into consecutive parts of the given byte lengths; a negative
/// length is an absent part (`None`).
pub(crate) fn with_parts<const N: usize, T>(
    lens: [f64; N],
    f: impl FnOnce([Option<&[u8]>; N]) -> Result<T, JsValue>,
) -> Result<T, JsValue> {
    INPUT.with(|b| {
        let b = b.borrow();
        let mut at = 0usize;
        let mut parts: [Option<&[u8]>; N] = [None; N];
        for (part, len) in parts.iter_mut().zip(lens) {
            if len >= 0.0 {
                let end = at
                    .checked_add(len as usize)
                    .filter(|&e| e <= b.len())
                    .ok_or_else(misuse)?;
                *part = Some(&b[at..end]);
                at = end;
            }
        }
        f(parts)
    })
}

/// Test builds only: runs `f` with the buffer borrowed for writing, as `input_buffer` holds it while
/// it grows (where a huge input's allocation fails), so a trap in `f` leaves it borrowed.
#[cfg(feature = "trap-test")]
pub(crate) fn hold_for_test<T>(f: impl FnOnce() -> T) -> T {
    INPUT.with(|b| {
        let _held = b.borrow_mut();
        f()
    })
}

/// Text the façade wrote with `encodeInto` is always UTF-8; anything else is a misuse.
pub(crate) fn text(part: Option<&[u8]>) -> Result<Option<&str>, JsValue> {
    part.map(|p| std::str::from_utf8(p).map_err(|_| misuse()))
        .transpose()
}

fn misuse() -> JsValue {
    js_error(
        Family::Argument,
        "invalid_argument",
        "internal: the input buffer does not hold what was announced",
        None,
    )
}
