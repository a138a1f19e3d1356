//! [`Webhook`]: one or more prepared secrets and keys, verification and signing.

use std::fmt;

use super::ed25519::{self, Ed25519Key};
use super::mac::tags_equal;
use super::secret::WebhookKey;
use super::signature::{self, Entry, Tag};
use super::{timestamp, Verified, VerifyOptions, WebhookError, WebhookHeaders};

/// Header names, as used in error messages.
const ID: &str = "webhook-id";
const TIMESTAMP: &str = "webhook-timestamp";
const SIGNATURE: &str = "webhook-signature";

/// How many decoded `v1` tags verification keeps from its single pass over the header.
const KEPT_TAGS: usize = 4;

/// How many well-formed `v1a` entries one verification checks. Each costs an Ed25519 check per
/// key, hashing the body every time (the hash starts with the entry's `R`, so nothing is shared):
/// an unauthenticated header with thousands of entries would cost seconds. Senders send one per
/// key, two or three during a rotation.
pub(crate) const MAX_V1A_CHECKED: usize = 8;

/// A verifier/signer for one or more secrets and keys (several during rotation: any of them may
/// match). `Debug` prints `[REDACTED]` for the keys.
#[derive(Clone)]
pub struct Webhook {
    /// The `whsec_` secrets (`v1`), in the order given.
    keys: Vec<WebhookKey>,
    /// The `whpk_` / `whsk_` keys (`v1a`), in the order given.
    ed25519: Vec<Ed25519Key>,
    /// Which list each secret or key went to, in the order given (signing follows it). Never
    /// empty.
    order: Vec<Kind>,
}

#[derive(Clone, Copy)]
enum Kind {
    Hmac,
    Ed25519,
}

impl Webhook {
    /// A webhook with one secret or key: a `whsec_…` secret (or its base64 key without the
    /// prefix) for `v1`, a `whpk_…` public key to verify `v1a`, or a `whsk_…` secret key to sign
    /// (and verify) `v1a`.
    pub fn new(secret: &str) -> Result<Self, WebhookError> {
        Self::with_secrets(&[secret])
    }

    /// A webhook with several secrets and keys, e.g. the new and the old one during rotation, or
    /// a `whsec_` secret next to a `whpk_` key; a signature made with any of them verifies. An
    /// empty list or a bad secret is `invalid_secret`, a bad `whpk_`/`whsk_` key `invalid_key`
    /// (the error names its 0-based index, never its value).
    ///
    /// The prefix decides: `whpk_` is a public key, `whsk_` a secret key, anything else a
    /// `whsec_` secret with or without its prefix.
    pub fn with_secrets<S: AsRef<str>>(secrets: &[S]) -> Result<Self, WebhookError> {
        if secrets.is_empty() {
            return Err(WebhookError::InvalidSecret {
                index: None,
                reason: "no secrets given; at least one is required",
            });
        }
        let mut hook = Self {
            keys: Vec::new(),
            ed25519: Vec::new(),
            order: Vec::with_capacity(secrets.len()),
        };
        for (i, s) in secrets.iter().enumerate() {
            let s = s.as_ref();
            if let Some(encoded) = s.strip_prefix(ed25519::PUBLIC_PREFIX) {
                hook.ed25519.push(Ed25519Key::parse_public(encoded, i)?);
                hook.order.push(Kind::Ed25519);
            } else if let Some(encoded) = s.strip_prefix(ed25519::SECRET_PREFIX) {
                hook.ed25519.push(Ed25519Key::parse_secret(encoded, i)?);
                hook.order.push(Kind::Ed25519);
            } else {
                hook.keys.push(WebhookKey::parse(s, i)?);
                hook.order.push(Kind::Hmac);
            }
        }
        Ok(hook)
    }

    /// Verifies a delivery against `now_secs` (Unix seconds, supplied by the caller: the core reads
    /// no clock). `body` must be the raw bytes as received.
    ///
    /// Checks, in order: body size (`payload_too_large`, before any hashing); each header's
    /// length (`header_too_large`); the three headers are present (`missing_header`; an empty
    /// or whitespace-only value counts as missing); the timestamp is plain ASCII digits
    /// (`invalid_timestamp`); it is within `now_secs ± tolerance_secs` inclusive
    /// (`timestamp_too_old` / `timestamp_too_new`); the number of signature entries
    /// (`header_too_large`, before any hashing); some `v1` entry matches under some `whsec_`
    /// secret, or some `v1a` entry under some `whpk_`/`whsk_` key (`invalid_signature`). Other
    /// versions and malformed entries in the signature header are skipped; `v1` entries are
    /// checked first (HMAC is far cheaper).
    pub fn verify(
        &self,
        headers: &WebhookHeaders<'_>,
        body: &[u8],
        now_secs: i64,
        opts: &VerifyOptions,
    ) -> Result<Verified, WebhookError> {
        let timestamp = self.verify_timestamp(headers, body, now_secs, opts)?;
        Ok(Verified {
            id: headers.id.unwrap_or_default().to_owned(),
            timestamp,
        })
    }

