//! The bounds on webhook headers and on JSON inputs: each has a documented default, a setting
//! that changes it, and a typed error when exceeded — checked before any hashing or parsing, and
//! never echoing a secret or a signature.

use scimkit::error::ErrorCode;
use scimkit::json::limits::{
    check_input_bytes, DEFAULT_MAX_INPUT_BYTES, DEFAULT_MAX_RESOURCE_BYTES,
};
use scimkit::webhook::{VerifyOptions, Webhook, WebhookError, WebhookHeaders};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const TS: i64 = 1_614_265_330;
const BODY: &[u8] = br#"{"test": 2432232314}"#;

fn headers<'a>(id: &'a str, ts: &'a str, sig: &'a str) -> WebhookHeaders<'a> {
    WebhookHeaders {
        id: Some(id),
        timestamp: Some(ts),
        signature: Some(sig),
    }
}

#[test]
fn the_defaults_are_the_documented_ones() {
    let d = VerifyOptions::default();
    assert_eq!(d.max_header_bytes, 8192);
    assert_eq!(d.max_header_values, 32);
    assert_eq!(d.max_body_bytes, 1_048_576);
    assert_eq!(DEFAULT_MAX_INPUT_BYTES, 1_048_576);
    assert_eq!(DEFAULT_MAX_RESOURCE_BYTES, 64 * 1_048_576);
}

#[test]
fn each_header_may_be_exactly_max_header_bytes_long_and_not_one_more() {
    let wh = Webhook::new(SECRET).unwrap();
    let ts = TS.to_string();
    let good = wh.sign(ID, TS, BODY).unwrap();
    // The signature header padded with skipped entries to exactly the limit.
    let limit = 200;
    let opts = VerifyOptions {
        max_header_bytes: limit,
        ..VerifyOptions::default()
    };
    let pad = |s: &str, to: usize| format!("{s} {}", "x".repeat(to - s.len() - 1));
    let at = pad(&good, limit);
    assert_eq!(at.len(), limit);
    assert!(wh.verify(&headers(ID, &ts, &at), BODY, TS, &opts).is_ok());
    let over = pad(&good, limit + 1);
    let err = wh
        .verify(&headers(ID, &ts, &over), BODY, TS, &opts)
        .unwrap_err();
    assert_eq!(
        err,
        WebhookError::HeaderTooLarge {
            header: "webhook-signature",
            size: limit + 1,
            limit,
            values: false
        }
    );
    assert_eq!(err.code(), "header_too_large");
    assert!(err.to_string().contains("max_header_bytes"), "{err}");
    assert!(!err.to_string().contains(&good[3..]), "no signature echoed");

    // The id and the timestamp are bounded the same way (a long id is still a valid id).
    let long_id = "m".repeat(limit + 1);
    let err = wh
        .verify(&headers(&long_id, &ts, &good), BODY, TS, &opts)
        .unwrap_err();
    assert!(matches!(
        err,
        WebhookError::HeaderTooLarge {
            header: "webhook-id",
            ..
        }
    ));
    let long_ts = "1".repeat(limit + 1);
    let err = wh
        .verify(&headers(ID, &long_ts, &good), BODY, TS, &opts)
        .unwrap_err();
    assert!(matches!(
        err,
        WebhookError::HeaderTooLarge {
            header: "webhook-timestamp",
            ..
        }
    ));
    // A larger limit lets the same header through.
    let id_ok = "m".repeat(limit + 1);
    let sig = wh.sign(&id_ok, TS, BODY).unwrap();
    let wider = VerifyOptions {
        max_header_bytes: limit + 1,
        ..opts
    };
    assert!(wh
        .verify(&headers(&id_ok, &ts, &sig), BODY, TS, &wider)
        .is_ok());
}

#[test]
fn the_signature_header_carries_at_most_max_header_values_entries() {
    let wh = Webhook::new(SECRET).unwrap();
    let other = Webhook::new("whsec_dGhlIG90aGVyIGtleQ==").unwrap();
    let ts = TS.to_string();
    let good = wh.sign(ID, TS, BODY).unwrap();
    let bad = other.sign(ID, TS, BODY).unwrap();
    let opts = VerifyOptions::default();
    // 32 entries (the default), the matching one last: verifies.
    let mut entries = vec![bad.as_str(); 31];
    entries.push(&good);
    let at_limit = entries.join(" ");
    assert!(wh
        .verify(&headers(ID, &ts, &at_limit), BODY, TS, &opts)
        .is_ok());
    // 33: refused before any HMAC, whatever their versions (other versions count too).
    entries.insert(0, "v2,abc");
    let over = entries.join(" ");
    let err = wh
        .verify(&headers(ID, &ts, &over), BODY, TS, &opts)
        .unwrap_err();
    assert_eq!(
        err,
        WebhookError::HeaderTooLarge {
            header: "webhook-signature",
            size: 33,
            limit: 32,
            values: true
        }
    );
    assert!(err.to_string().contains("max_header_values"), "{err}");
    for s in [&good[3..], &bad[3..], &SECRET[6..]] {
        assert!(!err.to_string().contains(s));
        assert!(!format!("{err:?}").contains(s));
    }
    let more = VerifyOptions {
        max_header_values: 33,
        ..opts
    };
    assert!(wh.verify(&headers(ID, &ts, &over), BODY, TS, &more).is_ok());
    // Repeated header lines joined as Fetch joins them count entry by entry.
    let joined = vec![good.as_str(); 33].join(", ");
    assert_eq!(
        wh.verify(&headers(ID, &ts, &joined), BODY, TS, &opts)
            .unwrap_err()
            .code(),
        "header_too_large"
    );
}

#[test]
fn size_checks_come_before_anything_else() {
    let wh = Webhook::new(SECRET).unwrap();
    let opts = VerifyOptions {
        max_header_bytes: 4,
        max_body_bytes: 2,
        ..VerifyOptions::default()
    };
    // Body first, then headers (before a missing header or a bad timestamp is reported).
    let h = WebhookHeaders {
        id: Some("12345"),
        timestamp: Some("soon"),
        signature: None,
    };
    assert_eq!(
        wh.verify(&h, b"{}!", TS, &opts).unwrap_err().code(),
        "payload_too_large"
    );
    assert_eq!(
        wh.verify(&h, b"{}", TS, &opts).unwrap_err().code(),
        "header_too_large"
    );
}

#[test]
fn input_bytes_are_checked_against_their_limit() {
    assert!(check_input_bytes("patch", "", 10, 10, "maxInputBytes").is_ok());
    let err = check_input_bytes("request body", "/body", 11, 10, "maxInputBytes").unwrap_err();
    assert_eq!(err.code(), "payload_too_large");
    assert_eq!(err.pointer, "/body");
    assert_eq!(
        err.to_string(),
        "request body is 11 bytes, larger than the 10-byte limit (maxInputBytes) (at /body)"
    );
    assert!(check_input_bytes("resource", "", 0, 0, "maxResourceBytes").is_ok());
}
