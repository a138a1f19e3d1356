//! Edge cases of the webhook core: headers, signature-header parsing, secrets, rotation, limits,
//! and error messages that never leak secrets or expected MACs.

mod webhook_support;

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine as _;
use scimkit::error::ErrorCode;
use scimkit::webhook::{
    Verified, VerifyOptions, Webhook, WebhookError, WebhookHeaders, WebhookKey,
};
use webhook_support::{assert_clean, assert_err, verify};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const OTHER: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const TS: i64 = 1614265330;
const TS_STR: &str = "1614265330";
const BODY: &[u8] = br#"{"test": 2432232314}"#;
const SIG: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

fn wh() -> Webhook {
    Webhook::new(SECRET).unwrap()
}

/// Verifies `sig` for the canonical message, expecting success.
fn ok(sig: &str) -> Verified {
    verify(&wh(), ID, TS_STR, sig, BODY, TS).unwrap_or_else(|e| panic!("{sig:?}: {e}"))
}

/// Verifies `sig` for the canonical message, expecting `code`; checks the message is clean.
fn fails(sig: &str, code: &str) -> WebhookError {
    let err = verify(&wh(), ID, TS_STR, sig, BODY, TS).unwrap_err();
    assert_err(&err, code, &[SECRET, OTHER], &[SIG]);
    err
}

#[test]
fn missing_headers_each_way() {
    let wh = wh();
    let opts = VerifyOptions::default();
    for blank in [None, Some(""), Some(" "), Some("\t \t")] {
        let cases = [
            (
                WebhookHeaders {
                    id: blank,
                    timestamp: Some(TS_STR),
                    signature: Some(SIG),
                },
                "webhook-id",
            ),
            (
                WebhookHeaders {
                    id: Some(ID),
                    timestamp: blank,
                    signature: Some(SIG),
                },
                "webhook-timestamp",
            ),
            (
                WebhookHeaders {
                    id: Some(ID),
                    timestamp: Some(TS_STR),
                    signature: blank,
                },
                "webhook-signature",
            ),
        ];
        for (headers, name) in cases {
            let err = wh.verify(&headers, BODY, TS, &opts).unwrap_err();
            assert_err(&err, "missing_header", &[SECRET], &[SIG]);
            assert_eq!(err, WebhookError::MissingHeader { header: name });
            assert!(err.to_string().contains(name), "{err}");
        }
    }
    let err = wh
        .verify(&WebhookHeaders::default(), BODY, TS, &opts)
        .unwrap_err();
    assert_eq!(
        err,
        WebhookError::MissingHeader {
            header: "webhook-id"
        }
    );
}

#[test]
fn check_order_body_size_then_headers_then_timestamp_then_tolerance_then_signature() {
    let wh = wh();
    let tiny = VerifyOptions {
        max_body_bytes: 4,
        ..VerifyOptions::default()
    };
    // Body size comes first, even with every header missing.
    let err = wh
        .verify(&WebhookHeaders::default(), BODY, TS, &tiny)
        .unwrap_err();
    assert_err(&err, "payload_too_large", &[SECRET], &[SIG]);
    assert!(err.to_string().contains(&format!("{} bytes", BODY.len())));
    assert!(err.to_string().contains("4-byte limit"));
    // Missing header before a bad timestamp.
    let h = WebhookHeaders {
        id: Some(ID),
        timestamp: Some("nope"),
        signature: None,
    };
    let err = wh
        .verify(&h, BODY, TS, &VerifyOptions::default())
        .unwrap_err();
    assert_eq!(err.code(), "missing_header");
    // Bad timestamp before a bad signature.
    let err = verify(&wh, ID, "nope", "v1,xx", BODY, TS).unwrap_err();
    assert_err(&err, "invalid_timestamp", &[SECRET], &[SIG]);
    // Tolerance before signature.
    let err = verify(&wh, ID, TS_STR, "v1,xx", BODY, TS + 1000).unwrap_err();
    assert_err(&err, "timestamp_too_old", &[SECRET], &[SIG]);
    assert!(err.to_string().contains("700 s beyond"), "{err}");
}

