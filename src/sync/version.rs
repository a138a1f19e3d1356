//! [`Version`]: the time of the state a stored user or group holds.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// `0000-01-01T00:00:00Z` in seconds since the Unix epoch (RFC 3339 years have four digits).
const MIN_SECS: i64 = -62_167_219_200;
/// `9999-12-31T23:59:59Z`.
const MAX_SECS: i64 = 253_402_300_799;
const NANOS_PER_SEC: u32 = 1_000_000_000;

/// An instant in UTC with nanosecond precision: an event's `occurred_at` or a listing's
/// `updated_at`. Ordered by time.
///
/// It renders (and serializes) as the fixed-width `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`, so a store
/// may keep it as text and compare it as text: the text order is the time order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    /// Seconds since 1970-01-01T00:00:00Z, within years 0000–9999.
    secs: i64,
    /// Below 1e9.
    nanos: u32,
}

impl Version {
    /// The earliest version, `0000-01-01T00:00:00.000000000Z`: older than any real state.
    pub const MIN: Version = Version {
        secs: MIN_SECS,
        nanos: 0,
    };

    /// Reads an RFC 3339 date-time, `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` (`t`, `z` and a
    /// space separator accepted), converting the offset to UTC. Digits of the fraction beyond
    /// nanoseconds are dropped; a leap second `:60` counts as the first second of the next
    /// minute. `None` when the text has another shape, names a day that does not exist, or lies
    /// outside the years 0000–9999 once in UTC.
    pub fn parse(text: &str) -> Option<Version> {
        let b = text.as_bytes();
        let num = |from: usize, len: usize| -> Option<i64> {
            let part = b.get(from..from.checked_add(len)?)?;
            part.iter().try_fold(0i64, |acc, &c| {
                c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
            })
        };
        let at = |i: usize, c: u8| b.get(i) == Some(&c);
        let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
        let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
        let shape = at(4, b'-')
            && at(7, b'-')
            && matches!(b.get(10), Some(b'T' | b't' | b' '))
            && at(13, b':')
            && at(16, b':');
        if !shape
            || !(1..=12).contains(&month)
            || day < 1
            || day > days_in_month(year, month)
            || hour > 23
            || minute > 59
            || second > 60
        {
            return None;
        }
        let mut i = 19;
        let mut nanos: u32 = 0;
        if at(i, b'.') {
            i += 1;
            let start = i;
            while let Some(&c) = b.get(i).filter(|c| c.is_ascii_digit()) {
                if i - start < 9 {
                    nanos = nanos * 10 + u32::from(c - b'0');
                }
                i += 1;
            }
            let digits = i - start;
            if digits == 0 {
                return None;
            }
            for _ in digits..9 {
                nanos *= 10;
            }
        }
        let offset = match b.get(i) {
            Some(b'Z' | b'z') if i + 1 == b.len() => 0,
            Some(&sign @ (b'+' | b'-')) if i + 6 == b.len() && at(i + 3, b':') => {
                let (h, m) = (num(i + 1, 2)?, num(i + 4, 2)?);
                if h > 23 || m > 59 {
                    return None;
                }
                let s = h * 3600 + m * 60;
                if sign == b'+' {
                    s
                } else {
                    -s
                }
            }
            _ => return None,
        };
        let secs = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second
            - offset;
        (MIN_SECS..=MAX_SECS)
            .contains(&secs)
            .then_some(Version { secs, nanos })
    }

    /// The instant `ms` milliseconds after the Unix epoch (JavaScript's `Date.now()`);
    /// `None` when it is not finite or outside the years 0000–9999.
    pub fn from_unix_millis(ms: f64) -> Option<Version> {
        if !ms.is_finite() {
            return None;
        }
        let secs = (ms / 1000.0).floor();
        if !((MIN_SECS as f64)..=(MAX_SECS as f64)).contains(&secs) {
            return None;
        }
        let nanos = ((ms - secs * 1000.0) * 1e6)
            .round()
            .clamp(0.0, 999_999_999.0);
        // Both casts are in range: checked just above.
        Some(Version {
            secs: secs as i64,
            nanos: nanos as u32,
        })
    }

    /// Milliseconds since the Unix epoch (nanoseconds below a millisecond dropped).
    pub fn unix_millis(self) -> i64 {
        self.secs * 1000 + i64::from(self.nanos / 1_000_000)
    }

    /// One nanosecond before this instant (no earlier than [`Version::MIN`]).
    pub fn just_before(self) -> Version {
        match (self.nanos.checked_sub(1), self.secs.checked_sub(1)) {
            (Some(nanos), _) => Version { nanos, ..self },
            (None, Some(secs)) if secs >= MIN_SECS => Version {
                secs,
                nanos: 999_999_999,
            },
            _ => Version::MIN,
        }
    }

