//! JS exports for webhook verification and signing.
//!
//! The hot path avoids wasm-bindgen's per-argument string marshalling (a malloc and a JS
//! encoding loop per argument, measured at as much as the HMAC itself for small bodies): the
//! façade encodes the headers and body straight into one reusable input buffer in wasm memory
//! (`inputBuffer`) and calls a method of a [`Verifier`] that holds the secrets' prepared keys.

use std::rc::Rc;

use js_sys::Array;
use wasm_bindgen::prelude::*;

use crate::errors::{from_core, js_error, Family};
use crate::input::{text, with_parts};
use crate::options::{limit, non_negative_int, MAX_SAFE};
use scimkit::webhook::{VerifyOptions, Webhook, WebhookError, WebhookHeaders};

/// Splits the input buffer `[id][timestamp][signature][body]` (negative length: header absent).
fn with_input<T>(
    lens: [f64; 4],
    f: impl FnOnce(WebhookHeaders<'_>, &[u8]) -> Result<T, JsValue>,
) -> Result<T, JsValue> {
    with_parts(lens, |[id, timestamp, signature, body]| {
        let headers = WebhookHeaders {
            id: text(id)?,
            timestamp: text(timestamp)?,
            signature: text(signature)?,
        };
        f(headers, body.unwrap_or_default())
    })
}

/// Verifies and signs with one set of secrets (one, or several during rotation). The façade
/// keeps one per secret, so each key schedule is computed once.
#[wasm_bindgen]
pub struct Verifier {
    hook: Rc<Webhook>,
}

#[wasm_bindgen]
impl Verifier {
    /// `secret` is a `whsec_…` string or an array of them.
    #[wasm_bindgen(constructor)]
    pub fn new(secret: &JsValue) -> Result<Verifier, JsValue> {
        let hook = if let Some(s) = secret.as_string() {
            Webhook::new(&s)
        } else if Array::is_array(secret) {
            let mut list = Vec::new();
            for (i, v) in Array::from(secret).iter().enumerate() {
                let Some(s) = v.as_string() else {
                    let msg = format!("secret[{i}] is not a string; pass whsec_… strings");
                    return Err(js_error(Family::Webhook, "invalid_secret", &msg, None));
                };
                list.push(s);
            }
            Webhook::with_secrets(&list)
        } else {
            let msg = "secret must be a whsec_… string or an array of them";
            return Err(js_error(Family::Webhook, "invalid_secret", msg, None));
        };
        let hook = hook.map_err(|e| from_core(Family::Webhook, &e))?;
        Ok(Verifier {
            hook: Rc::new(hook),
        })
    }

    /// Verifies the message in the input buffer; returns its timestamp (Unix seconds). Errors are
    /// thrown, as from every export (one error channel; the `Result` costs about 1 % of a 1 KiB
    /// verification, measured when an out-of-band NaN channel was tried and removed).
    /// `tolerance_secs` absent (`undefined`) is the default; the limits are the façade's
    /// resolved values (`defaultLimits`, or `checkLimit` of an option given).
    #[allow(clippy::too_many_arguments)]
    #[wasm_bindgen(js_name = verifyInput)]
    pub fn verify_input(
        &self,
        id_len: f64,
        ts_len: f64,
        sig_len: f64,
        body_len: usize,
        now_ms: f64,
        tolerance_secs: Option<f64>,
        max_body_bytes: f64,
        max_header_bytes: f64,
        max_header_values: f64,
    ) -> Result<f64, JsValue> {
        let lens = [id_len, ts_len, sig_len, body_len as f64];
        let opts = options(
            tolerance_secs,
            max_body_bytes,
            max_header_bytes,
            max_header_values,
        )?;
        self.verify(lens, now_ms, &opts, |_| Ok(()))
            .map(|(ts, ())| ts)
    }

    /// Verifies the message in the input buffer and returns its normalized event as JSON text
    /// (parsed by the façade: cheaper than building the object across the boundary).
    #[allow(clippy::too_many_arguments)]
    #[wasm_bindgen(js_name = verifyEventInput)]
    pub fn verify_event_input(
        &self,
        id_len: f64,
        ts_len: f64,
        sig_len: f64,
        body_len: usize,
        now_ms: f64,
        tolerance_secs: Option<f64>,
        max_body_bytes: f64,
        max_header_bytes: f64,
        max_header_values: f64,
    ) -> Result<String, JsValue> {
        let lens = [id_len, ts_len, sig_len, body_len as f64];
        let opts = options(
            tolerance_secs,
            max_body_bytes,
            max_header_bytes,
            max_header_values,
        )?;
        self.verify(lens, now_ms, &opts, |body| {
            crate::normalize::event_json(body).map_err(|e| {
                // The caller asked for an event, so a verified body that is not one is a webhook
                // error; the normalizer's pointer says where.
                let msg = format!("verified webhook body is not a JSON event: {e}");
                let details = js_sys::Object::new();
                crate::errors::set(&details, "pointer", e.pointer.as_str());
                js_error(Family::Webhook, "invalid_json", &msg, Some(details))
            })
        })
        .map(|(_, json)| json)
    }

    /// Signs the `[id][body]` in the input buffer; returns the `webhook-signature` value.
    #[wasm_bindgen(js_name = signInput)]
    pub fn sign_input(
        &self,
        id_len: usize,
        body_len: usize,
        timestamp: f64,
    ) -> Result<String, JsValue> {
        if !timestamp.is_finite() || timestamp.fract() != 0.0 || timestamp.abs() > MAX_SAFE {
            let msg = format!("timestamp must be whole Unix seconds (or a Date), got {timestamp}");
            return Err(js_error(Family::Webhook, "invalid_timestamp", &msg, None));
        }
        with_input([id_len as f64, -1.0, -1.0, body_len as f64], |h, body| {
            self.hook
                .sign(h.id.unwrap_or(""), timestamp as i64, body)
                .map_err(|e| from_core(Family::Webhook, &e))
        })
    }

    fn verify<T>(
        &self,
        lens: [f64; 4],
        now_ms: f64,
        opts: &VerifyOptions,
        then: impl FnOnce(&[u8]) -> Result<T, JsValue>,
    ) -> Result<(f64, T), JsValue> {
        if !now_ms.is_finite() {
            return Err(js_error(
                Family::Argument,
                "invalid_argument",
                "options.now is not a valid time",
                None,
            ));
        }
        let now = (now_ms / 1000.0).floor() as i64;
        with_input(lens, |headers, body| {
            let timestamp = self
                .hook
                .verify_timestamp(&headers, body, now, opts)
                .map_err(|e| from_core(Family::Webhook, &e))?;
            Ok((timestamp as f64, then(body)?))
        })
    }
}

/// A tolerance absent is the default; `Infinity` is the core's `ANY_TIMESTAMP` (deliberate
/// replays); `NaN` (e.g. `Number(process.env.X)` of a typo) or any other non-integer is
/// `invalid_argument`, never the default. The limits are the façade's resolved values.
fn options(
    tolerance_secs: Option<f64>,
    max_body_bytes: f64,
    max_header_bytes: f64,
    max_header_values: f64,
) -> Result<VerifyOptions, JsValue> {
    let tolerance_secs = match tolerance_secs {
        None => VerifyOptions::DEFAULT_TOLERANCE_SECS,
        Some(f64::INFINITY) => VerifyOptions::ANY_TIMESTAMP,
        Some(t) => non_negative_int(t, "options.toleranceSeconds").map_err(|_| {
            let msg = format!(
                "options.toleranceSeconds must be whole seconds >= 0, or Infinity to accept any \
                 timestamp, got {t}"
            );
            js_error(Family::Argument, "invalid_argument", &msg, None)
        })?,
    };
    Ok(VerifyOptions {
        tolerance_secs,
        max_body_bytes: limit(max_body_bytes, "options.maxBodyBytes")?,
        max_header_bytes: limit(max_header_bytes, "options.maxHeaderBytes")?,
        max_header_values: limit(max_header_values, "options.maxHeaderValues")?,
    })
}

/// The error for a header over a limit (`values`: too many values, else too many bytes), thrown
/// by the façade before it copies the header in.
#[wasm_bindgen(js_name = headerTooLarge)]
pub fn header_too_large(header: &str, size: f64, limit: f64, values: bool) -> JsValue {
    let header = match header {
        "webhook-id" => "webhook-id",
        "webhook-timestamp" => "webhook-timestamp",
        "svix-id" => "svix-id",
        "svix-timestamp" => "svix-timestamp",
        "svix-signature" => "svix-signature",
        _ => "webhook-signature",
    };
    from_core(
        Family::Webhook,
        &WebhookError::HeaderTooLarge {
            header,
            size: size as usize,
            limit: limit as usize,
            values,
        },
    )
}

/// The error for a body over the limit, thrown by the façade before it copies a large body in.
#[wasm_bindgen(js_name = payloadTooLarge)]
pub fn payload_too_large(len: f64, limit: f64) -> JsValue {
    from_core(
        Family::Webhook,
        &WebhookError::PayloadTooLarge {
            size: len as usize,
            limit: limit as usize,
        },
    )
}

/// A new `whsec_` secret from `random` (`crypto.getRandomValues` bytes, `SECRET_BYTES` of them).
#[wasm_bindgen(js_name = generateSecret)]
pub fn generate_secret(random: &[u8]) -> Result<String, JsValue> {
    let random = random.try_into().map_err(|_| wrong_length("random"))?;
    Ok(scimkit::webhook::generate_secret(random))
}

/// A new key pair `[whsk_…, whpk_…]` from `seed` (32 `crypto.getRandomValues` bytes).
#[wasm_bindgen(js_name = generateKeyPair)]
pub fn generate_key_pair(seed: &[u8]) -> Result<Vec<String>, JsValue> {
    let seed = seed.try_into().map_err(|_| wrong_length("seed"))?;
    let pair = scimkit::webhook::generate_signing_key_pair(seed);
    Ok(vec![pair.secret_key, pair.public_key])
}

fn wrong_length(what: &str) -> JsValue {
    let msg = format!("internal: the {what} bytes have the wrong length");
    js_error(Family::Argument, "invalid_argument", &msg, None)
}