#[test]
fn limits_are_inclusive_and_zero_limits_work() {
    let wh = wh();
    let sig = wh.sign(ID, TS, b"").unwrap();
    let h = WebhookHeaders {
        id: Some(ID),
        timestamp: Some(TS_STR),
        signature: Some(&sig),
    };
    let zero = VerifyOptions {
        tolerance_secs: 0,
        max_body_bytes: 0,
        ..VerifyOptions::default()
    };
    assert!(wh.verify(&h, b"", TS, &zero).is_ok());
    let err = wh.verify(&h, b"x", TS, &zero).unwrap_err();
    assert_err(&err, "payload_too_large", &[SECRET], &[&sig]);
    let exact = VerifyOptions {
        max_body_bytes: BODY.len(),
        ..zero
    };
    assert!(wh
        .verify(
            &WebhookHeaders {
                signature: Some(SIG),
                ..h
            },
            BODY,
            TS,
            &exact
        )
        .is_ok());
}

#[test]
fn entries_separated_by_any_ascii_whitespace() {
    let decoy = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=";
    for sep in [" ", "  ", "\t", " \t ", "\n", "\r\n"] {
        ok(&format!("{decoy}{sep}{SIG}"));
        ok(&format!("{SIG}{sep}{decoy}"));
    }
    ok(&format!("  {SIG}  "));
    ok(&format!("\t{SIG}\t"));
}

#[test]
fn trailing_commas_from_fetch_header_joining() {
    let decoy = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=";
    ok(&format!("{decoy}, {SIG}"));
    ok(&format!("{SIG}, {decoy}"));
    ok(&format!("{SIG},"));
    ok(&format!("v2,abc, v1,AAAA, {SIG},"));
}

#[test]
fn malformed_entries_are_skipped_and_a_later_valid_entry_still_matches() {
    let mac = SIG.strip_prefix("v1,").unwrap();
    let malformed = [
        "v1".to_owned(),
        "v1,".to_owned(),
        ",".to_owned(),
        ",,".to_owned(),
        "v1,,".to_owned(),
        "v1,AAAA".to_owned(),
        "v1,!!!!".to_owned(),
        format!("v1,{}", STANDARD.encode([7u8; 31])),
        format!("v1,{}", STANDARD.encode([7u8; 33])),
        format!("v1,{}", STANDARD.encode([7u8; 64])),
        format!("v1,{mac}=="),
        format!("v1,{}", &mac[1..]),
        format!("v1,{mac}x"),
        format!("v1,{}", URL_SAFE.encode([0xfb; 32])),
        "v1a,QmFzZTY0".to_owned(),
        format!("v2,{mac}"),
        format!("V1,{mac}"),
        format!("v1a,{mac}"),
        format!("v1,,{mac}"),
        "é,ü".to_owned(),
    ];
    for m in &malformed {
        ok(&format!("{m} {SIG}"));
        let err = fails(m, "invalid_signature");
        assert!(
            matches!(err, WebhookError::InvalidSignature { v1_checked: 0, .. }),
            "{m:?} should not count as a v1 signature: {err:?}"
        );
        assert!(err.to_string().contains("no valid v1 signature"), "{err}");
    }
    let all = malformed.join(" ");
    ok(&format!("{all} {SIG}"));
    let err = fails(&all, "invalid_signature");
    assert!(
        err.to_string().contains(&format!(
            "{} other-version or malformed entries skipped",
            malformed.len()
        )),
        "{err}"
    );
}

#[test]
fn signature_without_padding_is_accepted() {
    ok(SIG.trim_end_matches('='));
}

#[test]
fn only_other_versions_says_no_v1_signature() {
    let mac = SIG.strip_prefix("v1,").unwrap();
    let err = fails(&format!("v2,{mac} v1a,{mac}"), "invalid_signature");
    assert!(err.to_string().contains("no valid v1 signature"), "{err}");
}

#[test]
fn message_names_the_number_of_checked_signatures() {
    let decoy = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=";
    let err = fails(decoy, "invalid_signature");
    assert!(
        err.to_string()
            .contains("the v1 signature in the webhook-signature header does not match"),
        "{err}"
    );
    assert!(err.to_string().contains("raw body"), "{err}");
    let err = fails(&format!("{decoy} {decoy} v2,x"), "invalid_signature");
    assert!(
        err.to_string().contains("none of the 2 v1 signatures"),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("1 other-version or malformed entry skipped"),
        "{err}"
    );
}