    /// This instant plus `seconds`, no later than the last instant of year 9999.
    pub fn plus_seconds(self, seconds: u64) -> Version {
        match i64::try_from(seconds)
            .ok()
            .and_then(|s| self.secs.checked_add(s))
        {
            Some(secs) if secs <= MAX_SECS => Version {
                secs,
                nanos: self.nanos,
            },
            _ => Version {
                secs: MAX_SECS,
                nanos: 999_999_999,
            },
        }
    }

    /// This instant minus `seconds`, no earlier than [`Version::MIN`].
    pub fn minus_seconds(self, seconds: u64) -> Version {
        match i64::try_from(seconds)
            .ok()
            .and_then(|s| self.secs.checked_sub(s))
        {
            Some(secs) if secs >= MIN_SECS => Version {
                secs,
                nanos: self.nanos,
            },
            _ => Version::MIN,
        }
    }
}

impl fmt::Display for Version {
    /// `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`, always 30 characters.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.secs.div_euclid(86_400);
        let sod = self.secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        let (hh, mm, ss) = (sod / 3600, (sod % 3600) / 60, sod % 60);
        let ns = self.nanos.min(NANOS_PER_SEC - 1);
        write!(f, "{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}.{ns:09}Z")
    }
}

impl Serialize for Version {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Version::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!("`{text}` is not an RFC 3339 date-time"))
        })
    }
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date: Howard Hinnant's `days_from_civil`
/// (400-year eras starting on March 1st, so leap days fall last).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap_or_else(|| panic!("{s} should parse"))
    }

    #[test]
    fn renders_fixed_width_utc() {
        assert_eq!(
            v("2024-01-31T12:00:00Z").to_string(),
            "2024-01-31T12:00:00.000000000Z"
        );
        assert_eq!(
            v("2024-01-31t12:00:00.123456789123z").to_string(),
            "2024-01-31T12:00:00.123456789Z"
        );
        assert_eq!(
            v("2024-03-01 01:30:00.5+02:00").to_string(),
            "2024-02-29T23:30:00.500000000Z"
        );
        assert_eq!(
            v("1969-12-31T23:59:59.25-00:30").to_string(),
            "1970-01-01T00:29:59.250000000Z"
        );
        assert_eq!(
            v("2016-12-31T23:59:60Z").to_string(),
            "2017-01-01T00:00:00.000000000Z"
        );
        assert_eq!(Version::MIN.to_string(), "0000-01-01T00:00:00.000000000Z");
        assert_eq!(
            v("9999-12-31T23:59:59.999999999Z").to_string(),
            "9999-12-31T23:59:59.999999999Z"
        );
    }

    #[test]
    fn rejects_what_is_not_a_time() {
        for bad in [
            "",
            "2024-01-31",
            "2024-02-30T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-01-31T24:00:00Z",
            "2024-01-31T12:00:00",
            "2024-01-31T12:00:00.Z",
            "2024-01-31T12:00:00+0530",
            "2024-01-31T12:00:00+24:00",
            "2024-01-31T12:00:00Zjunk",
            "0000-01-01T00:00:00+00:01",
            "9999-12-31T23:59:59-00:01",
            "２０２4-01-31T12:00:00Z",
            "yesterday",
        ] {
            assert_eq!(Version::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn orders_by_time_and_text_alike() {
        let times = [
            "1970-01-01T00:00:00Z",
            "2024-01-31T13:00:00+01:00",
            "2024-01-31T12:00:00.000000001Z",
            "2024-01-31T12:00:00.1Z",
            "2024-01-31T11:00:01-01:00",
            "2024-01-31T12:00:01.5Z",
        ];
        let vs: Vec<Version> = times.iter().map(|t| v(t)).collect();
        assert!(vs.windows(2).all(|w| w[0] < w[1]), "{vs:?}");
        assert_eq!(vs[1], v("2024-01-31T12:00:00Z"));
        let texts: Vec<String> = vs.iter().map(Version::to_string).collect();
        assert!(texts.windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn millis_round_trip_and_arithmetic() {
        let t = Version::from_unix_millis(1_704_067_200_123.0).unwrap();
        assert_eq!(t.to_string(), "2024-01-01T00:00:00.123000000Z");
        assert_eq!(t.unix_millis(), 1_704_067_200_123);
        assert_eq!(
            t.minus_seconds(86_400).to_string(),
            "2023-12-31T00:00:00.123000000Z"
        );
        assert_eq!(t.minus_seconds(u64::MAX), Version::MIN);
        assert_eq!(Version::from_unix_millis(f64::NAN), None);
        assert_eq!(Version::from_unix_millis(1e20), None);
        assert_eq!(
            Version::from_unix_millis(-1.0).unwrap().to_string(),
            "1969-12-31T23:59:59.999000000Z"
        );
    }

    #[test]
    fn serde_is_the_text() {
        let t = v("2024-01-31T12:00:00Z");
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(json, "\"2024-01-31T12:00:00.000000000Z\"");
        assert_eq!(serde_json::from_str::<Version>(&json).unwrap(), t);
        assert!(serde_json::from_str::<Version>("\"nope\"").is_err());
    }
}
