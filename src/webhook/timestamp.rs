//! Strict parsing of `webhook-timestamp` and the tolerance window.

use super::WebhookError;

/// The most digits a non-negative `i64` can have.
const MAX_DIGITS: usize = 19;

/// Digits a millisecond timestamp has between 2001-09-09 and 2286-11-20.
const MILLIS_DIGITS: usize = 13;

/// Parses Unix seconds written as ASCII digits only: no sign, no spaces, no leading zeros
/// (except `"0"` itself), at most 19 digits, within `i64`.
pub(crate) fn parse(value: &str) -> Result<i64, WebhookError> {
    let bytes = value.as_bytes();
    let invalid = |reason| Err(WebhookError::invalid_timestamp(value, reason));
    if bytes.is_empty() {
        return invalid("expected Unix seconds, got an empty value");
    }
    if !bytes.iter().all(u8::is_ascii_digit) {
        return invalid(
            "expected Unix seconds as ASCII digits only (no sign, spaces, decimal point or letters)",
        );
    }
    if bytes.len() > 1 && bytes.first() == Some(&b'0') {
        return invalid("leading zeros are not allowed");
    }
    if bytes.len() > MAX_DIGITS {
        return invalid("too many digits for Unix seconds");
    }
    // At most 19 digits always fit a u64, so no overflow checks per digit (an i64 `checked_mul`
    // is a 128-bit multiply call in wasm32); only the final range check.
    let n = bytes
        .iter()
        .fold(0u64, |n, &b| n * 10 + u64::from(b - b'0'));
    i64::try_from(n).or_else(|_| invalid("out of range for Unix seconds"))
}

/// Checks `timestamp` (whose header form had `digits` digits) against `now ± tolerance_secs`,
/// both ends inclusive.
pub(crate) fn check_tolerance(
    timestamp: i64,
    digits: usize,
    now: i64,
    tolerance_secs: u64,
) -> Result<(), WebhookError> {
    let tolerance = i128::from(tolerance_secs);
    let diff = i128::from(timestamp) - i128::from(now);
    if diff < -tolerance {
        return Err(WebhookError::TimestampTooOld {
            timestamp,
            now,
            tolerance_secs,
        });
    }
    if diff > tolerance {
        let looks_like_millis =
            digits == MILLIS_DIGITS || (now > 0 && i128::from(timestamp) > i128::from(now) * 100);
        return Err(WebhookError::TimestampTooNew {
            timestamp,
            now,
            tolerance_secs,
            looks_like_millis,
        });
    }
    Ok(())
}
