//! The one error type of webhook verification and signing.

use std::fmt;

use crate::error::ErrorCode;

/// How many characters of a received header value an error message may echo.
const ECHO_LIMIT: usize = 40;

/// Why a webhook could not be verified or signed.
///
/// Messages (`Display`) say what was wrong and where. They never contain a secret, key bytes or
/// the expected signature; a received header value is echoed only escaped (`{:?}`) and truncated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookError {
    /// A required header (`webhook-id`, `webhook-timestamp` or `webhook-signature`, or their
    /// `svix-*` aliases) is absent, empty or whitespace-only.
    MissingHeader {
        /// The header's lowercase name.
        header: &'static str,
    },
    /// A header value cannot be used (when signing: an empty or whitespace-only message id).
    InvalidHeader {
        /// The header's lowercase name.
        header: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A secret is empty or not base64, or no secret was given at all.
    InvalidSecret {
        /// 0-based position of the bad secret in the list given; `None` when the list is empty.
        index: Option<usize>,
        /// What is wrong with it (never the secret itself).
        reason: &'static str,
    },
    /// A `whpk_` public key or `whsk_` secret key is malformed, or a public key was asked to sign.
    InvalidKey {
        /// 0-based position of the bad key in the list given.
        index: usize,
        /// `whpk_` or `whsk_`.
        prefix: &'static str,
        /// What is wrong with it (never the key itself).
        reason: &'static str,
    },
    /// The timestamp is not Unix seconds as plain ASCII digits (verify), or is negative (sign).
    InvalidTimestamp {
        /// The received value, truncated to its first 40 characters.
        value: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The timestamp is further in the past than the tolerance allows.
    TimestampTooOld {
        /// The received timestamp (Unix seconds).
        timestamp: i64,
        /// The `now` the message was checked against (Unix seconds).
        now: i64,
        /// The tolerance in seconds.
        tolerance_secs: u64,
    },
    /// The timestamp is further in the future than the tolerance allows.
    TimestampTooNew {
        /// The received timestamp.
        timestamp: i64,
        /// The `now` the message was checked against (Unix seconds).
        now: i64,
        /// The tolerance in seconds.
        tolerance_secs: u64,
        /// The value looks like milliseconds (13 digits, or more than 100 × now).
        looks_like_millis: bool,
    },
    /// No signature in the header matches the message: no `v1` entry under any `whsec_` secret,
    /// no `v1a` entry under any `whpk_`/`whsk_` key.
    InvalidSignature {
        /// Well-formed `v1` entries compared against the secrets (0 when no secret was given).
        v1_checked: usize,
        /// Well-formed `v1a` entries compared against the keys (0 when no key was given).
        v1a_checked: usize,
        /// Entries skipped: other versions and malformed entries.
        skipped: usize,
        /// Well-formed entries of a version none of the given secrets or keys can check (`v1`
        /// with only public keys, `v1a` with only secrets).
        unchecked: usize,
        /// Well-formed `v1a` entries beyond the first eight, not checked (each costs a full
        /// Ed25519 verification).
        excess: usize,
        /// Number of `whsec_` secrets each `v1` entry was compared against.
        secrets: usize,
        /// Number of `whpk_`/`whsk_` keys each `v1a` entry was compared against.
        public_keys: usize,
    },
    /// A header is longer than [`VerifyOptions::max_header_bytes`](super::VerifyOptions), or
    /// carries more values than [`VerifyOptions::max_header_values`](super::VerifyOptions).
    HeaderTooLarge {
        /// The header's lowercase name.
        header: &'static str,
        /// Its size: bytes, or values when `values` is set.
        size: usize,
        /// The configured limit, in the same unit.
        limit: usize,
        /// Whether `size` and `limit` count values (signature entries, repeated lines), not bytes.
        values: bool,
    },
    /// The body is larger than [`VerifyOptions::max_body_bytes`](super::VerifyOptions).
    PayloadTooLarge {
        /// The body's size in bytes.
        size: usize,
        /// The configured limit in bytes.
        limit: usize,
    },
}

impl WebhookError {
    /// An [`WebhookError::InvalidTimestamp`] echoing at most the first 40 characters of `value`.
    pub(crate) fn invalid_timestamp(value: &str, reason: &'static str) -> Self {
        Self::InvalidTimestamp {
            value: value.chars().take(ECHO_LIMIT).collect(),
            reason,
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingHeader { header } => {
                let alias = header.replacen("webhook-", "svix-", 1);
                write!(
                    f,
                    "missing {header} header (absent, empty or whitespace-only; {alias} is read \
                     instead only when no webhook-* header is present)"
                )
            }
            Self::InvalidHeader { header, reason } => write!(f, "invalid {header}: {reason}"),
            Self::InvalidSecret {
                index: Some(i),
                reason,
            } => write!(f, "invalid webhook secret at index {i}: {reason}"),
            Self::InvalidSecret {
                index: None,
                reason,
            } => write!(f, "invalid webhook secrets: {reason}"),
            Self::InvalidKey {
                index,
                prefix,
                reason,
            } => {
                let kind = if *prefix == "whpk_" {
                    "public"
                } else {
                    "secret"
                };
                write!(
                    f,
                    "invalid webhook {prefix} {kind} key at index {index}: {reason}"
                )
            }
            Self::InvalidTimestamp { value, reason } => {
                write!(f, "invalid webhook-timestamp {value:?}: {reason}")
            }
            Self::TimestampTooOld {
                timestamp,
                now,
                tolerance_secs,
            } => {
                let age = i128::from(*now) - i128::from(*timestamp);
                let beyond = age - i128::from(*tolerance_secs);
                write!(
                    f,
                    "webhook-timestamp {timestamp} is too old: {age} s before now ({now}), \
                     {beyond} s beyond the {tolerance_secs} s tolerance"
                )
            }
            Self::TimestampTooNew {
                timestamp,
                now,
                tolerance_secs,
                looks_like_millis,
            } => {
                let ahead = i128::from(*timestamp) - i128::from(*now);
                let beyond = ahead - i128::from(*tolerance_secs);
                write!(
                    f,
                    "webhook-timestamp {timestamp} is too new: {ahead} s after now ({now}), \
                     {beyond} s beyond the {tolerance_secs} s tolerance"
                )?;
                if *looks_like_millis {
                    f.write_str(
                        "; it looks like milliseconds, but the header must be Unix seconds",
                    )?;
                }
                Ok(())
            }
            Self::InvalidSignature {
                v1_checked,
                v1a_checked,
                skipped,
                unchecked,
                excess,
                secrets,
                public_keys,
            } => {
                let checked = v1_checked + v1a_checked;
                let kinds = match (*secrets > 0, *public_keys > 0) {
                    (true, false) => "v1",
                    (false, true) => "v1a",
                    _ => "v1 or v1a",
                };
                if checked == 0 {
                    write!(
                        f,
                        "no valid {kinds} signature in webhook-signature header \
                         ({skipped} other-version or malformed entr{} skipped",
                        entries(*skipped)
                    )?;
                    write_unchecked(f, *unchecked, *secrets)?;
                    return f.write_str(")");
                }
                if checked == 1 {
                    let v = if *v1_checked == 1 { "v1" } else { "v1a" };
                    write!(
                        f,
                        "the {v} signature in the webhook-signature header does not match"
                    )?;
                } else {
                    let kinds = match (*v1_checked > 0, *v1a_checked > 0) {
                        (true, false) => "v1",
                        (false, true) => "v1a",
                        _ => "v1/v1a",
                    };
                    write!(
                        f,
                        "none of the {checked} {kinds} signatures in the webhook-signature header matches"
                    )?;
                }
                f.write_str(" (checked against ")?;
                if *secrets > 0 {
                    write!(f, "{secrets} secret{}", plural(*secrets))?;
                }
                if *public_keys > 0 {
                    let and = if *secrets > 0 { " and " } else { "" };
                    write!(f, "{and}{public_keys} public key{}", plural(*public_keys))?;
                }
                if *skipped > 0 {
                    write!(
                        f,
                        "; {skipped} other-version or malformed entr{} skipped",
                        entries(*skipped)
                    )?;
                }
                write_unchecked(f, *unchecked, *secrets)?;
                if *excess > 0 {
                    write!(
                        f,
                        "; {excess} v1a signature{} beyond the first {v1a_checked} not checked",
                        plural(*excess)
                    )?;
                }
                let what = if *v1_checked > 0 { "MAC" } else { "signature" };
                write!(
                    f,
                    "); the {what} covers the raw body bytes, so a re-serialized body will not verify"
                )
            }
            Self::HeaderTooLarge {
                header,
                size,
                limit,
                values: false,
            } => write!(
                f,
                "{header} header is {size} bytes, larger than the {limit}-byte limit \
                 (max_header_bytes)"
            ),
            Self::HeaderTooLarge {
                header,
                size,
                limit,
                values: true,
            } => write!(
                f,
                "{header} header has {size} values, more than the limit of {limit} \
                 (max_header_values; a sender sends one signature per secret or key)"
            ),
            Self::PayloadTooLarge { size, limit } => write!(
                f,
                "webhook body is {size} bytes, larger than the {limit}-byte limit (max_body_bytes)"
            ),
        }
    }
}

fn entries(n: usize) -> &'static str {
    if n == 1 {
        "y"
    } else {
        "ies"
    }
}

