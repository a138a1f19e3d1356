//! The Directory API fast path: a users list page read straight from the body text, item by
//! item, without first building the whole page as a `serde_json::Value` tree (every key of every
//! user allocated, a B-tree per object) only to take it apart again. That tree was most of the
//! cost of a page.
//!
//! It reads only the shape the reference service sends (each item an object with lower-case
//! keys, each once) and gives up (`None`) on anything else, including every error: the caller
//! then parses the body into a `Value` and takes the general path, which decides. So where this
//! path answers it must answer exactly what the general path would; every user goes through the
//! same [`super::reference::UserBuilder`] (via the event fast path's `UserSeed`), and the page's
//! own members are handed back as sent for the caller's general rules.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::event_stream::{give_up, UserSeed};
use super::limits::MAX_DEPTH;
use crate::model::DirectoryUser;

/// A users page as read from the text: the users normalized, the paging members as sent.
pub(crate) struct UsersPageText {
    pub(crate) users: Vec<DirectoryUser>,
    pub(crate) next_page_token: Option<Value>,
    pub(crate) prev_page_token: Option<Value>,
    pub(crate) total_size: Option<Value>,
}

/// Reads a users page from `body`; `None` when it is not one in the usual shape, or anything
/// about it would be an error.
pub(crate) fn users_page(body: &[u8]) -> Option<UsersPageText> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let page = de.deserialize_map(PageVisitor).ok()?;
    de.end().ok()?;
    Some(page)
}

struct PageVisitor;

impl<'de> Visitor<'de> for PageVisitor {
    type Value = UsersPageText;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a users page")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<UsersPageText, A::Error> {
        // The general path reads these four members by exact name, the last of repeated ones;
        // a repeat is rare enough to leave to it.
        let mut users = None;
        let mut next = None;
        let mut prev = None;
        let mut total = None;
        while let Some(key) = map.next_key::<&'de str>()? {
            let slot = match key {
                "users" => {
                    if users.is_some() {
                        return Err(give_up());
                    }
                    users = Some(map.next_value_seed(UsersSeed)?);
                    continue;
                }
                "next_page_token" => &mut next,
                "prev_page_token" => &mut prev,
                "total_size" => &mut total,
                _ => {
                    // Ignored by the general path too, but read as a `Value` all the same: that
                    // is what fails on it there (`1e400` is out of range for a `Value`, not for
                    // `IgnoredAny`), and then this path must give up.
                    map.next_value::<Value>()?;
                    continue;
                }
            };
            if slot.is_some() {
                return Err(give_up());
            }
            *slot = Some(map.next_value::<Value>()?);
        }
        Ok(UsersPageText {
            users: users.unwrap_or_default(),
            next_page_token: next,
            prev_page_token: prev,
            total_size: total,
        })
    }
}

/// The `users` member: an array of user objects; `null` is an empty list, as on the general path.
struct UsersSeed;

impl<'de> DeserializeSeed<'de> for UsersSeed {
    type Value = Vec<DirectoryUser>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for UsersSeed {
    type Value = Vec<DirectoryUser>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of users")
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut users = Vec::new();
        // Each item is checked on its own against the depth bound (`user_from_value`), so its
        // members may nest one level less than the bound.
        let seed = UserSeed {
            member_levels: MAX_DEPTH - 1,
        };
        while let Some((builder, _)) = seq.next_element_seed(&seed)? {
            users.push(builder.finish());
        }
        Ok(users)
    }
}
