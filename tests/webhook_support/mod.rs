//! Helpers shared by the `webhook_*` integration tests.
#![allow(dead_code)]

use scimkit::error::ErrorCode;
use scimkit::webhook::{Verified, VerifyOptions, Webhook, WebhookError, WebhookHeaders};

/// Verifies with default options.
pub fn verify(
    wh: &Webhook,
    id: &str,
    ts: &str,
    sig: &str,
    body: &[u8],
    now: i64,
) -> Result<Verified, WebhookError> {
    let headers = WebhookHeaders {
        id: Some(id),
        timestamp: Some(ts),
        signature: Some(sig),
    };
    wh.verify(&headers, body, now, &VerifyOptions::default())
}

/// Asserts `err` has `code`, and that neither its message nor its `Debug` contains any of the
/// secrets (with or without `whsec_`) or any of the expected signatures (with or without `v1,`).
pub fn assert_err(err: &WebhookError, code: &str, secrets: &[&str], signatures: &[&str]) {
    assert_eq!(err.code(), code, "wrong code for error: {err}");
    assert_clean(err, secrets, signatures);
}

/// Asserts the error's `Display` and `Debug` contain no secret and no expected signature.
pub fn assert_clean(err: &WebhookError, secrets: &[&str], signatures: &[&str]) {
    let shown = format!("{err} | {err:?}");
    assert!(!err.to_string().is_empty());
    for s in secrets {
        let key = s.strip_prefix("whsec_").unwrap_or(s);
        if key.len() >= 4 {
            assert!(!shown.contains(key), "error leaks a secret: {shown}");
        }
    }
    for sig in signatures {
        for entry in sig.split(' ') {
            let mac = entry.strip_prefix("v1,").unwrap_or(entry);
            if mac.len() >= 8 {
                assert!(!shown.contains(mac), "error leaks an expected MAC: {shown}");
            }
        }
    }
}
