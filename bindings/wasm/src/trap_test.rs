//! Test builds only (cargo feature `trap-test`, `node scripts/build.mjs --trap-test`): exports that
//! trap the instance on purpose, the way a bug or an allocation failure on a huge input would, so
//! the tests can check that the JS layer replaces the instance and the next call works. Each trap
//! leaves the instance as a real one would: the input buffer still borrowed, so without that
//! replacement every later call that reads its inputs traps too. The release package is built
//! without the feature; scripts/build.mjs fails if these exports are in it.

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use crate::errors::{js_error, Family};
use crate::input::{hold_for_test, input_buffer};

/// Traps now: `"panic"` panics with the input buffer held (with `panic = "abort"`, an
/// `unreachable` trap); `"alloc"` fills memory, then asks for the input buffer a huge input would
/// need, whose allocation fails (an abort) while the buffer is being grown.
#[wasm_bindgen(js_name = trapForTest)]
pub fn trap_for_test(kind: &str) -> Result<(), JsValue> {
    match kind {
        "panic" => hold_for_test(deliberate_panic),
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
        hold_for_test(deliberate_panic).map(|()| JsValue::UNDEFINED)
    })
}

#[allow(clippy::panic)] // the point of this test-only export
fn deliberate_panic() -> Result<(), JsValue> {
    panic!("trapForTest: deliberate panic")
}

/// Chunks that fill memory (`try_reserve` reports failure instead of aborting), then the input
/// buffer of a 256 MiB input, which no longer fits: `input_buffer`'s growth aborts.
fn exhaust_memory() -> Result<(), JsValue> {
    const CHUNK: usize = 64 << 20;
    let mut hoard: Vec<Vec<u8>> = Vec::new();
    // wasm32 memory ends at 4 GiB: at most 64 chunks of 64 MiB fit, so the loop ends.
    for _ in 0..=64 {
        let mut chunk = Vec::<u8>::new();
        if chunk.try_reserve_exact(CHUNK).is_err() {
            break;
        }
        chunk.push(1); // touch it, so it is really in use
        hoard.push(std::hint::black_box(chunk));
    }
    input_buffer(4 * CHUNK);
    Err(js_error(
        Family::Argument,
        "invalid_argument",
        &format!(
            "trapForTest: {} chunks of 64 MiB and a 256 MiB buffer were allocated without failing",
            hoard.len()
        ),
        None,
    ))
}