    /// [`Webhook::verify`] without copying the id out: returns the verified timestamp (the JS
    /// façade already holds the id).
    pub fn verify_timestamp(
        &self,
        headers: &WebhookHeaders<'_>,
        body: &[u8],
        now_secs: i64,
        opts: &VerifyOptions,
    ) -> Result<i64, WebhookError> {
        if body.len() > opts.max_body_bytes {
            return Err(WebhookError::PayloadTooLarge {
                size: body.len(),
                limit: opts.max_body_bytes,
            });
        }
        for (value, header) in [
            (headers.id, ID),
            (headers.timestamp, TIMESTAMP),
            (headers.signature, SIGNATURE),
        ] {
            let size = value.map_or(0, str::len);
            if size > opts.max_header_bytes {
                return Err(WebhookError::HeaderTooLarge {
                    header,
                    size,
                    limit: opts.max_header_bytes,
                    values: false,
                });
            }
        }
        let id = required(headers.id, ID)?;
        let ts_str = required(headers.timestamp, TIMESTAMP)?;
        let sig_header = required(headers.signature, SIGNATURE)?;

        let timestamp = timestamp::parse(ts_str)?;
        timestamp::check_tolerance(timestamp, ts_str.len(), now_secs, opts.tolerance_secs)?;

        // One pass decodes the entries; the first few tags are kept on the stack so the usual
        // header (one or two signatures) is not decoded again per key.
        let (mut v1_seen, mut v1a_seen, mut skipped) = (0usize, 0usize, 0usize);
        let mut kept: [Tag; KEPT_TAGS] = [[0; 32]; KEPT_TAGS];
        for entry in signature::entries(sig_header) {
            match entry {
                Entry::V1(tag) => {
                    if let Some(slot) = kept.get_mut(v1_seen) {
                        *slot = tag;
                    }
                    v1_seen += 1;
                }
                Entry::V1a(_) => v1a_seen += 1,
                Entry::Skipped => skipped += 1,
            }
        }
        let values = v1_seen + v1a_seen + skipped;
        if values > opts.max_header_values {
            return Err(WebhookError::HeaderTooLarge {
                header: SIGNATURE,
                size: values,
                limit: opts.max_header_values,
                values: true,
            });
        }
        // Nothing to compare against: skip hashing the body.
        if v1_seen > 0 {
            for key in &self.keys {
                let expected = mac_for(key, id, ts_str, body);
                let matched = match kept.get(..v1_seen) {
                    Some(tags) => tags.iter().any(|tag| tags_equal(tag, &expected)),
                    None => signature::entries(sig_header).any(|entry| match entry {
                        Entry::V1(tag) => tags_equal(&tag, &expected),
                        Entry::V1a(_) | Entry::Skipped => false,
                    }),
                };
                if matched {
                    return Ok(timestamp);
                }
            }
        }
        // v1a: decoded here, only when present. Without a key, decoding only sorts them into
        // well-formed (reported as unchecked) and malformed (skipped) for the error message.
        let (mut v1a_ok, mut excess) = (0usize, 0usize);
        if v1a_seen > 0 {
            let message = (!self.ed25519.is_empty()).then(|| signed_content(id, ts_str, body));
            for entry in signature::entries(sig_header) {
                let Entry::V1a(encoded) = entry else { continue };
                let Some(sig) = ed25519::decode_signature(encoded) else {
                    skipped += 1;
                    continue;
                };
                if message.is_some() && v1a_ok == MAX_V1A_CHECKED {
                    excess += 1;
                    continue;
                }
                v1a_ok += 1;
                if let Some(message) = &message {
                    if self.ed25519.iter().any(|key| key.verify(message, &sig)) {
                        return Ok(timestamp);
                    }
                }
            }
        }
        let (v1_checked, v1a_checked, unchecked) =
            match (self.keys.is_empty(), self.ed25519.is_empty()) {
                (false, false) => (v1_seen, v1a_ok, 0),
                (false, true) => (v1_seen, 0, v1a_ok),
                _ => (0, v1a_ok, v1_seen),
            };
        Err(WebhookError::InvalidSignature {
            v1_checked,
            v1a_checked,
            skipped,
            unchecked,
            excess,
            secrets: self.keys.len(),
            public_keys: self.ed25519.len(),
        })
    }

