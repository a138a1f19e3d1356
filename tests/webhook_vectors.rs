//! Known-answer vectors and negative fixtures from the standard-webhooks and svix test suites
//! (`tests/vectors/webhook-vectors.json`; see tests/vectors/README.md for their sources).

mod webhook_support;

use scimkit::error::ErrorCode;
use scimkit::webhook::{VerifyOptions, Webhook, WebhookError, WebhookHeaders};
use serde_json::Value;
use webhook_support::{assert_err, verify};

fn vectors() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/vectors/webhook-vectors.json"
    );
    let text = std::fs::read_to_string(path).expect("read webhook-vectors.json");
    serde_json::from_str(&text).expect("parse webhook-vectors.json")
}

struct Vector {
    name: String,
    secret: String,
    id: String,
    timestamp: i64,
    payload: Vec<u8>,
    expected: String,
}

/// Expands `payload_spec` such as `'a' repeated 1048576 times`.
fn expand_spec(spec: &str) -> Vec<u8> {
    let rest = spec
        .strip_prefix('\'')
        .expect("spec starts with a quoted char");
    let (ch, rest) = rest.split_once('\'').expect("closing quote");
    let count = rest
        .trim()
        .strip_prefix("repeated ")
        .and_then(|r| r.strip_suffix(" times"))
        .expect("'repeated N times'")
        .parse::<usize>()
        .expect("count");
    ch.repeat(count).into_bytes()
}

fn load_vectors() -> Vec<Vector> {
    let v = vectors();
    let list = v["vectors"].as_array().expect("vectors array");
    assert_eq!(list.len(), 5);
    list.iter()
        .map(|x| {
            let payload = match (x["payload"].as_str(), x["payload_spec"].as_str()) {
                (Some(p), _) => p.as_bytes().to_vec(),
                (None, Some(spec)) => expand_spec(spec),
                _ => panic!("vector without payload"),
            };
            Vector {
                name: x["name"].as_str().unwrap().to_owned(),
                secret: x["secret"].as_str().unwrap().to_owned(),
                id: x["msg_id"].as_str().unwrap().to_owned(),
                timestamp: x["timestamp"].as_i64().unwrap(),
                payload,
                expected: x["expected_signature"].as_str().unwrap().to_owned(),
            }
        })
        .collect()
}

fn vector(name: &str) -> Vector {
    load_vectors()
        .into_iter()
        .find(|v| v.name == name)
        .unwrap_or_else(|| panic!("no vector {name}"))
}

fn fixtures() -> Value {
    vectors()["negative_fixtures_from_tests"].clone()
}

/// Strips a fixture's trailing annotation, e.g. `"v1,... (python: wrong last char)"`.
fn strip_note(s: &str) -> &str {
    s.split(" (").next().unwrap().trim()
}

fn assert_vector_err(v: &Vector, err: &WebhookError, code: &str) {
    assert_err(err, code, &[&v.secret], &[&v.expected]);
}

#[test]
fn every_vector_signs_to_its_expected_signature_and_verifies() {
    for v in load_vectors() {
        let wh = Webhook::new(&v.secret).unwrap();
        let sig = wh.sign(&v.id, v.timestamp, &v.payload).unwrap();
        assert_eq!(sig, v.expected, "vector {}", v.name);
        let ts = v.timestamp.to_string();
        let ok = verify(&wh, &v.id, &ts, &v.expected, &v.payload, v.timestamp)
            .unwrap_or_else(|e| panic!("vector {} failed to verify: {e}", v.name));
        assert_eq!(ok.id, v.id);
        assert_eq!(ok.timestamp, v.timestamp);
    }
}

#[test]
fn one_mib_vector_is_exactly_at_the_default_limit() {
    let v = vector("svix-large-1MiB");
    assert_eq!(v.payload.len(), VerifyOptions::default().max_body_bytes);
    let wh = Webhook::new(&v.secret).unwrap();
    let ts = v.timestamp.to_string();
    assert!(verify(&wh, &v.id, &ts, &v.expected, &v.payload, v.timestamp).is_ok());

    let mut bigger = v.payload.clone();
    bigger.push(b'a');
    let err = verify(&wh, &v.id, &ts, &v.expected, &bigger, v.timestamp).unwrap_err();
    assert_vector_err(&v, &err, "payload_too_large");
    assert_eq!(
        err,
        WebhookError::PayloadTooLarge {
            size: 1_048_577,
            limit: 1_048_576
        }
    );
    assert!(err.to_string().contains("1048577"));
}

