//! Secrets: `whsec_` prefix, lenient base64 decoding, the prepared (keyed) HMAC state, and
//! generation from caller-supplied random bytes.

use std::fmt;

use super::mac::HmacKey;
use super::WebhookError;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::{alphabet, Engine as _};

/// The prefix Standard Webhooks puts in front of the base64 key.
pub(crate) const PREFIX: &str = "whsec_";

/// Random bytes in a generated secret. The specification asks for 24 to 64 ("at least 24 bytes
/// (192 bits, 512 maximum)", Standard Webhooks v1.0.0, "Signature scheme"); 32 bytes is the
/// SHA-256 output size, the strength HMAC-SHA256 can use.
pub const SECRET_BYTES: usize = 32;

/// Padding optional; trailing bits tolerated, as Node's `Buffer`, Python and Go decode secrets.
const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::Indifferent)
    .with_decode_allow_trailing_bits(true);
const STANDARD_LENIENT: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);
const URL_SAFE_LENIENT: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT);

/// One prepared secret: the HMAC-SHA256 inner and outer states already keyed, so the key
/// schedule runs once. `Debug` prints `[REDACTED]`.
#[derive(Clone)]
pub struct WebhookKey {
    mac: HmacKey,
}

impl WebhookKey {
    /// Prepares a secret: strips exactly a leading `whsec_` (if present), then decodes base64 in
    /// the standard or URL-safe alphabet, with or without padding.
    ///
    /// Fails with `invalid_secret` when the key is empty (`""`, `"whsec_"`) or not base64. The
    /// error never contains the secret.
    pub fn from_secret(secret: &str) -> Result<Self, WebhookError> {
        Self::parse(secret, 0)
    }

    /// As [`WebhookKey::from_secret`], reporting `index` as the bad secret's position.
    pub(crate) fn parse(secret: &str, index: usize) -> Result<Self, WebhookError> {
        let invalid = |reason| WebhookError::InvalidSecret {
            index: Some(index),
            reason,
        };
        let encoded = secret.strip_prefix(PREFIX).unwrap_or(secret);
        if encoded.is_empty() {
            return Err(invalid(
                "the key is empty (nothing after the whsec_ prefix)",
            ));
        }
        let mut key = decode_lenient(encoded).ok_or_else(|| {
            invalid(
                "not valid base64 (standard or URL-safe alphabet) after the optional whsec_ prefix",
            )
        })?;
        if key.is_empty() {
            return Err(invalid("the key decodes to zero bytes"));
        }
        let mac = HmacKey::new(&key);
        // Best effort: do not leave the raw key bytes in the freed allocation.
        key.iter_mut().for_each(|b| *b = 0);
        drop(key);
        Ok(Self { mac })
    }

    /// The keyed HMAC-SHA256 states.
    #[inline]
    pub(crate) fn mac(&self) -> &HmacKey {
        &self.mac
    }
}

/// Decodes key material as Node's `Buffer`, Python and Go read secrets: the standard or URL-safe
/// alphabet, padding optional, trailing bits tolerated.
pub(crate) fn decode_lenient(encoded: &str) -> Option<Vec<u8>> {
    STANDARD_LENIENT
        .decode(encoded)
        .or_else(|_| URL_SAFE_LENIENT.decode(encoded))
        .ok()
}

/// A new `whsec_` secret from [`SECRET_BYTES`] random bytes, which the caller draws from a
/// cryptographically secure generator (`crypto.getRandomValues` in the JS package): the core reads
/// no randomness itself. Encoded in the standard base64 alphabet with padding, as the
/// specification's examples and every reference library expect.
pub fn generate_secret(random: &[u8; SECRET_BYTES]) -> String {
    let mut out = String::with_capacity(PREFIX.len() + 44);
    out.push_str(PREFIX);
    base64::engine::general_purpose::STANDARD.encode_string(random, &mut out);
    out
}

impl fmt::Debug for WebhookKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookKey([REDACTED])")
    }
}
