//! A user's `groups` (`[{id, display_name, total_users, updated_at}]` from the reference service)
//! read straight from the text for the streaming user reader: the items' members are kept as
//! borrowed keys beside their values instead of as a `Value` map each (a B-tree node and an
//! owned key per member, two to three groups per user). Each item then goes through the same
//! rule as on the general path ([`group_ref_of`]). Anything unusual (a non-object item, a
//! repeated or upper-case key) or wrong gives up, and the whole user falls back.
//!
//! Why streamed rather than read as a `Value` and handed to the general rule: on the service's
//! 30-user page (examples/normalize_timing.rs, case `page_fast`) the page costs 662 k
//! instructions with it and 769 k without (`groups` read as a `Value` through
//! `Builder::field`), and 81 µs against 102 µs (medians of 8 alternating runs of the two builds on
//! a loaded 2-core machine); commands as in `page_stream.rs`.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::json::value::{within_depth, ROOT};
use crate::model::GroupRef;
use crate::normalize::fill::group_ref_of;
use crate::normalize::streaming::{give_up, Seen};

/// The `groups` member; `levels` is how deep it may nest (as the user's other members).
pub(crate) struct GroupRefsSeed {
    pub(crate) levels: usize,
}

impl<'de> DeserializeSeed<'de> for GroupRefsSeed {
    type Value = Vec<GroupRef>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for GroupRefsSeed {
    type Value = Vec<GroupRef>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of groups")
    }

    // `null` is no groups, as on the general path.
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        // The array is one level, each item another: item members may nest two levels less.
        let item = GroupRefSeed {
            member_levels: self.levels.checked_sub(2).ok_or_else(give_up)?,
        };
        let mut out = Vec::new();
        while let Some(g) = seq.next_element_seed(&item)? {
            out.push(g);
        }
        Ok(out)
    }
}

struct GroupRefSeed {
    member_levels: usize,
}

impl<'de> DeserializeSeed<'de> for &GroupRefSeed {
    type Value = GroupRef;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for &GroupRefSeed {
    type Value = GroupRef;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a group object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<GroupRef, A::Error> {
        let mut seen = Seen::new();
        let mut members: Vec<(&'de str, Value)> = Vec::with_capacity(4);
        while let Some(key) = map.next_key::<&'de str>()? {
            if !seen.fresh(key) {
                return Err(give_up());
            }
            // Read as a `Value` even when unused: that is what would fail on the general path.
            let v: Value = map.next_value()?;
            if !within_depth(&v, self.member_levels) {
                return Err(give_up());
            }
            members.push((key, v));
        }
        // Keys are unique and lower-case here, so this finds what the general path finds in a map.
        group_ref_of(members.iter().map(|(k, v)| (*k, v)), ROOT).map_err(|_| give_up())
    }
}