#[test]
fn fixture_invalid_signatures_are_rejected() {
    let v = vector("stdwh-canonical");
    let wh = Webhook::new(&v.secret).unwrap();
    let ts = v.timestamp.to_string();
    let list = fixtures()["invalid_signatures"].as_array().unwrap().clone();
    assert_eq!(list.len(), 5);
    for raw in list {
        let raw = raw.as_str().unwrap();
        let sig = if raw == "<first 8 chars of a valid header>" {
            v.expected[..8].to_owned()
        } else {
            strip_note(raw).to_owned()
        };
        let err = verify(&wh, &v.id, &ts, &sig, &v.payload, v.timestamp).unwrap_err();
        assert_vector_err(&v, &err, "invalid_signature");
    }
}

#[test]
fn fixture_multi_signature_header_with_the_valid_one_in_the_middle_verifies() {
    let v = vector("stdwh-canonical");
    let wh = Webhook::new(&v.secret).unwrap();
    let ts = v.timestamp.to_string();
    let fixture = fixtures()["multi_sig_header_js_python_go"]
        .as_str()
        .unwrap()
        .to_owned();
    let header = fixture
        .split("  -> ")
        .next()
        .unwrap()
        .replace("<valid v1 sig>", &v.expected);
    assert_eq!(header.split(' ').count(), 4);
    assert!(verify(&wh, &v.id, &ts, &header, &v.payload, v.timestamp).is_ok());

    // Without the valid entry it fails, having compared the two well-formed v1 entries.
    let without = header.replace(&v.expected, "");
    let err = verify(&wh, &v.id, &ts, &without, &v.payload, v.timestamp).unwrap_err();
    assert_vector_err(&v, &err, "invalid_signature");
    assert!(matches!(
        err,
        WebhookError::InvalidSignature {
            v1_checked: 2,
            skipped: 1,
            ..
        }
    ));
    assert!(err.to_string().contains("none of the 2 v1 signatures"));
}

