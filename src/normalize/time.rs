//! Unix timestamps to RFC 3339, without a date-time dependency.

use serde_json::Value;

use crate::json::value::Ptr;
use crate::json::NormalizationError;

/// Timestamps at or above this many units are taken as milliseconds: as seconds they would be
/// after the year 5000, as milliseconds they are after 1973.
const MILLIS_THRESHOLD: f64 = 1e11;

/// Converts an envelope `timestamp` to RFC 3339: strings pass through unchanged, numbers are Unix
/// seconds or milliseconds (told apart by size), in UTC.
pub(crate) fn timestamp_to_rfc3339(
    value: &Value,
    pointer: Ptr<'_>,
) -> Result<Option<String>, NormalizationError> {
    let bad =
        || NormalizationError::invalid_value(pointer, "expected an RFC 3339 string or Unix time");
    match value {
        Value::Null => Ok(None),
        Value::String(s) if s.is_empty() => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        Value::Number(n) => {
            let raw = n.as_f64().ok_or_else(bad)?;
            let millis = if raw.abs() >= MILLIS_THRESHOLD {
                raw
            } else {
                raw * 1000.0
            };
            let millis = millis.round();
            // Years 0000–9999 only: RFC 3339 has four-digit years.
            if !(-62_167_219_200_000.0..=253_402_300_799_999.0).contains(&millis) {
                return Err(bad());
            }
            Ok(Some(format_millis(millis as i64)))
        }
        _ => Err(bad()),
    }
}

/// Formats milliseconds since the Unix epoch as `YYYY-MM-DDTHH:MM:SS[.mmm]Z`.
pub(crate) fn format_millis(millis: i64) -> String {
    let secs = millis.div_euclid(1000);
    let ms = millis.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let (hh, mm, ss) = (sod / 3600, (sod % 3600) / 60, sod % 60);
    if ms == 0 {
        format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}Z")
    } else {
        format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}.{ms:03}Z")
    }
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day): Howard Hinnant's
/// `civil_from_days`, which counts in 400-year eras starting on March 1st so leap days fall last.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(format_millis(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_millis(951_782_400_000), "2000-02-29T00:00:00Z");
        assert_eq!(format_millis(1_700_000_000_123), "2023-11-14T22:13:20.123Z");
        assert_eq!(format_millis(-1000), "1969-12-31T23:59:59Z");
        assert_eq!(format_millis(253_402_300_799_000), "9999-12-31T23:59:59Z");
    }

    #[test]
    fn seconds_and_millis() {
        let s = timestamp_to_rfc3339(&serde_json::json!(1_700_000_000), "".into()).unwrap();
        let ms = timestamp_to_rfc3339(&serde_json::json!(1_700_000_000_000u64), "".into()).unwrap();
        assert_eq!(s, ms);
        assert!(timestamp_to_rfc3339(&serde_json::json!(1e300), "".into()).is_err());
        assert!(timestamp_to_rfc3339(&serde_json::json!(true), "".into()).is_err());
    }
}
