//! Property tests: sign→verify round trips, any one-byte change breaks verification, and no input
//! makes the core panic.

mod webhook_support;

use proptest::prelude::*;
use scimkit::error::ErrorCode;
use scimkit::webhook::{VerifyOptions, Webhook, WebhookHeaders};
use webhook_support::assert_clean;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const OTHER: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

/// Any tolerance, so a changed timestamp still reaches the signature comparison.
const LOOSE: VerifyOptions = VerifyOptions {
    tolerance_secs: u64::MAX,
    max_body_bytes: usize::MAX,
    max_header_bytes: usize::MAX,
    max_header_values: usize::MAX,
};

fn headers<'a>(id: &'a str, ts: &'a str, sig: &'a str) -> WebhookHeaders<'a> {
    WebhookHeaders {
        id: Some(id),
        timestamp: Some(ts),
        signature: Some(sig),
    }
}

/// Non-empty ids that are not whitespace-only (sign rejects those).
fn id() -> impl Strategy<Value = String> {
    prop_oneof![
        "msg_[A-Za-z0-9]{1,40}",
        any::<String>().prop_filter("not blank", |s| !s.bytes().all(|b| b.is_ascii_whitespace())),
    ]
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..600),
        any::<String>().prop_map(String::into_bytes),
        Just(Vec::new()),
    ]
}

/// Header-ish strings: mostly `version,base64` entries with assorted separators.
fn signature_header() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        proptest::collection::vec(
            "(v1|v2|v1a|V1|)(,|)[A-Za-z0-9+/=_-]{0,50}(,|)( |\t|  |, |)",
            0..6
        )
        .prop_map(|v| v.concat()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn sign_then_verify_round_trips(id in id(), ts in 0i64..=i64::MAX, body in body(),
                                    two in any::<bool>()) {
        let wh = if two {
            Webhook::with_secrets(&[OTHER, SECRET]).unwrap()
        } else {
            Webhook::new(SECRET).unwrap()
        };
        let sig = wh.sign(&id, ts, &body).unwrap();
        let ts_str = ts.to_string();
        let ok = wh.verify(&headers(&id, &ts_str, &sig), &body, ts, &VerifyOptions {
            max_body_bytes: body.len(),
            ..VerifyOptions::default()
        });
        let ok = ok.unwrap();
        prop_assert_eq!(&ok.id, &id);
        prop_assert_eq!(ok.timestamp, ts);
        // A verifier holding only one of the secrets accepts the header too.
        let single = Webhook::new(SECRET).unwrap();
        prop_assert!(single.verify(&headers(&ok.id, &ts_str, &sig), &body, ts, &LOOSE).is_ok());
    }

    #[test]
    fn changing_one_byte_of_id_timestamp_or_body_fails(
        id in id(), ts in 0i64..=i64::MAX, body in body(),
        which in 0usize..3, pos in any::<prop::sample::Index>(), mask in 1u8..=255,
    ) {
        let wh = Webhook::new(SECRET).unwrap();
        let sig = wh.sign(&id, ts, &body).unwrap();
        let ts_str = ts.to_string();
        let (mut id_b, mut ts_b, mut body_b) =
            (id.clone().into_bytes(), ts_str.clone().into_bytes(), body.clone());
        let target = match which {
            0 => &mut id_b,
            1 => &mut ts_b,
            _ => &mut body_b,
        };
        prop_assume!(!target.is_empty());
        let i = pos.index(target.len());
        target[i] ^= mask;
        let (Ok(id2), Ok(ts2)) = (String::from_utf8(id_b), String::from_utf8(ts_b)) else {
            // Not UTF-8 any more: cannot be a header value.
            return Ok(());
        };
        let err = wh.verify(&headers(&id2, &ts2, &sig), &body_b, ts, &LOOSE).unwrap_err();
        prop_assert!(
            ["invalid_signature", "invalid_timestamp", "missing_header"].contains(&err.code()),
            "{}", err
        );
        assert_clean(&err, &[SECRET], &[&sig]);
    }

    #[test]
    fn arbitrary_headers_never_panic(
        id in proptest::option::of(any::<String>()),
        ts in proptest::option::of(prop_oneof![any::<String>(), "[0-9]{0,25}"]),
        sig in proptest::option::of(signature_header()),
        body in body(), now in any::<i64>(),
        tolerance in any::<u64>(), max_body in any::<usize>(),
    ) {
        let wh = Webhook::with_secrets(&[SECRET, OTHER]).unwrap();
        let h = WebhookHeaders {
            id: id.as_deref(),
            timestamp: ts.as_deref(),
            signature: sig.as_deref(),
        };
        let opts = VerifyOptions {
            tolerance_secs: tolerance,
            max_body_bytes: max_body,
            ..VerifyOptions::default()
        };
        if let Err(err) = wh.verify(&h, &body, now, &opts) {
            assert_clean(&err, &[SECRET, OTHER], &[]);
        }
        if let Some(id) = id.as_deref() {
            let _ = wh.sign(id, now, &body);
        }
    }

    #[test]
    fn arbitrary_secrets_never_panic(secret in prop_oneof![
        any::<String>(),
        "(whsec_|)[A-Za-z0-9+/=_-]{0,90}",
    ]) {
        match Webhook::new(&secret) {
            Ok(wh) => {
                let sig = wh.sign("msg_1", 1, b"x").unwrap();
                prop_assert!(wh.verify(&headers("msg_1", "1", &sig), b"x", 1, &VerifyOptions::default()).is_ok());
            }
            Err(err) => {
                prop_assert_eq!(err.code(), "invalid_secret");
                assert_clean(&err, &[&secret], &[]);
            }
        }
        let _ = Webhook::with_secrets(&[SECRET, &secret]);
    }

    #[test]
    fn random_signature_headers_reach_the_parser_and_never_verify(
        sig in signature_header(), body in body(),
    ) {
        let wh = Webhook::new(SECRET).unwrap();
        let expected = wh.sign("msg_1", 1614265330, &body).unwrap();
        let err = wh
            .verify(&headers("msg_1", "1614265330", &sig), &body, 1614265330, &VerifyOptions::default())
            .unwrap_err();
        prop_assert!(["invalid_signature", "missing_header"].contains(&err.code()), "{}", err);
        assert_clean(&err, &[SECRET], &[&expected]);
        // Appending the valid signature always verifies, whatever came before it.
        let with_valid = format!("{sig} {expected}");
        prop_assert!(wh
            .verify(&headers("msg_1", "1614265330", &with_valid), &body, 1614265330, &VerifyOptions::default())
            .is_ok());
    }
}
