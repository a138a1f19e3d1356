//! Retry policy: which answers are retried, exponential backoff with full jitter, and
//! `Retry-After` parsing.

use super::error::DirectoryErrorKind;

/// The error kind of a non-2xx answer and whether it is retried. The token endpoint answers bad
/// credentials with 400/401/403: those are `unauthorized`. (A 401 from the API is renewed once by
/// the session before it gets here.)
pub(crate) fn classify_status(status: u16, token_endpoint: bool) -> (DirectoryErrorKind, bool) {
    use DirectoryErrorKind as K;
    match status {
        400 | 401 | 403 if token_endpoint => (K::Unauthorized, false),
        401 => (K::Unauthorized, false),
        403 => (K::Forbidden, false),
        404 => (K::NotFound, false),
        408 => (K::Timeout, true),
        429 => (K::RateLimited, true),
        502..=504 => (K::ServerError, true),
        500..=599 => (K::ServerError, false),
        400..=499 => (K::InvalidArgument, false),
        _ => (K::InvalidResponse, false),
    }
}

/// Full-jitter backoff: `random * min(cap, base * 2^attempt)`, in whole milliseconds.
/// `attempt` counts from 0 (the delay before the first retry). A `random` outside `[0, 1)`
/// (or NaN) is clamped, so a misbehaving runtime cannot produce huge sleeps.
pub(crate) fn backoff_ms(attempt: u32, base_ms: u64, cap_ms: u64, random: f64) -> u64 {
    let exp = base_ms.saturating_mul(1u64.checked_shl(attempt.min(63)).unwrap_or(u64::MAX));
    let ceiling = exp.min(cap_ms);
    let r = if random.is_nan() {
        0.0
    } else {
        random.clamp(0.0, 1.0)
    };
    // ceiling ≤ cap, so the product fits; `as` saturates on float → int.
    (r * ceiling as f64).floor() as u64
}

/// Parses a `Retry-After` value into a delay in milliseconds: delta-seconds (`"120"`) or an
/// IMF-fixdate (`"Sun, 06 Nov 1994 08:49:37 GMT"`, day name optional) relative to `now_ms`.
/// A date in the past gives 0. Anything else gives `None` (the caller then uses backoff).
pub(crate) fn parse_retry_after(value: &str, now_ms: f64) -> Option<u64> {
    let v = value.trim();
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        let secs: u64 = v.parse().unwrap_or(u64::MAX);
        return Some(secs.saturating_mul(1000));
    }
    let at_ms = parse_imf_fixdate(v)?;
    let delta = at_ms - now_ms;
    if delta.is_nan() || delta <= 0.0 {
        Some(0)
    } else {
        Some(delta.ceil() as u64)
    }
}

/// Milliseconds since the Unix epoch of an IMF-fixdate (RFC 9110 §5.6.7).
fn parse_imf_fixdate(s: &str) -> Option<f64> {
    let rest = match s.split_once(',') {
        Some((day_name, rest)) => {
            const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
            if !DAYS.iter().any(|d| d.eq_ignore_ascii_case(day_name.trim())) {
                return None;
            }
            rest
        }
        None => s,
    };
    let mut parts = rest.split_ascii_whitespace();
    let day: i64 = parse_digits(parts.next()?, 1, 2)?;
    let month_name = parts.next()?;
    let year: i64 = parse_digits(parts.next()?, 4, 4)?;
    let time = parts.next()?;
    let zone = parts.next()?;
    if parts.next().is_some() || !(zone.eq_ignore_ascii_case("GMT") || zone == "UTC") {
        return None;
    }
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS
        .iter()
        .position(|m| m.eq_ignore_ascii_case(month_name))? as i64
        + 1;
    let mut hms = time.split(':');
    let h: i64 = parse_digits(hms.next()?, 2, 2)?;
    let m: i64 = parse_digits(hms.next()?, 2, 2)?;
    let sec: i64 = parse_digits(hms.next()?, 2, 2)?;
    if hms.next().is_some() || !(1..=31).contains(&day) || h > 23 || m > 59 || sec > 60 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + h * 3600 + m * 60 + sec;
    Some(secs as f64 * 1000.0)
}

fn parse_digits(s: &str, min_len: usize, max_len: usize) -> Option<i64> {
    if s.len() < min_len || s.len() > max_len || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_full_jitter_and_capped() {
        assert_eq!(backoff_ms(0, 500, 30_000, 0.0), 0);
        assert_eq!(backoff_ms(0, 500, 30_000, 0.5), 250);
        assert_eq!(backoff_ms(3, 500, 30_000, 0.5), 2000);
        assert_eq!(backoff_ms(10, 500, 30_000, 0.5), 15_000);
        assert_eq!(backoff_ms(200, 500, 30_000, 0.999), 29_970);
        assert_eq!(backoff_ms(2, 500, 30_000, f64::NAN), 0);
        assert_eq!(backoff_ms(2, 500, 30_000, 7.0), 2000);
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        assert_eq!(parse_retry_after("120", 0.0), Some(120_000));
        assert_eq!(parse_retry_after(" 0 ", 0.0), Some(0));
        let now = 784_111_777_000.0; // Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now),
            Some(0)
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", now),
            Some(30_000)
        );
        assert_eq!(
            parse_retry_after("06 Nov 1994 08:50:07 GMT", now),
            Some(30_000)
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:40:00 GMT", now),
            Some(0)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-5", now), None);
        assert_eq!(
            parse_retry_after("Sun, 06 Foo 1994 08:50:07 GMT", now),
            None
        );
        assert_eq!(parse_retry_after("", now), None);
        assert_eq!(
            parse_retry_after("99999999999999999999999", now),
            Some(u64::MAX)
        );
    }

    #[test]
    fn civil_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
    }
}
