//! Webhook verification: the `webhook-signature` and `webhook-timestamp` headers, the id and the
//! body, against `whsec_`, `whpk_` and `whsk_` keys.
//!
//! Input: `config \0 id \0 timestamp \0 signature \0 body`, where `config` is
//! `<keys> <now> <tolerance>` (keys: `h` the `whsec_` secret, `p` the `whpk_` key, `s` the `whsk_`
//! key, `a` all three; a part that does not parse takes its default).
//!
//! Checks, besides never panicking: a timestamp is accepted only in its one canonical form; the
//! tolerance window is exactly `now ± tolerance` (computed here in i128); a verified delivery
//! stops verifying when its body or id changes; what the keys sign verifies; no error message
//! holds a secret, a key or the signature the keys would make.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scimkit::webhook::{VerifyOptions, Webhook, WebhookError, WebhookHeaders};
use scimkit_fuzz::{assert_not_in, fields, SEP};

/// The Standard Webhooks test secret and Svix's test key pair (tests/vectors, tests/webhook_v1a.rs).
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const PUBLIC_KEY: &str = "whpk_1SiA4o9hyqTCpIqC5V9HUakiiaeACeqfZTInDBbOir4=";
const SECRET_KEY: &str =
    "whsk_6Xb/dCcHpPea21PS1N9VY/NZW723CEc77N4rJCubMbfVKIDij2HKpMKkioLlX0dRqSKJp4AJ6p9lMicMFs6Kvg==";
const DEFAULT_NOW: i64 = 1_614_265_330;

fn keys(choice: &str) -> &'static [&'static str] {
    match choice {
        "p" => &[PUBLIC_KEY],
        "s" => &[SECRET_KEY],
        "a" => &[SECRET, PUBLIC_KEY, SECRET_KEY],
        _ => &[SECRET],
    }
}

fn text(b: &[u8]) -> Option<&str> {
    // Headers reach the core as strings; the JS layer refuses what is not.
    std::str::from_utf8(b).ok().filter(|s| !s.is_empty())
}

/// What a secret or key must never show in a message: its encoded key material.
fn secret_parts() -> [&'static str; 3] {
    [&SECRET[6..], &PUBLIC_KEY[5..], &SECRET_KEY[5..]]
}

/// No message shows a secret, a key or an expected signature, unless the sender put it in a
/// header itself (an invalid timestamp is echoed, truncated).
fn check_message(err: &WebhookError, expected: &[String], headers: &WebhookHeaders<'_>) {
    let msg = err.to_string();
    let debug = format!("{err:?}");
    let sent = |s: &str| {
        [headers.id, headers.timestamp, headers.signature]
            .iter()
            .flatten()
            .any(|h| h.contains(s))
    };
    // The public key is not a secret, but no message has a reason to hold it either.
    let secrets = secret_parts().map(str::to_owned);
    for s in secrets.iter().chain(expected).filter(|s| !sent(s)) {
        assert_not_in(&msg, s, "verify error");
        assert_not_in(&debug, s, "verify error (Debug)");
    }
}

/// Unix seconds in their one accepted spelling: ASCII digits, no sign, no leading zero.
fn canonical_timestamp(ts: &str) -> Option<i64> {
    let n: i64 = ts.parse().ok()?;
    (n >= 0 && n.to_string() == ts).then_some(n)
}

