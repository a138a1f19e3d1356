//! The Directory API fast path: a users or groups list page read straight from the body text,
//! item by item, without first building the whole page as a `serde_json::Value` tree (every key
//! of every item allocated, a B-tree per object) only to take it apart again. That tree was most
//! of the cost of a page.
//!
//! It reads only the shape the reference service sends (each item an object with lower-case
//! keys, each once) and gives up (`None`) on anything else, including every error: the caller
//! then parses the body into a `Value` and takes the general path, which decides. So where this
//! path answers it must answer exactly what the general path would; every item goes through the
//! same builder as there ([`UserBuilder`] via [`UserSeed`], [`GroupBuilder`]),
//! and the page's own members are handed back as sent for the caller's general rules. The
//! equivalence tests are in `src/directory/pages_fast_tests.rs`.
//!
//! Why a second path at all, measured with examples/normalize_timing.rs on the service's 30-user
//! page (tests/fixtures/pages/users-page-30.json; cases `page_fast`, and `page_general`, the same
//! body made to take the general path): 662 k instructions per page here against 1 060 k
//! (1.6×; `valgrind --tool=cachegrind` of `normalize_timing bench/data/user-2k.json --count
//! <case> 30`, minus `--count <case> 0`), 56 µs against 114 µs (medians of 10 runs of `cargo run
//! --release --example normalize_timing -- bench/data/user-2k.json` on a loaded 2-core machine).

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::builder::{GroupBuilder, UserBuilder};
use super::user_stream::UserSeed;
use crate::json::limits::MAX_DEPTH;
use crate::json::value::{within_depth, ROOT};
use crate::model::{DirectoryGroup, DirectoryUser};
use crate::normalize::streaming::{give_up, Seen};

/// A list page as read from the text: the items normalized, the paging members as sent.
pub(crate) struct PageText<T> {
    pub(crate) items: Vec<T>,
    pub(crate) next_page_token: Option<Value>,
    pub(crate) prev_page_token: Option<Value>,
    pub(crate) total_size: Option<Value>,
}

/// Reads a users page from `body`; `None` when it is not one in the usual shape, or anything
/// about it would be an error.
pub(crate) fn users_page(body: &str) -> Option<PageText<DirectoryUser>> {
    read_page(body, "users", UserItem)
}

/// [`users_page`] for a groups page.
pub(crate) fn groups_page(body: &str) -> Option<PageText<DirectoryGroup>> {
    read_page(body, "groups", GroupItem)
}

fn read_page<'de, S: DeserializeSeed<'de> + Copy>(
    body: &'de str,
    key: &'static str,
    item: S,
) -> Option<PageText<S::Value>> {
    // From text the caller already validated as UTF-8: serde_json then skips checking each
    // string again (measured ~5 % of a page).
    let mut de = serde_json::Deserializer::from_str(body);
    let page = de.deserialize_map(PageVisitor { key, item }).ok()?;
    de.end().ok()?;
    Some(page)
}

struct PageVisitor<S> {
    /// The member holding the items (`users`, `groups`).
    key: &'static str,
    item: S,
}

impl<'de, S: DeserializeSeed<'de> + Copy> Visitor<'de> for PageVisitor<S> {
    type Value = PageText<S::Value>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list page")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        // The general path reads these four members by exact name, the last of repeated ones;
        // a repeat is rare enough to leave to it.
        let mut items = None;
        let mut next = None;
        let mut prev = None;
        let mut total = None;
        while let Some(key) = map.next_key::<&'de str>()? {
            let slot = match key {
                k if k == self.key => {
                    if items.is_some() {
                        return Err(give_up());
                    }
                    items = Some(map.next_value_seed(ItemsSeed(self.item))?);
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
        Ok(PageText {
            items: items.unwrap_or_default(),
            next_page_token: next,
            prev_page_token: prev,
            total_size: total,
        })
    }
}

/// The items member: an array of item objects; `null` is an empty list, as on the general path.
struct ItemsSeed<S>(S);

impl<'de, S: DeserializeSeed<'de> + Copy> DeserializeSeed<'de> for ItemsSeed<S> {
    type Value = Vec<S::Value>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, S: DeserializeSeed<'de> + Copy> Visitor<'de> for ItemsSeed<S> {
    type Value = Vec<S::Value>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of items")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        // A full page (the API's maximum is 30) without regrowing: items are ~1 KB each.
        let mut items = Vec::with_capacity(32);
        while let Some(item) = seq.next_element_seed(self.0)? {
            items.push(item);
        }
        Ok(items)
    }
}

/// Each item is checked on its own against the depth bound on the general path
/// (`user_from_value`, `group_from_value`), so its members may nest one level less than it.
const MEMBER_LEVELS: usize = MAX_DEPTH - 1;

/// One users page item.
#[derive(Clone, Copy)]
struct UserItem;

impl<'de> DeserializeSeed<'de> for UserItem {
    type Value = DirectoryUser;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        let seed = UserSeed {
            member_levels: MEMBER_LEVELS,
        };
        let (builder, _): (Box<UserBuilder>, bool) = (&seed).deserialize(d)?;
        Ok(builder.finish())
    }
}

/// One groups page item, member by member into a [`GroupBuilder`].
#[derive(Clone, Copy)]
struct GroupItem;

impl<'de> DeserializeSeed<'de> for GroupItem {
    type Value = DirectoryGroup;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for GroupItem {
    type Value = DirectoryGroup;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a group object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut b = GroupBuilder::default();
        let mut seen = Seen::new();
        while let Some(key) = map.next_key::<&'de str>()? {
            if !seen.fresh(key) {
                return Err(give_up());
            }
            let v: Value = map.next_value()?;
            if !within_depth(&v, MEMBER_LEVELS) {
                return Err(give_up());
            }
            match b.field(key, v, ROOT) {
                Ok(Some(v)) => b.extra(key.to_owned(), v),
                Ok(None) => {}
                Err(_) => return Err(give_up()),
            }
        }
        Ok(b.finish())
    }
}
