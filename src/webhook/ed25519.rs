//! `v1a` signatures: Ed25519 (RFC 8032) over the same signed content as `v1`.
//!
//! Standard Webhooks v1.0.0 (spec/standard-webhooks.md, "Signature scheme", the table of symmetric
//! and asymmetric signatures): the asymmetric scheme is `ed25519`, its signature identifier `v1a`;
//! keys are "base64 encoded, prefixed with `whsk_` for the secret key, and `whpk_` for the public
//! key". The header example there, `v1a,hnO3f9…BAg==`, is base64 of the 64-byte signature.
//!
//! The specification does not say which bytes a secret key holds, and two layouts are in use:
//! - 64 bytes, the 32-byte seed then the 32-byte public key (the NaCl/libsodium layout): Svix's
//!   server, whose README documents `whsk_${base64(private_key + public_key)}`, and the
//!   standard-webhooks JavaScript library's `v1a` pull request (#308);
//! - 32 bytes, the seed alone (RFC 8032's private key): the Python (#304) and Go (#253) pull
//!   requests.
//!
//! Both are read; a 64-byte key whose public half is not the seed's public key is refused.
//! Generated keys use the 64-byte layout, the one Svix's server (in production) requires.

use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};

use super::secret::decode_lenient;
use super::WebhookError;

/// The prefix of a public key.
pub(crate) const PUBLIC_PREFIX: &str = "whpk_";
/// The prefix of a secret (signing) key.
pub(crate) const SECRET_PREFIX: &str = "whsk_";

/// An Ed25519 signature as carried in a `v1a` entry.
pub(crate) type Signature = [u8; 64];

/// Bytes of a seed, of a public key.
pub const SEED_BYTES: usize = 32;
const PUBLIC_BYTES: usize = 32;

/// One key that can check `v1a` entries: a public key, or a secret key (whose public key is
/// derived from it) that can also sign.
#[derive(Clone)]
pub(crate) struct Ed25519Key {
    verifying: VerifyingKey,
    signing: Option<SigningKey>,
}

impl Ed25519Key {
    /// Reads a `whpk_` key (`encoded` is what follows the prefix): 32 bytes, a point on the curve
    /// that is not of small order (a small-order key would accept signatures forged for any
    /// message).
    pub(crate) fn parse_public(encoded: &str, index: usize) -> Result<Self, WebhookError> {
        let invalid = |reason| invalid_key(index, PUBLIC_PREFIX, reason);
        let bytes = decode(encoded).map_err(invalid)?;
        let bytes: [u8; PUBLIC_BYTES] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| invalid("a public key is 32 bytes; this one decodes to another length"))?;
        let verifying = VerifyingKey::from_bytes(&bytes)
            .map_err(|_| invalid("the 32 bytes are not a point on the Ed25519 curve"))?;
        if verifying.is_weak() {
            return Err(invalid(
                "a small-order point, which would accept forged signatures; not a real public key",
            ));
        }
        Ok(Self {
            verifying,
            signing: None,
        })
    }

    /// Reads a `whsk_` key (`encoded` is what follows the prefix): a 32-byte seed, or the seed
    /// followed by its 32-byte public key.
    pub(crate) fn parse_secret(encoded: &str, index: usize) -> Result<Self, WebhookError> {
        let invalid = |reason| invalid_key(index, SECRET_PREFIX, reason);
        let mut bytes = decode(encoded).map_err(invalid)?;
        let parsed = match bytes.len() {
            SEED_BYTES => {
                let mut seed = [0u8; SEED_BYTES];
                seed.copy_from_slice(&bytes);
                let key = SigningKey::from_bytes(&seed);
                seed.fill(0);
                Ok(key)
            }
            64 => {
                let mut pair = [0u8; 64];
                pair.copy_from_slice(&bytes);
                let key = SigningKey::from_keypair_bytes(&pair).map_err(|_| {
                    invalid(
                        "the last 32 bytes (the public key) are not the public key of the first 32 \
                         (the seed)",
                    )
                });
                pair.fill(0);
                key
            }
            _ => Err(invalid(
                "a secret key is 32 bytes (the seed) or 64 bytes (the seed, then the public key); \
                 this one decodes to another length",
            )),
        };
        // Best effort: do not leave the raw key bytes in the freed allocation.
        bytes.fill(0);
        let signing = parsed?;
        Ok(Self {
            verifying: signing.verifying_key(),
            signing: Some(signing),
        })
    }

    /// Whether `signature` is this key's signature of `message`. Strict verification (RFC 8032
    /// §5.1.7 with the canonical-`S` check and no small-order `R`): one signature per message.
    pub(crate) fn verify(&self, message: &[u8], signature: &Signature) -> bool {
        let signature = ed25519_dalek::Signature::from_bytes(signature);
        self.verifying.verify_strict(message, &signature).is_ok()
    }

    /// Signs `message`; `None` for a public key.
    pub(crate) fn sign(&self, message: &[u8]) -> Option<Signature> {
        self.signing.as_ref().map(|k| k.sign(message).to_bytes())
    }
}