#[test]
fn fixture_rust_multi_signature_list() {
    let v = vector("stdwh-rust");
    let wh = Webhook::new(&v.secret).unwrap();
    let ts = v.timestamp.to_string();
    let decoys: Vec<String> = fixtures()["multi_sig_rust"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect();
    let only_decoys = decoys.join(" ");
    let err = verify(&wh, &v.id, &ts, &only_decoys, &v.payload, v.timestamp).unwrap_err();
    assert_vector_err(&v, &err, "invalid_signature");

    for pos in 0..=decoys.len() {
        let mut entries = decoys.clone();
        entries.insert(pos, v.expected.clone());
        let header = entries.join(" ");
        assert!(
            verify(&wh, &v.id, &ts, &header, &v.payload, v.timestamp).is_ok(),
            "valid signature at position {pos}"
        );
    }
}

#[test]
fn fixture_rust_no_verify_signature_fails() {
    let v = vector("stdwh-rust");
    let wh = Webhook::new(&v.secret).unwrap();
    let ts = v.timestamp.to_string();
    let sig = strip_note(fixtures()["rust_no_verify_signature"].as_str().unwrap()).to_owned();
    assert!(sig.starts_with("v1,R3PTzy"));
    let err = verify(&wh, &v.id, &ts, &sig, &v.payload, v.timestamp).unwrap_err();
    assert_vector_err(&v, &err, "invalid_signature");
}

#[test]
fn fixture_timestamps_at_301_fail_and_at_300_pass() {
    let v = vector("stdwh-canonical");
    let wh = Webhook::new(&v.secret).unwrap();
    let ts = v.timestamp.to_string();
    let t = v.timestamp;
    // now - ts = 300: 300 s old, passes; 301 s old fails.
    assert!(verify(&wh, &v.id, &ts, &v.expected, &v.payload, t + 300).is_ok());
    assert!(verify(&wh, &v.id, &ts, &v.expected, &v.payload, t - 300).is_ok());
    let old = verify(&wh, &v.id, &ts, &v.expected, &v.payload, t + 301).unwrap_err();
    assert_vector_err(&v, &old, "timestamp_too_old");
    assert!(
        old.to_string().contains("1 s beyond the 300 s tolerance"),
        "{old}"
    );
    let new = verify(&wh, &v.id, &ts, &v.expected, &v.payload, t - 301).unwrap_err();
    assert_vector_err(&v, &new, "timestamp_too_new");
    assert!(!new.to_string().contains("milliseconds"));

    // The same with freshly signed messages at now ± 301.
    let now = 1_700_000_000;
    for (offset, code) in [(-301, "timestamp_too_old"), (301, "timestamp_too_new")] {
        let ts = now + offset;
        let sig = wh.sign(&v.id, ts, &v.payload).unwrap();
        let err = verify(&wh, &v.id, &ts.to_string(), &sig, &v.payload, now).unwrap_err();
        assert_err(&err, code, &[&v.secret], &[&sig]);
    }
}

#[test]
fn fixture_malformed_timestamps_are_invalid() {
    let v = vector("stdwh-canonical");
    let wh = Webhook::new(&v.secret).unwrap();
    for ts in [
        "hello",
        "1614265330abc",
        "01614265330",
        "-161426533",
        "161426533.0",
        "invalid timestamp",
        "+1614265330",
        " 1614265330",
        "1614265330 ",
        "１６１４２６５３３０", // full-width digits
        "99999999999999999999",
        "9223372036854775808",
    ] {
        let err = verify(&wh, &v.id, ts, &v.expected, &v.payload, v.timestamp).unwrap_err();
        assert_vector_err(&v, &err, "invalid_timestamp");
        assert!(err.to_string().contains("webhook-timestamp"), "{err}");
    }
    // Signing rejects negative timestamps (the PHP fixtures' '-161426533').
    let err = wh.sign(&v.id, -161426533, &v.payload).unwrap_err();
    assert_vector_err(&v, &err, "invalid_timestamp");
}

#[test]
fn millisecond_timestamp_is_too_new_and_says_so() {
    let v = vector("stdwh-canonical");
    let wh = Webhook::new(&v.secret).unwrap();
    let ms = v.timestamp * 1000;
    let ms_str = ms.to_string();
    assert_eq!(ms_str.len(), 13);
    let sig = wh.sign(&v.id, ms, &v.payload).unwrap();
    let err = verify(&wh, &v.id, &ms_str, &sig, &v.payload, v.timestamp).unwrap_err();
    assert_err(&err, "timestamp_too_new", &[&v.secret], &[&sig]);
    assert!(err.to_string().contains("milliseconds"), "{err}");
}

#[test]
fn fixture_empty_secrets_are_rejected() {
    for s in ["", "whsec_"] {
        let err = Webhook::new(s).unwrap_err();
        assert_eq!(err.code(), "invalid_secret");
        let err =
            Webhook::with_secrets(&["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", s]).unwrap_err();
        assert_eq!(err.code(), "invalid_secret");
        assert!(err.to_string().contains("index 1"), "{err}");
        assert!(!err.to_string().contains("MfKQ9r8"), "{err}");
    }
}

#[test]
fn headers_struct_verifies_vector() {
    let v = vector("stdwh-rust");
    let wh = Webhook::new(&v.secret).unwrap();
    let ts = v.timestamp.to_string();
    let headers = WebhookHeaders {
        id: Some(&v.id),
        timestamp: Some(&ts),
        signature: Some(&v.expected),
    };
    let opts = VerifyOptions {
        tolerance_secs: 0,
        ..VerifyOptions::default()
    };
    let ok = wh.verify(&headers, &v.payload, v.timestamp, &opts).unwrap();
    assert_eq!(ok.id, "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk");
    let err = wh
        .verify(&headers, &v.payload, v.timestamp + 1, &opts)
        .unwrap_err();
    assert_vector_err(&v, &err, "timestamp_too_old");
}
