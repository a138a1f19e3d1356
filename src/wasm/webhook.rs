//! JS exports for webhook verification and signing. The façade picks the header values out of
//! whatever headers object it was given; everything else happens in [`crate::webhook`].

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;

use super::errors::{from_core, js_error, set, Family};
use crate::webhook::{VerifyOptions, Webhook, WebhookHeaders};

/// Prepared keys for the most recently used secrets: deriving an HMAC key schedule costs as much
/// as hashing a small body, and apps verify every delivery with the same secret.
const KEY_CACHE_SIZE: usize = 8;

thread_local! {
    static KEYS: RefCell<Vec<(String, Rc<Webhook>)>> = const { RefCell::new(Vec::new()) };
}

/// `secret` is a string or an array of strings (rotation).
fn webhook_for(secret: &JsValue) -> Result<Rc<Webhook>, JsValue> {
    let (cache_key, secrets) = if let Some(s) = secret.as_string() {
        (s, None)
    } else if Array::is_array(secret) {
        let arr = Array::from(secret);
        let mut list = Vec::with_capacity(arr.length() as usize);
        for (i, v) in arr.iter().enumerate() {
            match v.as_string() {
                Some(s) => list.push(s),
                None => {
                    let msg = format!("secret[{i}] is not a string; pass whsec_… strings");
                    return Err(js_error(Family::Webhook, "invalid_secret", &msg, None));
                }
            }
        }
        // A newline cannot occur in a base64 secret, so the joined key is unambiguous.
        (list.join("\n"), Some(list))
    } else {
        let msg = "secret must be a whsec_… string or an array of them";
        return Err(js_error(Family::Webhook, "invalid_secret", msg, None));
    };
    if let Some(hit) = KEYS.with(|k| {
        let mut k = k.borrow_mut();
        let pos = k.iter().position(|(s, _)| *s == cache_key)?;
        let entry = k.remove(pos);
        let hook = entry.1.clone();
        k.insert(0, entry);
        Some(hook)
    }) {
        return Ok(hit);
    }
    let hook = match &secrets {
        None => Webhook::new(&cache_key),
        Some(list) => Webhook::with_secrets(list),
    }
    .map_err(|e| from_core(Family::Webhook, &e))?;
    let hook = Rc::new(hook);
    KEYS.with(|k| {
        let mut k = k.borrow_mut();
        k.insert(0, (cache_key, hook.clone()));
        k.truncate(KEY_CACHE_SIZE);
    });
    Ok(hook)
}

fn options(tolerance_secs: Option<f64>, max_body_bytes: Option<f64>) -> Result<VerifyOptions, JsValue> {
    let mut opts = VerifyOptions::default();
    if let Some(t) = tolerance_secs {
        opts.tolerance_secs = non_negative_int(t, "options.toleranceSeconds")?;
    }
    if let Some(m) = max_body_bytes {
        opts.max_body_bytes = non_negative_int(m, "options.maxBodyBytes")? as usize;
    }
    Ok(opts)
}

fn non_negative_int(v: f64, what: &str) -> Result<u64, JsValue> {
    if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= 9_007_199_254_740_991.0 {
        Ok(v as u64)
    } else {
        let msg = format!("{what} must be a non-negative integer, got {v}");
        Err(js_error(Family::Argument, "invalid_argument", &msg, None))
    }
}

fn now_secs(now_ms: Option<f64>) -> Result<i64, JsValue> {
    let ms = now_ms.unwrap_or_else(js_sys::Date::now);
    if !ms.is_finite() {
        return Err(js_error(Family::Argument, "invalid_argument", "options.now is not a valid time", None));
    }
    Ok((ms / 1000.0).floor() as i64)
}

#[allow(clippy::too_many_arguments)]
fn verify(
    secret: &JsValue,
    id: Option<String>,
    timestamp: Option<String>,
    signature: Option<String>,
    body: &[u8],
    now_ms: Option<f64>,
    tolerance_secs: Option<f64>,
    max_body_bytes: Option<f64>,
) -> Result<crate::webhook::Verified, JsValue> {
    let opts = options(tolerance_secs, max_body_bytes)?;
    let now = now_secs(now_ms)?;
    let hook = webhook_for(secret)?;
    let headers = WebhookHeaders { id: id.as_deref(), timestamp: timestamp.as_deref(), signature: signature.as_deref() };
    hook.verify(&headers, body, now, &opts).map_err(|e| from_core(Family::Webhook, &e))
}

fn verified_object(v: crate::webhook::Verified) -> Object {
    let obj = Object::new();
    set(&obj, "id", v.id);
    set(&obj, "timestamp", v.timestamp as f64);
    obj
}