#[test]
fn tampered_messages_fail() {
    let wh = wh();
    for (id, ts, body) in [
        ("msg_p5jXN8AQM9LWM0D4loKWxJeK", TS_STR, BODY),
        (ID, "1614265331", BODY),
        (ID, TS_STR, &br#"{"test": 2432232315}"#[..]),
        (ID, TS_STR, &br#"{"test":2432232314}"#[..]),
        (ID, TS_STR, &b""[..]),
    ] {
        let now = ts.parse().unwrap();
        let err = verify(&wh, id, ts, SIG, body, now).unwrap_err();
        assert_err(&err, "invalid_signature", &[SECRET], &[SIG]);
    }
}

/// A key whose base64 uses `+` and `/` (standard) or `-` and `_` (URL-safe).
const KEY: [u8; 24] = [
    0xfb, 0xff, 0xbf, 0xfb, 0xef, 0xbe, 0x01, 0x02, 0x03, 0xfb, 0xff, 0xbf, 0x10, 0x20, 0x30, 0x40,
    0x50, 0x60, 0x70, 0x80, 0x90, 0xa0, 0xfe, 0xff,
];

#[test]
fn secret_encodings_all_give_the_same_key() {
    let reference = Webhook::new(&format!("whsec_{}", STANDARD.encode(KEY)))
        .unwrap()
        .sign(ID, TS, BODY)
        .unwrap();
    let url = URL_SAFE.encode(KEY);
    assert!(url.contains('_') && url.contains('-'), "{url}");
    // A 23-byte key needs padding in base64: exercise padded and unpadded forms too.
    let key23 = &KEY[..23];
    let reference23 = Webhook::new(&STANDARD.encode(key23))
        .unwrap()
        .sign(ID, TS, BODY)
        .unwrap();
    for (secret, expected) in [
        (format!("whsec_{}", STANDARD.encode(KEY)), &reference),
        (STANDARD.encode(KEY), &reference),
        (format!("whsec_{url}"), &reference),
        (url.clone(), &reference),
        (format!("whsec_{}", STANDARD.encode(key23)), &reference23),
        (
            format!("whsec_{}", STANDARD_NO_PAD.encode(key23)),
            &reference23,
        ),
        (format!("whsec_{}", URL_SAFE.encode(key23)), &reference23),
        (URL_SAFE_NO_PAD.encode(key23), &reference23),
    ] {
        let wh = Webhook::new(&secret).unwrap_or_else(|e| panic!("{secret}: {e}"));
        assert_eq!(&wh.sign(ID, TS, BODY).unwrap(), expected, "{secret}");
        ok_with(&wh, expected);
    }
    // The vector secret without its prefix.
    let bare = SECRET.strip_prefix("whsec_").unwrap();
    assert_eq!(Webhook::new(bare).unwrap().sign(ID, TS, BODY).unwrap(), SIG);
}

fn ok_with(wh: &Webhook, sig: &str) {
    verify(wh, ID, TS_STR, sig, BODY, TS).unwrap_or_else(|e| panic!("{sig}: {e}"));
}

#[test]
fn bad_secrets_are_rejected_without_echoing_them() {
    let bad = [
        "",
        "whsec_",
        "whsec_not base64!!",
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLa$w",
        "whsec_MfKQ9r8GKYqrTwjUPD8IL+ZIo2LaLa_w", // mixed alphabets
        "whsec_A",                                // one char: not a whole byte
        "whsec_====",
        "secret with spaces",
    ];
    for s in bad {
        let err = Webhook::new(s).unwrap_err();
        assert_err(&err, "invalid_secret", &[s], &[]);
        assert_eq!(WebhookKey::from_secret(s).unwrap_err(), err);
        assert!(err.to_string().contains("index 0"), "{err}");
        if s.len() > 8 {
            assert!(!err.to_string().contains(&s[6..]), "{err}");
        }
    }
}

#[test]
fn prefix_is_stripped_exactly_once_not_split_on_underscore() {
    // A URL-safe key that contains `_`: splitting on `_` would lose part of it.
    let url = URL_SAFE.encode(KEY);
    let a = Webhook::new(&format!("whsec_{url}")).unwrap();
    let b = Webhook::new(&url).unwrap();
    assert_eq!(a.sign(ID, TS, BODY).unwrap(), b.sign(ID, TS, BODY).unwrap());
    // Some other prefix is not stripped: it is part of the (URL-safe) key.
    let c = Webhook::new(&format!("whsex_{url}")).unwrap();
    assert_ne!(a.sign(ID, TS, BODY).unwrap(), c.sign(ID, TS, BODY).unwrap());
}

#[test]
fn rotation_any_secret_may_match() {
    let both = Webhook::with_secrets(&[OTHER, SECRET]).unwrap();
    ok_with(&both, SIG); // made with the second secret
    let other_sig = Webhook::new(OTHER).unwrap().sign(ID, TS, BODY).unwrap();
    ok_with(&both, &other_sig);
    let strings = vec![SECRET.to_owned()];
    ok_with(&Webhook::with_secrets(&strings).unwrap(), SIG);

    let err = verify(
        &Webhook::with_secrets(&[OTHER]).unwrap(),
        ID,
        TS_STR,
        SIG,
        BODY,
        TS,
    )
    .unwrap_err();
    assert_err(
        &err,
        "invalid_signature",
        &[SECRET, OTHER],
        &[SIG, &other_sig],
    );

    let err = verify(
        &both,
        ID,
        TS_STR,
        "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
        BODY,
        TS,
    )
    .unwrap_err();
    assert_err(
        &err,
        "invalid_signature",
        &[SECRET, OTHER],
        &[SIG, &other_sig],
    );
    assert!(err.to_string().contains("2 secrets"), "{err}");
}

#[test]
fn with_secrets_rejects_empty_list_and_names_the_bad_index() {
    let none: [&str; 0] = [];
    let err = Webhook::with_secrets(&none).unwrap_err();
    assert_err(&err, "invalid_secret", &[], &[]);
    assert_eq!(
        err,
        WebhookError::InvalidSecret {
            index: None,
            reason: "no secrets given; at least one is required"
        }
    );
    let err = Webhook::with_secrets(&[SECRET, OTHER, "whsec_%%%"]).unwrap_err();
    assert_err(&err, "invalid_secret", &[SECRET, OTHER, "whsec_%%%"], &[]);
    assert!(matches!(
        err,
        WebhookError::InvalidSecret { index: Some(2), .. }
    ));
    assert!(err.to_string().contains("index 2"), "{err}");
}

#[test]
fn sign_with_two_secrets_gives_two_entries_in_key_order() {
    let both = Webhook::with_secrets(&[SECRET, OTHER]).unwrap();
    let header = both.sign(ID, TS, BODY).unwrap();
    let entries: Vec<&str> = header.split(' ').collect();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0], SIG);
    assert_eq!(
        entries[1],
        Webhook::new(OTHER).unwrap().sign(ID, TS, BODY).unwrap()
    );
    ok_with(&Webhook::new(SECRET).unwrap(), entries[0]);
    ok_with(&Webhook::new(OTHER).unwrap(), entries[1]);
    ok_with(&Webhook::new(OTHER).unwrap(), &header);
    ok_with(&both, &header);
}

