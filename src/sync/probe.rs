//! Whether an event's raw `data.groups` is a non-null array. The normalized user always has a
//! `groups` array (`null` becomes `[]`), but for memberships the difference matters: real
//! deliveries send `null` meaning "not said", and only a stated list may replace the user's
//! memberships. Member names are matched ignoring ASCII case, as the normalizer does.

use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::json::value::get_ci;

/// [`groups_stated_in_bytes`] for a parsed envelope.
pub(crate) fn groups_stated_in_value(envelope: &Value) -> bool {
    envelope
        .as_object()
        .and_then(|m| get_ci(m, "data"))
        .and_then(|(_, d)| d.as_object())
        .and_then(|d| get_ci(d, "groups"))
        .is_some_and(|(_, g)| g.is_array())
}

/// Whether the envelope in `payload` (JSON text) has a `data.groups` that is an array. `false`
/// for anything else, including text that is not JSON (the normalizer has rejected it before).
pub(crate) fn groups_stated_in_bytes(payload: &[u8]) -> bool {
    let mut de = serde_json::Deserializer::from_slice(payload);
    de.deserialize_map(Level::Envelope).unwrap_or(false)
}

/// Which object a visitor is in.
#[derive(Clone, Copy)]
enum Level {
    /// The envelope: looks for `data`.
    Envelope,
    /// `data`: looks for `groups`.
    Data,
    /// `groups`: an array or not.
    Groups,
}

impl<'de> de::DeserializeSeed<'de> for Level {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Level {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let (wanted, inner) = match self {
            Level::Envelope => ("data", Level::Data),
            Level::Data => ("groups", Level::Groups),
            Level::Groups => ("", Level::Groups),
        };
        let mut found = false;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if !wanted.is_empty() && key.eq_ignore_ascii_case(wanted) {
                // A repeated member: the last one counts, as in a parsed map.
                found = map.next_value_seed(inner)?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found && !matches!(self, Level::Groups))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(matches!(self, Level::Groups))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_non_null_array_is_stated() {
        let cases = [
            (r#"{"type":"t","data":{"id":"u","groups":[]}}"#, true),
            (r#"{"data":{"groups":[{"id":"g","name":"G"}]}}"#, true),
            (r#"{"Data":{"GROUPS":[1]}}"#, true),
            (r#"{"data":{"groups":null}}"#, false),
            (r#"{"data":{"id":"u"}}"#, false),
            (r#"{"data":null}"#, false),
            (r#"{"data":{"groups":{}}}"#, false),
            (r#"{"data":{"groups":"x"}}"#, false),
            (r#"{"groups":[]}"#, false),
            (r#"{"data":{"x":{"groups":[]}}}"#, false),
            (r#"{"data":{"groups":[]},"data":{"groups":null}}"#, false),
            (r#"{"data":{"groups":null},"data":{"groups":[]}}"#, true),
            ("not json", false),
            ("[]", false),
        ];
        for (text, want) in cases {
            assert_eq!(groups_stated_in_bytes(text.as_bytes()), want, "{text}");
            if let Ok(v) = serde_json::from_str::<Value>(text) {
                // A parsed map keeps the last of repeated members too; case variants aside.
                if !text.contains("GROUPS") {
                    assert_eq!(groups_stated_in_value(&v), want, "{text}");
                }
            }
        }
    }
}