fn invalid_key(index: usize, prefix: &'static str, reason: &'static str) -> WebhookError {
    WebhookError::InvalidKey {
        index,
        prefix,
        reason,
    }
}

fn decode(encoded: &str) -> Result<Vec<u8>, &'static str> {
    if encoded.is_empty() {
        return Err("the key is empty (nothing after the prefix)");
    }
    decode_lenient(encoded)
        .ok_or("not valid base64 (standard or URL-safe alphabet) after the prefix")
}

/// base64 of 64 bytes: 86 characters, 88 with `==`.
const SIGNATURE_UNPADDED: usize = 86;

/// Decodes the base64 part of a `v1a` entry: standard alphabet, padding optional, canonical
/// trailing bits (as `v1` tags).
pub(crate) fn decode_signature(encoded: &str) -> Option<Signature> {
    use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
    use base64::engine::DecodePaddingMode;
    use base64::Engine as _;
    const STRICT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    let ok_len = encoded.len() == SIGNATURE_UNPADDED
        || (encoded.len() == SIGNATURE_UNPADDED + 2 && encoded.ends_with("=="));
    if !ok_len {
        return None;
    }
    // The engine's estimate for 88 characters is 66 bytes.
    let mut out = [0u8; 66];
    match STRICT.decode_slice(encoded, &mut out) {
        Ok(64) => out[..64].try_into().ok(),
        _ => None,
    }
}

/// Appends `v1a,<base64 signature>` to `out`.
pub(crate) fn encode_into(signature: &Signature, out: &mut String) {
    use base64::Engine as _;
    out.push_str("v1a,");
    base64::engine::general_purpose::STANDARD.encode_string(signature, out);
}

/// A generated signing key pair.
#[derive(Clone, PartialEq, Eq)]
pub struct SigningKeyPair {
    /// `whsk_` + base64 of the seed followed by the public key (64 bytes): for the sender only.
    pub secret_key: String,
    /// `whpk_` + base64 of the public key (32 bytes): what receivers verify with.
    pub public_key: String,
}

impl std::fmt::Debug for SigningKeyPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKeyPair")
            .field("secret_key", &"[REDACTED]")
            .field("public_key", &self.public_key)
            .finish()
    }
}

/// A new Ed25519 key pair from a 32-byte seed that the caller draws from a cryptographically
/// secure generator (`crypto.getRandomValues` in the JS package): the core reads no randomness.
pub fn generate_signing_key_pair(seed: &[u8; SEED_BYTES]) -> SigningKeyPair {
    use base64::Engine as _;
    let engine = &base64::engine::general_purpose::STANDARD;
    let key = SigningKey::from_bytes(seed);
    let mut pair = key.to_keypair_bytes();
    let mut secret_key = String::with_capacity(SECRET_PREFIX.len() + 88);
    secret_key.push_str(SECRET_PREFIX);
    engine.encode_string(pair, &mut secret_key);
    pair.fill(0);
    let mut public_key = String::with_capacity(PUBLIC_PREFIX.len() + 44);
    public_key.push_str(PUBLIC_PREFIX);
    engine.encode_string(key.verifying_key().as_bytes(), &mut public_key);
    SigningKeyPair {
        secret_key,
        public_key,
    }
}

#[cfg(test)]
mod tests {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
    use base64::Engine as _;
    use proptest::prelude::*;

    use super::*;

    /// Svix server's asymmetric test key (server/svix-server/src/worker.rs,
    /// `test_asymmetric_key_signing`; also in its README).
    const SVIX_SECRET: &str =
        "6Xb/dCcHpPea21PS1N9VY/NZW723CEc77N4rJCubMbfVKIDij2HKpMKkioLlX0dRqSKJp4AJ6p9lMicMFs6Kvg==";
    const SVIX_PUBLIC: &str = "1SiA4o9hyqTCpIqC5V9HUakiiaeACeqfZTInDBbOir4=";