/// `verifySignature` with a string body.
#[allow(clippy::too_many_arguments)]
#[wasm_bindgen(js_name = verifySignatureStr)]
pub fn verify_signature_str(
    secret: &JsValue,
    id: Option<String>,
    timestamp: Option<String>,
    signature: Option<String>,
    body: &str,
    now_ms: Option<f64>,
    tolerance_secs: Option<f64>,
    max_body_bytes: Option<f64>,
) -> Result<Object, JsValue> {
    let v = verify(secret, id, timestamp, signature, body.as_bytes(), now_ms, tolerance_secs, max_body_bytes)?;
    Ok(verified_object(v))
}

/// `verifySignature` with a byte body.
#[allow(clippy::too_many_arguments)]
#[wasm_bindgen(js_name = verifySignatureBytes)]
pub fn verify_signature_bytes(
    secret: &JsValue,
    id: Option<String>,
    timestamp: Option<String>,
    signature: Option<String>,
    body: &[u8],
    now_ms: Option<f64>,
    tolerance_secs: Option<f64>,
    max_body_bytes: Option<f64>,
) -> Result<Object, JsValue> {
    let v = verify(secret, id, timestamp, signature, body, now_ms, tolerance_secs, max_body_bytes)?;
    Ok(verified_object(v))
}

/// `verifyWebhook` with a string body: verifies, then returns the normalized event as JSON text
/// (the façade parses it; measured cheaper than building the object across the boundary).
#[allow(clippy::too_many_arguments)]
#[wasm_bindgen(js_name = verifyWebhookStr)]
pub fn verify_webhook_str(
    secret: &JsValue,
    id: Option<String>,
    timestamp: Option<String>,
    signature: Option<String>,
    body: &str,
    now_ms: Option<f64>,
    tolerance_secs: Option<f64>,
    max_body_bytes: Option<f64>,
) -> Result<String, JsValue> {
    verify(secret, id, timestamp, signature, body.as_bytes(), now_ms, tolerance_secs, max_body_bytes)?;
    event_json(body.as_bytes())
}

/// `verifyWebhook` with a byte body.
#[allow(clippy::too_many_arguments)]
#[wasm_bindgen(js_name = verifyWebhookBytes)]
pub fn verify_webhook_bytes(
    secret: &JsValue,
    id: Option<String>,
    timestamp: Option<String>,
    signature: Option<String>,
    body: &[u8],
    now_ms: Option<f64>,
    tolerance_secs: Option<f64>,
    max_body_bytes: Option<f64>,
) -> Result<String, JsValue> {
    verify(secret, id, timestamp, signature, body, now_ms, tolerance_secs, max_body_bytes)?;
    event_json(body)
}

/// A verified body that is not a JSON object is reported as a webhook error (`invalid_json`),
/// since the caller asked for an event.
fn event_json(body: &[u8]) -> Result<String, JsValue> {
    super::normalize::event_json(body).map_err(|e| {
        let msg = format!("verified webhook body is not a JSON event: {e}");
        js_error(Family::Webhook, "invalid_json", &msg, None)
    })
}

/// The error for a body over the limit, for the façade to throw before copying a large body in.
#[wasm_bindgen(js_name = payloadTooLarge)]
pub fn payload_too_large(len: f64, limit: f64) -> JsValue {
    let err = crate::webhook::WebhookError::PayloadTooLarge { size: len as usize, limit: limit as usize };
    from_core(Family::Webhook, &err)
}

/// Signs `body`; returns the `webhook-signature` header value.
#[wasm_bindgen(js_name = signStr)]
pub fn sign_str(secret: &JsValue, id: &str, timestamp: f64, body: &str) -> Result<String, JsValue> {
    sign(secret, id, timestamp, body.as_bytes())
}

/// Signs a byte body; returns the `webhook-signature` header value.
#[wasm_bindgen(js_name = signBytes)]
pub fn sign_bytes(secret: &JsValue, id: &str, timestamp: f64, body: &[u8]) -> Result<String, JsValue> {
    sign(secret, id, timestamp, body)
}

fn sign(secret: &JsValue, id: &str, timestamp: f64, body: &[u8]) -> Result<String, JsValue> {
    if !timestamp.is_finite() || timestamp.fract() != 0.0 || timestamp.abs() > 9_007_199_254_740_991.0 {
        let msg = format!("timestamp must be whole Unix seconds (or a Date), got {timestamp}");
        return Err(js_error(Family::Webhook, "invalid_timestamp", &msg, None));
    }
    let hook = webhook_for(secret)?;
    hook.sign(id, timestamp as i64, body).map_err(|e| from_core(Family::Webhook, &e))
}