fuzz_target!(|data: &[u8]| {
    let [config, id, ts, sig, body] = fields::<5>(data, SEP);
    let config = String::from_utf8_lossy(config);
    let mut parts = config.split_ascii_whitespace();
    let hook_keys = keys(parts.next().unwrap_or("h"));
    let now = parts
        .next()
        .and_then(|p| p.parse::<i64>().ok())
        .unwrap_or(DEFAULT_NOW);
    let tolerance = parts
        .next()
        .and_then(|p| p.parse::<u64>().ok())
        .unwrap_or(VerifyOptions::DEFAULT_TOLERANCE_SECS);
    let hook = match Webhook::with_secrets(hook_keys) {
        Ok(h) => h,
        Err(e) => panic!("the test keys must parse: {e}"),
    };
    let (id, ts, sig) = (text(id), text(ts), text(sig));
    let headers = WebhookHeaders {
        id,
        timestamp: ts,
        signature: sig,
    };
    let opts = VerifyOptions {
        tolerance_secs: tolerance,
        max_body_bytes: VerifyOptions::DEFAULT_MAX_BODY_BYTES,
        max_header_bytes: VerifyOptions::DEFAULT_MAX_HEADER_BYTES,
        max_header_values: VerifyOptions::DEFAULT_MAX_HEADER_VALUES,
    };
    let result = hook.verify(&headers, body, now, &opts);

    // What these keys would sign for this id and timestamp (a public key cannot sign: then only
    // the secret's entry is known).
    let signable_ts = ts.and_then(canonical_timestamp);
    let expected: Vec<String> = match (id, signable_ts) {
        (Some(id), Some(t)) if !id.trim_ascii().is_empty() => hook_keys
            .iter()
            .filter_map(|k| Webhook::new(k).ok()?.sign(id, t, body).ok())
            .flat_map(|s| {
                s.split(' ')
                    .filter_map(|e| e.split_once(',').map(|(_, b)| b.to_owned()))
                    .collect::<Vec<_>>()
            })
            .collect(),
        _ => Vec::new(),
    };

    match &result {
        Err(
            WebhookError::MissingHeader { .. }
            | WebhookError::InvalidTimestamp { .. }
            | WebhookError::PayloadTooLarge { .. },
        ) => {}
        Err(e) => {
            // Past the timestamp checks: it was canonical, and the window is exact.
            let Some(t) = ts.and_then(canonical_timestamp) else {
                panic!("timestamp {ts:?} got past parsing ({e})");
            };
            let diff = i128::from(t) - i128::from(now);
            let tol = i128::from(tolerance);
            match e {
                WebhookError::TimestampTooOld { .. } => assert!(diff < -tol, "too old: {t} {now}"),
                WebhookError::TimestampTooNew { .. } => assert!(diff > tol, "too new: {t} {now}"),
                _ => assert!(
                    -tol <= diff && diff <= tol,
                    "{e} for {t} at {now} ± {tolerance}"
                ),
            }
        }
        Ok(v) => {
            let t = ts.and_then(canonical_timestamp);
            assert_eq!(Some(v.timestamp), t, "verified timestamp");
            assert_eq!(Some(v.id.as_str()), id, "verified id");
            let diff = i128::from(v.timestamp) - i128::from(now);
            assert!(
                diff.abs() <= i128::from(tolerance),
                "accepted outside the window"
            );
            // The signature binds the body and the id.
            let mut other = body.to_vec();
            other.push(b'!');
            assert!(
                hook.verify(&headers, &other, now, &opts).is_err(),
                "a changed body still verifies"
            );
            let other_id = format!("{}!", v.id);
            let changed = WebhookHeaders {
                id: Some(&other_id),
                ..headers
            };
            assert!(
                hook.verify(&changed, body, now, &opts).is_err(),
                "a changed id still verifies"
            );
        }
    }
    if let Err(e) = &result {
        check_message(e, &expected, &headers);
    }

    // What the keys sign verifies under the same keys, at that time.
    if let (Some(id), Some(t)) = (id, signable_ts) {
        match hook.sign(id, t, body) {
            Ok(signature) => {
                let signed = WebhookHeaders {
                    id: Some(id),
                    timestamp: ts,
                    signature: Some(&signature),
                };
                if let Err(e) = hook.verify(&signed, body, t, &VerifyOptions::default()) {
                    panic!("a signature just made does not verify: {e}");
                }
            }
            Err(e) => {
                // Only a blank id, or a public key asked to sign.
                assert!(
                    matches!(
                        e,
                        WebhookError::InvalidHeader { .. } | WebhookError::InvalidKey { .. }
                    ),
                    "signing failed: {e}"
                );
                check_message(&e, &expected, &headers);
            }
        }
    }
});
