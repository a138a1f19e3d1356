//! The façade's options: the names each function accepts (the façade refuses any other name, so a
//! typo such as `toleranceSecs` is an error, not a silent default), the defaults of the limits
//! (the core's constants, so JS never restates them) and the check of a limit's value.

use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;

use crate::errors::{js_error, set, Family};
use scimkit::json::limits::{DEFAULT_MAX_INPUT_BYTES, DEFAULT_MAX_RESOURCE_BYTES};
use scimkit::webhook::VerifyOptions;

/// `verifyWebhook`, `verifySignature`, `verifyRequest`, `verifySignatureRequest` options.
const VERIFY: &[&str] = &[
    "toleranceSeconds",
    "now",
    "maxBodyBytes",
    "maxHeaderBytes",
    "maxHeaderValues",
];
/// The fields of `signWebhook`'s message.
const SIGN: &[&str] = &["id", "timestamp", "body"];
/// `normalizeEvent` and `detectProvider` options.
const EVENT: &[&str] = &["maxInputBytes"];
/// `normalizeUser` and `normalizeGroup` options.
const NORMALIZE: &[&str] = &["provider", "maxInputBytes"];
/// `applyScimPatch` options.
const PATCH: &[&str] = &["maxInputBytes", "maxResourceBytes"];
/// The fields of `normalizeScimRequest`'s request.
const SCIM_REQUEST: &[&str] = &["method", "path", "body"];
/// `normalizeScimRequest` options.
const REQUEST: &[&str] = &[
    "organizationId",
    "directoryId",
    "provider",
    "current",
    "now",
    "maxInputBytes",
    "maxResourceBytes",
];

/// The largest integer a JS number holds exactly.
pub(crate) const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

fn names(list: &[&str]) -> Array {
    list.iter().map(|n| JsValue::from_str(n)).collect()
}

/// `{ verify, sign, event, normalize, patch, scimRequest, request }`: the option names of each
/// function (asked once by the façade).
#[wasm_bindgen(js_name = optionNames)]
pub fn option_names() -> Object {
    let o = Object::new();
    for (key, list) in [
        ("verify", VERIFY),
        ("sign", SIGN),
        ("event", EVENT),
        ("normalize", NORMALIZE),
        ("patch", PATCH),
        ("scimRequest", SCIM_REQUEST),
        ("request", REQUEST),
    ] {
        set(&o, key, names(list));
    }
    o
}

/// `{ maxBodyBytes, maxHeaderBytes, maxHeaderValues, maxInputBytes, maxResourceBytes }`: the
/// core's defaults (asked once by the façade, for its checks before copying into wasm memory).
#[wasm_bindgen(js_name = defaultLimits)]
pub fn default_limits() -> Object {
    let o = Object::new();
    for (key, value) in [
        ("maxBodyBytes", VerifyOptions::DEFAULT_MAX_BODY_BYTES),
        ("maxHeaderBytes", VerifyOptions::DEFAULT_MAX_HEADER_BYTES),
        ("maxHeaderValues", VerifyOptions::DEFAULT_MAX_HEADER_VALUES),
        ("maxInputBytes", DEFAULT_MAX_INPUT_BYTES),
        ("maxResourceBytes", DEFAULT_MAX_RESOURCE_BYTES),
    ] {
        set(&o, key, value as f64);
    }
    o
}

/// A limit option's value, checked: a non-negative integer (a JS number). Anything else — `-1`,
/// `NaN`, `Infinity`, `1.5`, a string — is `invalid_argument` naming the option (`name`, e.g.
/// `options.maxBodyBytes`), never a default. The façade calls this only for an option given.
#[wasm_bindgen(js_name = checkLimit)]
pub fn check_limit(name: &str, value: &JsValue) -> Result<f64, JsValue> {
    match value.as_f64() {
        Some(v) => non_negative_int(v, name).map(|v| v as f64),
        None => Err(invalid(&format!(
            "{name} must be a non-negative integer, got {}",
            type_name(value)
        ))),
    }
}

/// `v` as a non-negative integer, or `invalid_argument` naming `what`.
pub(crate) fn non_negative_int(v: f64, what: &str) -> Result<u64, JsValue> {
    if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= MAX_SAFE {
        Ok(v as u64)
    } else {
        Err(invalid(&format!(
            "{what} must be a non-negative integer, got {v}"
        )))
    }
}

/// A limit the façade resolved and checked (`checkLimit`, or a default): as a `usize`.
pub(crate) fn limit(v: f64, what: &str) -> Result<usize, JsValue> {
    non_negative_int(v, what).map(|v| usize::try_from(v).unwrap_or(usize::MAX))
}

fn invalid(msg: &str) -> JsValue {
    js_error(Family::Argument, "invalid_argument", msg, None)
}

/// `typeof value`, with `null` and arrays named as such.
fn type_name(value: &JsValue) -> String {
    if value.is_null() {
        "null".to_owned()
    } else if Array::is_array(value) {
        "an array".to_owned()
    } else {
        value.js_typeof().as_string().unwrap_or_default()
    }
}