#[test]
fn sign_rejects_bad_ids_and_negative_timestamps_and_accepts_empty_bodies() {
    let wh = wh();
    for id in ["", " ", "\t"] {
        let err = wh.sign(id, TS, BODY).unwrap_err();
        assert_err(&err, "invalid_header", &[SECRET], &[SIG]);
        assert!(err.to_string().contains("webhook-id"), "{err}");
    }
    for ts in [-1, i64::MIN] {
        let err = wh.sign(ID, ts, BODY).unwrap_err();
        assert_err(&err, "invalid_timestamp", &[SECRET], &[SIG]);
    }
    let sig = wh.sign(ID, 0, b"").unwrap();
    assert!(verify(&wh, ID, "0", &sig, b"", 0).is_ok());
    let sig = wh.sign(ID, TS, b"").unwrap();
    assert!(verify(&wh, ID, TS_STR, &sig, b"", TS).is_ok());
    let max = wh.sign(ID, i64::MAX, BODY).unwrap();
    assert!(verify(&wh, ID, &i64::MAX.to_string(), &max, BODY, i64::MAX).is_ok());
}

#[test]
fn extreme_clocks_and_tolerances_do_not_overflow() {
    let wh = wh();
    for now in [i64::MIN, -1, 0, i64::MAX] {
        let err = verify(&wh, ID, TS_STR, SIG, BODY, now).unwrap_err();
        assert!(
            ["timestamp_too_old", "timestamp_too_new"].contains(&err.code()),
            "{err}"
        );
        assert_clean(&err, &[SECRET], &[SIG]);
    }
    let err = verify(&wh, ID, "9223372036854775807", SIG, BODY, i64::MIN).unwrap_err();
    assert_err(&err, "timestamp_too_new", &[SECRET], &[SIG]);
    let forever = VerifyOptions {
        tolerance_secs: u64::MAX,
        ..VerifyOptions::default()
    };
    let h = WebhookHeaders {
        id: Some(ID),
        timestamp: Some(TS_STR),
        signature: Some(SIG),
    };
    assert!(wh.verify(&h, BODY, i64::MIN, &forever).is_ok());
    assert!(wh.verify(&h, BODY, i64::MAX, &forever).is_ok());
}

