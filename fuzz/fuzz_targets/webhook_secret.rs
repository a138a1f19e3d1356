//! Secret and key decoding: `whsec_` secrets (with or without the prefix), `whpk_` public keys and
//! `whsk_` secret keys, one or several (rotation), and the generators fed from fuzzed bytes.
//!
//! Input: the secrets, separated by `\0`.
//!
//! Checks, besides never panicking: a list parses exactly when each of its members parses alone,
//! and fails on the first bad one (by index); no error or `Debug` output holds a secret; another
//! spelling of an accepted secret (prefix added or dropped, padding dropped) signs alike; what a
//! list signs verifies under it; generated secrets and key pairs parse and round-trip.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scimkit::webhook::{
    generate_secret, generate_signing_key_pair, VerifyOptions, Webhook, WebhookError,
    WebhookHeaders, SECRET_BYTES, SEED_BYTES,
};
use scimkit_fuzz::{assert_not_in, SEP};

const ID: &str = "msg_fuzz";
const TS: i64 = 1_700_000_000;
const BODY: &[u8] = b"{\"type\":\"organization.directory.user_created\"}";

/// The index an error names, for the two secret errors.
fn bad_index(e: &WebhookError) -> Option<usize> {
    match e {
        WebhookError::InvalidSecret { index, .. } => *index,
        WebhookError::InvalidKey { index, .. } => Some(*index),
        other => panic!("parsing secrets failed with {other}"),
    }
}

/// Key material worth checking for in messages: long enough, and only base64 characters (a
/// fuzzed "secret" made of words could match a message's own text).
fn material(secret: &str) -> Option<&str> {
    let body = ["whsec_", "whpk_", "whsk_"]
        .iter()
        .find_map(|p| secret.strip_prefix(p))
        .unwrap_or(secret);
    (body.len() >= 12
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+/=-_".contains(&b)))
    .then_some(body)
}

fn verify(hook: &Webhook, signature: &str) -> Result<(), WebhookError> {
    let ts = TS.to_string();
    let headers = WebhookHeaders {
        id: Some(ID),
        timestamp: Some(&ts),
        signature: Some(signature),
    };
    hook.verify(&headers, BODY, TS, &VerifyOptions::default())
        .map(|_| ())
}

fn round_trip(hook: &Webhook, what: &str) {
    match hook.sign(ID, TS, BODY) {
        Ok(sig) => {
            if let Err(e) = verify(hook, &sig) {
                panic!("{what}: its own signature does not verify: {e}");
            }
        }
        // A list of public keys only cannot sign.
        Err(WebhookError::InvalidKey { .. }) => {}
        Err(e) => panic!("{what}: signing failed: {e}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        // Secrets are strings on both sides of the JS boundary.
        return generators(data);
    };
    let secrets: Vec<&str> = text.split(SEP as char).take(8).collect();
    let alone: Vec<Result<Webhook, WebhookError>> =
        secrets.iter().map(|s| Webhook::new(s)).collect();
    let all = Webhook::with_secrets(&secrets);

    for (i, (s, r)) in secrets.iter().zip(&alone).enumerate() {
        let Some(m) = material(s) else { continue };
        match r {
            Ok(h) => assert_not_in(&format!("{h:?}"), m, "Webhook Debug"),
            Err(e) => {
                assert_eq!(bad_index(e), Some(0), "secret {i} alone");
                assert_not_in(&e.to_string(), m, "secret error");
                assert_not_in(&format!("{e:?}"), m, "secret error (Debug)");
            }
        }
        if let Err(e) = &all {
            assert_not_in(&e.to_string(), m, "secret list error");
            assert_not_in(&format!("{e:?}"), m, "secret list error (Debug)");
        }
    }
    let first_bad = alone.iter().position(Result::is_err);
    match (&all, first_bad) {
        (Ok(hook), None) => round_trip(hook, "the list"),
        (Err(e), Some(i)) => assert_eq!(
            bad_index(e),
            Some(i),
            "the list fails at its first bad secret"
        ),
        (Ok(_), Some(i)) => panic!("the list parsed though secret {i} alone does not"),
        (Err(e), None) => panic!("the list failed ({e}) though each secret parses alone"),
    }

    // Other spellings of one accepted whsec_ secret sign alike.
    for (s, r) in secrets.iter().zip(&alone) {
        let Ok(hook) = r else { continue };
        round_trip(hook, "one secret");
        if s.starts_with("whpk_") || s.starts_with("whsk_") {
            continue;
        }
        let Ok(sig) = hook.sign(ID, TS, BODY) else {
            continue;
        };
        let bare = s.strip_prefix("whsec_").unwrap_or(s);
        let mut spellings = vec![
            format!("whsec_{bare}"),
            bare.trim_end_matches('=').to_owned(),
        ];
        if bare.starts_with("whsec_") || bare.starts_with("whpk_") || bare.starts_with("whsk_") {
            // Without its prefix the rest would be read as a prefixed secret or key itself.
            spellings.truncate(1);
        }
        for other in spellings {
            match Webhook::new(&other).map(|h| h.sign(ID, TS, BODY)) {
                Ok(Ok(other_sig)) => assert_eq!(other_sig, sig, "{other:?} signs unlike {s:?}"),
                // Dropping the padding can leave nothing to decode.
                Ok(Err(e)) => panic!("{other:?} parses but cannot sign: {e}"),
                Err(_) if other.trim_start_matches("whsec_").is_empty() => {}
                Err(e) => panic!("{other:?} (another spelling of an accepted secret) fails: {e}"),
            }
        }
    }
});

/// Generated secrets and key pairs from the first bytes of a non-UTF-8 input.
fn generators(data: &[u8]) {
    let mut random = [0u8; SECRET_BYTES];
    let mut seed = [0u8; SEED_BYTES];
    for (d, s) in random.iter_mut().zip(data) {
        *d = *s;
    }
    for (d, s) in seed.iter_mut().zip(data.iter().rev()) {
        *d = *s;
    }
    let secret = generate_secret(&random);
    let pair = generate_signing_key_pair(&seed);
    let (Ok(signer), Ok(public), Ok(hmac)) = (
        Webhook::new(&pair.secret_key),
        Webhook::new(&pair.public_key),
        Webhook::new(&secret),
    ) else {
        panic!("a generated secret or key pair does not parse");
    };
    round_trip(&hmac, "generated secret");
    let Ok(sig) = signer.sign(ID, TS, BODY) else {
        panic!("a generated secret key cannot sign");
    };
    if let Err(e) = verify(&public, &sig) {
        panic!("the generated public key rejects its secret key's signature: {e}");
    }
    assert!(
        !format!("{pair:?}").contains(&pair.secret_key[5..]),
        "SigningKeyPair Debug shows the secret key"
    );
}