    /// Signs a message: `v1,<base64>` per `whsec_` secret and `v1a,<base64>` per `whsk_` key, in
    /// the order given, joined by single spaces.
    ///
    /// `id` must not be empty or whitespace-only (`invalid_header`), `timestamp` must be
    /// non-negative Unix seconds (`invalid_timestamp`); an empty body is fine. A `whpk_` public
    /// key cannot sign (`invalid_key`).
    pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> Result<String, WebhookError> {
        if is_blank(id) {
            return Err(WebhookError::InvalidHeader {
                header: ID,
                reason: "the message id must not be empty or whitespace-only",
            });
        }
        if timestamp < 0 {
            return Err(WebhookError::invalid_timestamp(
                &timestamp.to_string(),
                "cannot sign a negative timestamp; expected Unix seconds >= 0",
            ));
        }
        let ts_str = timestamp.to_string();
        // "v1," + 44 base64 characters (or "v1a," + 88) + a separating space, per key.
        let mut out = String::with_capacity(self.keys.len() * 48 + self.ed25519.len() * 93);
        let (mut hmac, mut ed) = (self.keys.iter(), self.ed25519.iter());
        // Ed25519 hashes the message twice, so it needs it in one piece: built once.
        let mut message = None;
        for (i, kind) in self.order.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            match kind {
                Kind::Hmac => {
                    if let Some(key) = hmac.next() {
                        signature::encode_into(&mac_for(key, id, &ts_str, body), &mut out);
                    }
                }
                Kind::Ed25519 => {
                    let Some(key) = ed.next() else { continue };
                    let message = message.get_or_insert_with(|| signed_content(id, &ts_str, body));
                    let sig = key.sign(message).ok_or(WebhookError::InvalidKey {
                        index: i,
                        prefix: ed25519::PUBLIC_PREFIX,
                        reason:
                            "a public key can only verify; sign with the matching whsk_ secret key",
                    })?;
                    ed25519::encode_into(&sig, &mut out);
                }
            }
        }
        Ok(out)
    }
}

/// The signed content in one piece: `{id}.{timestamp}.{body}` (Standard Webhooks v1.0.0,
/// "Signature scheme": the same for symmetric and asymmetric signatures).
fn signed_content(id: &str, timestamp: &str, body: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(id.len() + timestamp.len() + 2 + body.len());
    m.extend_from_slice(id.as_bytes());
    m.push(b'.');
    m.extend_from_slice(timestamp.as_bytes());
    m.push(b'.');
    m.extend_from_slice(body);
    m
}

/// HMAC-SHA256 of `{id}.{timestamp}.{body}`, fed in parts (the body is not copied).
fn mac_for(key: &WebhookKey, id: &str, timestamp: &str, body: &[u8]) -> Tag {
    key.mac()
        .tag(&[id.as_bytes(), b".", timestamp.as_bytes(), b".", body])
}

fn is_blank(value: &str) -> bool {
    value.bytes().all(|b| b.is_ascii_whitespace())
}

fn required<'a>(value: Option<&'a str>, header: &'static str) -> Result<&'a str, WebhookError> {
    match value {
        Some(v) if !is_blank(v) => Ok(v),
        _ => Err(WebhookError::MissingHeader { header }),
    }
}

impl From<WebhookKey> for Webhook {
    fn from(key: WebhookKey) -> Self {
        Self {
            keys: vec![key],
            ed25519: Vec::new(),
            order: vec![Kind::Hmac],
        }
    }
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhook")
            .field("keys", &format_args!("[REDACTED; {}]", self.keys.len()))
            .field(
                "ed25519_keys",
                &format_args!("[REDACTED; {}]", self.ed25519.len()),
            )
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_any_entry_before_and_beyond_the_kept_tags() {
        let wh = Webhook::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let other = Webhook::new("whsec_dGhlIG90aGVyIGtleQ==").unwrap();
        let body = b"{}";
        let good = wh.sign("msg_1", 100, body).unwrap();
        let bad = other.sign("msg_1", 100, body).unwrap();
        let opts = VerifyOptions::default();
        for at in 0..8 {
            let mut parts: Vec<&str> = vec![bad.as_str(); 7];
            parts.insert(at, good.as_str());
            parts.insert(1, "v2,abc");
            let header = parts.join(" ");
            let headers = WebhookHeaders {
                id: Some("msg_1"),
                timestamp: Some("100"),
                signature: Some(&header),
            };
            assert_eq!(wh.verify_timestamp(&headers, body, 100, &opts), Ok(100));
            let err = other
                .verify_timestamp(&headers, b"{ }", 100, &opts)
                .unwrap_err();
            assert_eq!(
                err,
                WebhookError::InvalidSignature {
                    v1_checked: 8,
                    v1a_checked: 0,
                    skipped: 1,
                    unchecked: 0,
                    excess: 0,
                    secrets: 1,
                    public_keys: 0,
                }
            );
        }
    }
}
