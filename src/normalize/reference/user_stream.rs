//! A reference user object (an event's `data`, a users page item) read straight from the text,
//! member by member into the same [`UserBuilder`] as on the general path, its `groups` streamed
//! too. Gives up (see [`crate::normalize::streaming`]) on anything unusual or wrong.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde_json::Value;

use super::builder::UserBuilder;
use super::group_refs_stream::GroupRefsSeed;
use crate::json::value::{within_depth, ROOT};
use crate::normalize::streaming::{give_up, Seen};

/// A reference user object read into a [`UserBuilder`], with whether it states `active`.
/// `member_levels` is how deep each member may nest for the general path to accept the document
/// it sits in.
pub(crate) struct UserSeed {
    pub(crate) member_levels: usize,
}

impl<'de> DeserializeSeed<'de> for &UserSeed {
    type Value = (Box<UserBuilder>, bool);

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for &UserSeed {
    type Value = (Box<UserBuilder>, bool);

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a user object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        // Boxed: the builder (~1 KB) is returned through several layers of serde's results.
        let mut b = Box::<UserBuilder>::default();
        let mut seen = Seen::new();
        let mut states_active = false;
        while let Some(key) = map.next_key::<&'de str>()? {
            if !seen.fresh(key) {
                return Err(give_up());
            }
            if key == "groups" {
                // Streamed too: its items are the larger part of a Directory API user.
                let seed = GroupRefsSeed {
                    levels: self.member_levels,
                };
                b.set_groups(map.next_value_seed(seed)?);
                continue;
            }
            let v: Value = map.next_value()?;
            if !within_depth(&v, self.member_levels) {
                return Err(give_up());
            }
            states_active |= key == "active";
            match b.field(key, v, ROOT) {
                Ok(Some(v)) => b.extra(key.to_owned(), v),
                Ok(None) => {}
                Err(_) => return Err(give_up()),
            }
        }
        Ok((b, states_active))
    }
}
