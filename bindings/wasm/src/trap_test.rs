//! Test builds only (cargo feature `trap-test`, `node scripts/build.mjs --trap-test`): exports that
//! trap the instance on purpose, the way a bug or an allocation failure on a huge input would, so
//! the tests can check that the JS layer resets the instance and the next call works. The release
//! package is built without the feature; scripts/build.mjs fails if these exports are in it.

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use crate::errors::{js_error, Family};

/// Traps now: `"panic"` panics (with `panic = "abort"`, an `unreachable` trap); `"alloc"` allocates
/// until memory cannot grow (the allocation-failure abort a huge input would cause).
#[wasm_bindgen(js_name = trapForTest)]
pub fn trap_for_test(kind: &str) -> Result<(), JsValue> {
    match kind {
        "panic" => deliberate_panic(),
        "alloc" => exhaust_memory(),
        _ => Err(js_error(
            Family::Argument,
            "invalid_argument",
            "trapForTest: kind must be \"panic\" or \"alloc\"",
            None,
        )),
    }
}

/// Returns a promise whose future traps when it is next polled, after `promise` settles: a trap
/// inside a task run from the microtask queue, not inside a call the façade made.
#[wasm_bindgen(js_name = trapForTestLater)]
pub fn trap_for_test_later(promise: Promise) -> Promise {
    future_to_promise(async move {
        let _ = JsFuture::from(promise).await;
        deliberate_panic().map(|()| JsValue::UNDEFINED)
    })
}

#[allow(clippy::panic)] // the point of this test-only export
fn deliberate_panic() -> Result<(), JsValue> {
    panic!("trapForTest: deliberate panic")
}

fn exhaust_memory() -> Result<(), JsValue> {
    // 64 chunks of 128 MiB exceed wasm32's 4 GiB; each is touched once so it is really allocated.
    // The allocator's failure aborts (a trap) before the loop ends.
    let mut hoard: Vec<Vec<u8>> = Vec::new();
    for _ in 0..64 {
        let mut chunk = Vec::<u8>::with_capacity(128 << 20);
        chunk.push(1);
        hoard.push(std::hint::black_box(chunk));
    }
    Err(js_error(
        Family::Argument,
        "invalid_argument",
        &format!("trapForTest: {} chunks of 128 MiB were allocated without failing", hoard.len()),
        None,
    ))
}