    #[test]
    fn seed_and_pair_layouts_give_the_same_key() {
        let pair = STANDARD.decode(SVIX_SECRET).unwrap();
        let seed = STANDARD.encode(&pair[..32]);
        let a = Ed25519Key::parse_secret(SVIX_SECRET, 0).unwrap();
        let b = Ed25519Key::parse_secret(&seed, 0).unwrap();
        let p = Ed25519Key::parse_public(SVIX_PUBLIC, 0).unwrap();
        assert_eq!(a.verifying, p.verifying);
        assert_eq!(b.verifying, p.verifying);
        assert_eq!(a.sign(b"m"), b.sign(b"m"));
        assert_eq!(p.sign(b"m"), None);
    }

    #[test]
    fn mismatched_pair_wrong_lengths_and_weak_keys_are_refused() {
        let mut pair = STANDARD.decode(SVIX_SECRET).unwrap();
        pair[63] ^= 1;
        let err = Ed25519Key::parse_secret(&STANDARD.encode(&pair), 3)
            .err()
            .unwrap();
        assert!(matches!(
            err,
            WebhookError::InvalidKey {
                index: 3,
                prefix: "whsk_",
                ..
            }
        ));
        for len in [0, 1, 31, 33, 63, 65] {
            let enc = STANDARD.encode(vec![7u8; len]);
            assert!(
                Ed25519Key::parse_secret(&enc, 0).is_err(),
                "secret of {len} bytes"
            );
            assert!(
                Ed25519Key::parse_public(&enc, 0).is_err(),
                "public of {len} bytes"
            );
        }
        // The identity point (small order) and a y with no point on the curve (y = 2).
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let err = Ed25519Key::parse_public(&STANDARD.encode(identity), 0)
            .err()
            .unwrap();
        assert!(err.to_string().contains("small-order"), "{err}");
        let mut off_curve = [0u8; 32];
        off_curve[0] = 2;
        let err = Ed25519Key::parse_public(&STANDARD.encode(off_curve), 0)
            .err()
            .unwrap();
        assert!(err.to_string().contains("not a point"), "{err}");
        assert!(Ed25519Key::parse_public("not base64!", 0).is_err());
    }

    #[test]
    fn generated_pair_is_the_64_byte_layout_and_matches_the_public_key() {
        let pair = generate_signing_key_pair(&[9; 32]);
        let secret = pair.secret_key.strip_prefix("whsk_").unwrap();
        let public = pair.public_key.strip_prefix("whpk_").unwrap();
        assert_eq!(STANDARD.decode(secret).unwrap().len(), 64);
        assert_eq!(STANDARD.decode(public).unwrap().len(), 32);
        let s = Ed25519Key::parse_secret(secret, 0).unwrap();
        let p = Ed25519Key::parse_public(public, 0).unwrap();
        let sig = s.sign(b"x").unwrap();
        assert!(p.verify(b"x", &sig));
        assert!(!p.verify(b"y", &sig));
        assert!(!format!("{pair:?}").contains(secret));
    }

    proptest! {
        #[test]
        fn signature_decoding_round_trips_and_refuses_other_shapes(
            sig in prop::array::uniform32(any::<u8>()).prop_flat_map(|a| (Just(a), prop::array::uniform32(any::<u8>()))),
            padded in any::<bool>(),
            at in 0..88usize,
            byte in any::<u8>(),
        ) {
            let mut bytes = [0u8; 64];
            bytes[..32].copy_from_slice(&sig.0);
            bytes[32..].copy_from_slice(&sig.1);
            let enc = if padded { STANDARD.encode(bytes) } else { STANDARD_NO_PAD.encode(bytes) };
            prop_assert_eq!(decode_signature(&enc), Some(bytes));
            // Any one changed character decodes as the base64 crate's strict decoder says, and
            // never to the original signature unless the change was a no-op.
            let mut chars: Vec<u8> = enc.clone().into_bytes();
            let at = at % chars.len();
            chars[at] = byte;
            if let Ok(changed) = String::from_utf8(chars) {
                let got = decode_signature(&changed);
                if changed != enc {
                    prop_assert_ne!(got, Some(bytes));
                }
            }
        }
    }
}
