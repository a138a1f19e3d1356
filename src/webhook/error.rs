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
    /// A required header (`webhook-id`, `webhook-timestamp` or `webhook-signature`) is absent,
    /// empty or whitespace-only.
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
    /// No `v1` signature in the header matches the message under any of the secrets.
    InvalidSignature {
        /// Well-formed `v1` entries that were compared.
        v1_checked: usize,
        /// Entries skipped: other versions and malformed entries.
        skipped: usize,
        /// Number of secrets each entry was compared against.
        secrets: usize,
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
                write!(
                    f,
                    "missing {header} header (absent, empty or whitespace-only)"
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
                v1_checked: 0,
                skipped,
                ..
            } => write!(
                f,
                "no valid v1 signature in webhook-signature header \
                 ({skipped} other-version or malformed entr{} skipped)",
                if *skipped == 1 { "y" } else { "ies" }
            ),
            Self::InvalidSignature {
                v1_checked,
                skipped,
                secrets,
            } => {
                let found = if *v1_checked == 1 {
                    "the v1 signature in the webhook-signature header does not match".to_owned()
                } else {
                    format!("none of the {v1_checked} v1 signatures in the webhook-signature header matches")
                };
                write!(
                    f,
                    "{found} (checked against {secrets} secret{}",
                    plural(*secrets)
                )?;
                if *skipped > 0 {
                    write!(
                        f,
                        "; {skipped} other-version or malformed entr{} skipped",
                        if *skipped == 1 { "y" } else { "ies" }
                    )?;
                }
                f.write_str(
                    "); the MAC covers the raw body bytes, so a re-serialized body will not verify",
                )
            }
            Self::PayloadTooLarge { size, limit } => write!(
                f,
                "webhook body is {size} bytes, larger than the {limit}-byte limit (max_body_bytes)"
            ),
        }
    }
}

impl std::error::Error for WebhookError {}

impl ErrorCode for WebhookError {
    fn code(&self) -> &'static str {
        match self {
            Self::MissingHeader { .. } => "missing_header",
            Self::InvalidHeader { .. } => "invalid_header",
            Self::InvalidSecret { .. } => "invalid_secret",
            Self::InvalidTimestamp { .. } => "invalid_timestamp",
            Self::TimestampTooOld { .. } => "timestamp_too_old",
            Self::TimestampTooNew { .. } => "timestamp_too_new",
            Self::InvalidSignature { .. } => "invalid_signature",
            Self::PayloadTooLarge { .. } => "payload_too_large",
        }
    }
}