/// The hint for well-formed entries that no given secret or key can check.
fn write_unchecked(f: &mut fmt::Formatter<'_>, unchecked: usize, secrets: usize) -> fmt::Result {
    if unchecked == 0 {
        return Ok(());
    }
    let (version, need) = if secrets == 0 {
        ("v1 (HMAC)", "the whsec_ secret")
    } else {
        ("v1a (Ed25519)", "the sender's whpk_ public key")
    };
    write!(
        f,
        "; {unchecked} {version} signature{} not checked: pass {need} to check {}",
        plural(unchecked),
        if unchecked == 1 { "it" } else { "them" }
    )
}

impl std::error::Error for WebhookError {}

impl ErrorCode for WebhookError {
    fn code(&self) -> &'static str {
        match self {
            Self::MissingHeader { .. } => "missing_header",
            Self::InvalidHeader { .. } => "invalid_header",
            Self::InvalidSecret { .. } => "invalid_secret",
            Self::InvalidKey { .. } => "invalid_key",
            Self::InvalidTimestamp { .. } => "invalid_timestamp",
            Self::TimestampTooOld { .. } => "timestamp_too_old",
            Self::TimestampTooNew { .. } => "timestamp_too_new",
            Self::InvalidSignature { .. } => "invalid_signature",
            Self::HeaderTooLarge { .. } => "header_too_large",
            Self::PayloadTooLarge { .. } => "payload_too_large",
        }
    }
}