#[test]
fn milliseconds_hint_from_digit_count_or_magnitude() {
    let wh = wh();
    // 13 digits.
    let err = verify(&wh, ID, "1614265330000", SIG, BODY, TS).unwrap_err();
    assert_err(&err, "timestamp_too_new", &[SECRET], &[SIG]);
    assert!(err.to_string().contains("milliseconds"), "{err}");
    // Fewer digits but more than 100 × now.
    let err = verify(&wh, ID, "200000000", SIG, BODY, 1_000_000).unwrap_err();
    assert!(err.to_string().contains("milliseconds"), "{err}");
    // Just a little in the future: no hint.
    let err = verify(&wh, ID, "1614266000", SIG, BODY, TS).unwrap_err();
    assert!(!err.to_string().contains("milliseconds"), "{err}");
    assert!(
        err.to_string().contains("370 s beyond the 300 s tolerance"),
        "{err}"
    );
}

#[test]
fn received_timestamp_is_echoed_escaped_and_truncated() {
    let wh = wh();
    let long = format!("{}abc", "9".repeat(100));
    let err = verify(&wh, ID, &long, SIG, BODY, TS).unwrap_err();
    assert_err(&err, "invalid_timestamp", &[SECRET], &[SIG]);
    assert!(err.to_string().contains(&"9".repeat(40)));
    assert!(!err.to_string().contains(&"9".repeat(41)), "{err}");
    let err = verify(&wh, ID, "12\n34\u{1b}[0m", SIG, BODY, TS).unwrap_err();
    assert!(!err.to_string().contains('\n') && !err.to_string().contains('\u{1b}'));
    assert!(err.to_string().contains("\\n"), "{err}");
}

#[test]
fn debug_output_is_redacted() {
    let both = Webhook::with_secrets(&[SECRET, OTHER]).unwrap();
    let shown = format!("{both:?} {:?}", WebhookKey::from_secret(SECRET).unwrap());
    assert!(shown.contains("[REDACTED"), "{shown}");
    for s in [SECRET, OTHER] {
        assert!(!shown.contains(&s[6..]), "{shown}");
    }
    let one: Webhook = WebhookKey::from_secret(SECRET).unwrap().into();
    ok_with(&one, SIG);
}

#[test]
fn verified_carries_id_and_timestamp() {
    let v = ok(SIG);
    assert_eq!(
        v,
        Verified {
            id: ID.to_owned(),
            timestamp: TS
        }
    );
}

#[test]
fn non_ascii_ids_and_bodies_round_trip() {
    let wh = wh();
    let id = "msg_ünïcødé_🦀";
    let body = "{\"name\":\"Zoë 🦀\"}".as_bytes();
    let sig = wh.sign(id, TS, body).unwrap();
    assert!(verify(&wh, id, TS_STR, &sig, body, TS).is_ok());
    let err = verify(&wh, "msg_unicode", TS_STR, &sig, body, TS).unwrap_err();
    assert_err(&err, "invalid_signature", &[SECRET], &[&sig]);
}
