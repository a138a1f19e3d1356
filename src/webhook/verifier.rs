//! [`Webhook`]: one or more prepared secrets, verification and signing.

use std::fmt;

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

/// A verifier/signer for one or more secrets (several during rotation: any of them may match).
/// `Debug` prints `[REDACTED]` for the keys.
#[derive(Clone)]
pub struct Webhook {
    /// Never empty.
    keys: Vec<WebhookKey>,
}

impl Webhook {
    /// A webhook with one secret (`whsec_…`, or the base64 key without the prefix).
    pub fn new(secret: &str) -> Result<Self, WebhookError> {
        Ok(WebhookKey::from_secret(secret)?.into())
    }

    /// A webhook with several secrets, e.g. the new and the old one during rotation; a signature
    /// made with any of them verifies. An empty list, or any bad secret, is `invalid_secret`
    /// (the error names the bad secret's 0-based index, never its value).
    pub fn with_secrets<S: AsRef<str>>(secrets: &[S]) -> Result<Self, WebhookError> {
        if secrets.is_empty() {
            return Err(WebhookError::InvalidSecret {
                index: None,
                reason: "no secrets given; at least one is required",
            });
        }
        let keys = secrets
            .iter()
            .enumerate()
            .map(|(i, s)| WebhookKey::parse(s.as_ref(), i))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { keys })
    }

    /// Verifies a delivery against `now_secs` (Unix seconds, supplied by the caller: the core reads
    /// no clock). `body` must be the raw bytes as received.
    ///
    /// Checks, in order: body size (`payload_too_large`, before any hashing); the three headers
    /// are present (`missing_header`; an empty or whitespace-only value counts as missing);
    /// the timestamp is plain ASCII digits (`invalid_timestamp`); it is within
    /// `now_secs ± tolerance_secs` inclusive (`timestamp_too_old` / `timestamp_too_new`); some
    /// `v1` signature matches under some secret (`invalid_signature`). Other versions and
    /// malformed entries in the signature header are skipped.
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
        let id = required(headers.id, ID)?;
        let ts_str = required(headers.timestamp, TIMESTAMP)?;
        let sig_header = required(headers.signature, SIGNATURE)?;

        let timestamp = timestamp::parse(ts_str)?;
        timestamp::check_tolerance(timestamp, ts_str.len(), now_secs, opts.tolerance_secs)?;

        // One pass decodes the entries; the first few tags are kept on the stack so the usual
        // header (one or two signatures) is not decoded again per key.
        let (mut v1_checked, mut skipped) = (0usize, 0usize);
        let mut kept: [Tag; KEPT_TAGS] = [[0; 32]; KEPT_TAGS];
        for entry in signature::entries(sig_header) {
            match entry {
                Entry::V1(tag) => {
                    if let Some(slot) = kept.get_mut(v1_checked) {
                        *slot = tag;
                    }
                    v1_checked += 1;
                }
                Entry::Skipped => skipped += 1,
            }
        }
        // Nothing to compare against: skip hashing the body.
        if v1_checked > 0 {
            for key in &self.keys {
                let expected = mac_for(key, id, ts_str, body);
                let matched = match kept.get(..v1_checked) {
                    Some(tags) => tags.iter().any(|tag| tags_equal(tag, &expected)),
                    None => signature::entries(sig_header).any(|entry| match entry {
                        Entry::V1(tag) => tags_equal(&tag, &expected),
                        Entry::Skipped => false,
                    }),
                };
                if matched {
                    return Ok(timestamp);
                }
            }
        }
        Err(WebhookError::InvalidSignature {
            v1_checked,
            skipped,
            secrets: self.keys.len(),
        })
    }

    /// Signs a message: `v1,<base64>` per secret, in secret order, joined by single spaces.
    ///
    /// `id` must not be empty or whitespace-only (`invalid_header`), `timestamp` must be
    /// non-negative Unix seconds (`invalid_timestamp`); an empty body is fine.
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
        // "v1," + 44 base64 characters + a separating space, per key.
        let mut out = String::with_capacity(self.keys.len() * 48);
        for (i, key) in self.keys.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            signature::encode_into(&mac_for(key, id, &ts_str, body), &mut out);
        }
        Ok(out)
    }
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
        Self { keys: vec![key] }
    }
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhook")
            .field("keys", &format_args!("[REDACTED; {}]", self.keys.len()))
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
                    skipped: 1,
                    secrets: 1
                }
            );
        }
    }
}
