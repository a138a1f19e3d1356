//! Finding a member by name ignoring ASCII case (RFC 7643 §2.1) in the maps a request writes
//! many members into, without a scan per lookup.
//!
//! A path-less value with 20,000 members, each a new attribute, made the engine scan the growing
//! resource once per member (7 s natively). For a map of at least [`MIN_LEN`] members the engine
//! keeps the members' names folded to lower case beside it, for the rest of the request, and
//! tells [`Folds`] of every member it adds or removes there, and of every value it replaces
//! (which drops what was kept for the maps inside). Smaller maps are scanned, as before. In debug
//! builds every answer is checked against the scan.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::json::value::key_ci;

/// Maps with fewer members are scanned: cheaper than keeping their names.
const MIN_LEN: usize = 32;

/// Which map: the resource, an extension object (by its key in the resource), or a complex
/// attribute's object (by the keys of its container and itself).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Loc {
    /// The resource (or the part of it given).
    Root,
    /// `resource[ext]`.
    Ext(String),
    /// `resource[attr]` (`None`), or `resource[ext][attr]`.
    Attr(Option<String>, String),
}

impl Loc {
    /// The map holding `key` in this one.
    pub(super) fn child(&self, key: &str) -> Option<Loc> {
        match self {
            Loc::Root => Some(Loc::Attr(None, key.to_owned())),
            Loc::Ext(ext) => Some(Loc::Attr(Some(ext.clone()), key.to_owned())),
            Loc::Attr(..) => None,
        }
    }
}

/// The folded names of the large maps a request looks names up in.
#[derive(Debug, Default)]
pub(crate) struct Folds {
    maps: BTreeMap<Loc, BTreeSet<(String, String)>>,
}

impl Folds {
    /// The least key of `map` (at `loc`) that equals `name` ignoring ASCII case, as
    /// [`key_ci`] finds it.
    pub(super) fn find(
        &mut self,
        loc: &Loc,
        map: &Map<String, Value>,
        name: &str,
    ) -> Option<String> {
        if !self.maps.contains_key(loc) {
            if map.len() < MIN_LEN {
                return key_ci(map, name);
            }
            let names = map
                .keys()
                .map(|k| (k.to_ascii_lowercase(), k.clone()))
                .collect();
            self.maps.insert(loc.clone(), names);
        }
        let lower = name.to_ascii_lowercase();
        let found = self.maps.get(loc).and_then(|names| {
            names
                .range((lower.clone(), String::new())..)
                .next()
                .filter(|(l, _)| *l == lower)
                .map(|(_, k)| k.clone())
        });
        debug_assert_eq!(
            found,
            key_ci(map, name),
            "folded names out of step at {loc:?}"
        );
        found
    }

    /// The least key of `map` (at `loc`) that equals one of `names` ignoring ASCII case.
    pub(super) fn find_any(
        &mut self,
        loc: &Loc,
        map: &Map<String, Value>,
        names: &[&str],
    ) -> Option<String> {
        if map.len() < MIN_LEN && !self.maps.contains_key(loc) {
            return map
                .keys()
                .find(|k| names.iter().any(|n| k.eq_ignore_ascii_case(n)))
                .cloned();
        }
        names.iter().filter_map(|n| self.find(loc, map, n)).min()
    }

    /// `key` was added to the map at `loc`.
    pub(super) fn inserted(&mut self, loc: &Loc, key: &str) {
        if let Some(names) = self.maps.get_mut(loc) {
            names.insert((key.to_ascii_lowercase(), key.to_owned()));
        }
    }

    /// `key` was removed from the map at `loc`.
    pub(super) fn removed(&mut self, loc: &Loc, key: &str) {
        if let Some(names) = self.maps.get_mut(loc) {
            names.remove(&(key.to_ascii_lowercase(), key.to_owned()));
        }
        self.replaced(loc, key);
    }

    /// The value at `key` in the map at `loc` was replaced (or changed other than through
    /// these calls): what was kept for the maps inside it goes.
    pub(super) fn replaced(&mut self, loc: &Loc, key: &str) {
        if self.maps.is_empty() {
            return;
        }
        if let Some(child) = loc.child(key) {
            self.maps.remove(&child);
        }
        if *loc == Loc::Root {
            self.maps.remove(&Loc::Ext(key.to_owned()));
            let inside: Vec<Loc> = self
                .maps
                .range(Loc::Attr(Some(key.to_owned()), String::new())..)
                .map(|(l, _)| l)
                .take_while(|l| matches!(l, Loc::Attr(Some(e), _) if e == key))
                .cloned()
                .collect();
            for l in inside {
                self.maps.remove(&l);
            }
        }
    }
}

/// Merges `src`'s members into `dst` as [`super::values::merge_into`] does (sub-attributes not
/// mentioned stay; `null` removes one), with `dst`'s names folded once rather than scanned per
/// member when `src` is large.
pub(super) fn merge_into(dst: &mut Map<String, Value>, src: Map<String, Value>) {
    if src.len() < MIN_LEN {
        super::values::merge_into(dst, src);
        return;
    }
    let mut folds = Folds::default();
    let loc = Loc::Root;
    for (k, v) in src {
        let existing = folds.find(&loc, dst, &k);
        if v.is_null() {
            if let Some(e) = existing {
                dst.remove(&e);
                folds.removed(&loc, &e);
            }
            continue;
        }
        match existing {
            Some(e) => {
                dst.insert(e, v);
            }
            None => {
                folds.inserted(&loc, &k);
                dst.insert(k, v);
            }
        }
    }
}
