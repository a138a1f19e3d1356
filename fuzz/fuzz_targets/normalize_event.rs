//! Event normalization: a webhook body (any bytes) through `normalize_event`.
//!
//! Checks, besides never panicking: the text fast path answers exactly what the general path
//! (`serde_json` into a `Value`, then `normalize_event_value`) answers, result or error (code and
//! pointer); a result serializes and holds no `password` member.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scimkit::normalize::{normalize_event, normalize_event_value};
use scimkit_fuzz::{assert_no_password, error_key, to_json};
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let got = normalize_event(data);
    match serde_json::from_slice::<Value>(data) {
        Err(_) => match &got {
            Ok(_) => panic!("an event was read from text that is not JSON"),
            Err(e) => {
                assert!(
                    matches!(e.kind.code(), "invalid_json" | "too_complex"),
                    "text that is not JSON: {e}"
                );
                assert_eq!(
                    e.pointer, "",
                    "text that is not JSON points at the whole input"
                );
            }
        },
        Ok(v) => match (&got, normalize_event_value(v)) {
            (Ok(a), Ok(b)) => {
                let (a, b) = (to_json(a, "event"), to_json(&b, "event"));
                assert_eq!(a, b, "the fast path and the general path differ");
                match serde_json::from_str::<Value>(&a) {
                    Ok(v) => assert_no_password(&v, "normalize_event"),
                    Err(e) => panic!("the event's JSON does not parse back: {e}"),
                }
            }
            (Err(a), Err(b)) => assert_eq!(error_key(a), error_key(&b), "errors differ"),
            (a, b) => panic!("the fast path gave {a:?}, the general path {b:?}"),
        },
    }
});
