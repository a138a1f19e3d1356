//! Multi-valued attributes at scale: a keyed index over one attribute's values, so that adding
//! or removing k values of an n-valued attribute (a group's members) costs about
//! (n + k) · log n, not n per value.
//!
//! The engine keeps an index per attribute across a request's operations ([`Indexes`]): Okta
//! removes members one `members[value eq "…"]` operation at a time, and a scan per operation made
//! 1,000 of them on a 50,000-member group take seconds. A removed value is only marked dead while
//! the index lives; the array is compacted once, when an operation the index does not serve
//! touches the attribute, or at the end of the request. A value's key is its `value` (what
//! [`item_key`] gives) as text; values without one are keyed by their whole JSON text, for the
//! exact-duplicate check, and indexed only when that check is needed.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::path::PatchPath;
use super::values::{get_bool_true, item_key};
use crate::json::value::key_ci;

/// The positions of values by key: `(key, position)` pairs, so duplicates of a key (a stored
/// resource may hold them) are all found by one range.
type Positions = BTreeSet<(String, usize)>;

/// The key of an item as text: `s` and the string for a string `value` (almost every one), `j` and
/// the JSON text for any other; `None` for an item without a key ([`item_key`]). Equal texts ⇔
/// equal keys.
fn key_text(item: &Value, out: &mut String) -> bool {
    match item_key(item) {
        Some(Value::String(s)) => {
            out.push('s');
            out.push_str(s);
            true
        }
        Some(other) => {
            out.push('j');
            out.push_str(&other.to_string());
            true
        }
        None => false,
    }
}

/// The key text of a `value` that is the string `s` (what [`key_text`] gives for it).
pub(super) fn string_key(s: &str) -> String {
    let mut k = String::with_capacity(s.len() + 1);
    k.push('s');
    k.push_str(s);
    k
}

/// The index of one multi-valued attribute's array.
#[derive(Debug, Default)]
pub(crate) struct Indexed {
    /// The keys of the values there when the index was built, in one buffer (one allocation for
    /// any number of values): `(start, end, position)`, sorted by key text, then position.
    arena: String,
    sorted: Vec<(usize, usize, usize)>,
    /// How many values the index was built over: positions below are in `sorted`.
    base: usize,
    /// Keys of values appended since (live ones only).
    appended: Positions,
    /// Values without a key, by their JSON text; built on first need.
    keyless: Option<Positions>,
    /// Positions whose value has `primary: true` (RFC 7643 §2.4 allows one): kept so that
    /// enforcing "one primary" visits only those.
    primaries: BTreeSet<usize>,
    dead: Vec<bool>,
    /// Built-in positions whose value was written to since (merged into, `primary` cleared).
    changed: Vec<bool>,
    /// Whether the values built in are the ones the caller gave (no earlier operation of the
    /// request wrote the attribute), so [`Indexed::runs`] may name them by position.
    given: bool,
    live: usize,
}

/// A piece of a multi-valued attribute after a request: values given (positions `start..end` of
/// the array as given, unchanged), or one value written by the request.
#[derive(Debug, Clone, PartialEq)]
pub enum Run {
    /// The given array's values at these positions, unchanged.
    Given(std::ops::Range<usize>),
    /// A value the request added or changed.
    Value(Value),
}

fn range(positions: &Positions, key: String) -> impl Iterator<Item = usize> + '_ {
    positions
        .range((key.clone(), 0)..=(key, usize::MAX))
        .map(|&(_, i)| i)
}

impl Indexed {
    /// Indexes `items`: one pass and one sort, no allocation per value.
    pub(super) fn build(items: &[Value]) -> Self {
        let mut arena = String::new();
        let mut sorted = Vec::with_capacity(items.len());
        let mut primaries = BTreeSet::new();
        for (i, item) in items.iter().enumerate() {
            let start = arena.len();
            if key_text(item, &mut arena) {
                sorted.push((start, arena.len(), i));
            }
            if get_bool_true(item, "primary") {
                primaries.insert(i);
            }
        }
        let text = |&(a, b, _): &(usize, usize, usize)| arena.get(a..b).unwrap_or_default();
        sorted.sort_unstable_by(|x, y| text(x).cmp(text(y)).then(x.2.cmp(&y.2)));
        Indexed {
            arena,
            sorted,
            base: items.len(),
            primaries,
            dead: vec![false; items.len()],
            changed: vec![false; items.len()],
            live: items.len(),
            ..Indexed::default()
        }
    }

    /// How many values are live (not removed).
    pub(super) fn live(&self) -> usize {
        self.live
    }

    /// The positions of built-in values with key `key`, first first. A key's values are removed
    /// together ([`Indexed::remove_key`]), so they are all live or all dead.
    fn base_run<'a>(&'a self, key: &'a str) -> impl Iterator<Item = usize> + 'a {
        let text = |&(a, b, _): &(usize, usize, usize)| self.arena.get(a..b).unwrap_or_default();
        let from = self.sorted.partition_point(|e| text(e) < key);
        self.sorted
            .get(from..)
            .unwrap_or_default()
            .iter()
            .take_while(move |e| text(e) == key)
            .map(|e| e.2)
            // All live or all dead: a dead run costs one look, however long.
            .take_while(|&i| !self.dead.get(i).copied().unwrap_or(true))
    }

    /// The first live position of `key`.
    fn first(&self, key: &str) -> Option<usize> {
        self.base_run(key)
            .next()
            .or_else(|| range(&self.appended, key.to_owned()).next())
    }

    fn keyless(&mut self, items: &[Value]) -> &mut Positions {
        let dead = &self.dead;
        self.keyless.get_or_insert_with(|| {
            items
                .iter()
                .enumerate()
                .filter(|&(i, item)| {
                    !dead.get(i).copied().unwrap_or(true) && item_key(item).is_none()
                })
                .map(|(i, item)| (item.to_string(), i))
                .collect()
        })
    }

    /// Appends `new` to `items`; a value whose key is already there is merged into the first
    /// live value with that key instead (its non-null members; Entra re-adds members with
    /// `"$ref": null`), and a value without a key that equals one already there is left out.
    /// Keeps at most one `primary: true`: the last one written.
    pub(super) fn append(&mut self, items: &mut Vec<Value>, new: Vec<Value>) {
        for item in new {
            if item.is_null() {
                continue;
            }
            let mut k = String::new();
            let keyed = key_text(&item, &mut k);
            let at = match keyed.then_some(k) {
                Some(k) => match self.first(&k) {
                    Some(i) => {
                        self.mark_changed(i);
                        if let (Some(Value::Object(dst)), Value::Object(mut src)) =
                            (items.get_mut(i), item)
                        {
                            src.retain(|_, v| !v.is_null());
                            super::keys::merge_into(dst, src);
                        }
                        i
                    }
                    None => {
                        self.appended.insert((k, items.len()));
                        self.push(items, item)
                    }
                },
                None => {
                    let text = item.to_string();
                    let keyless = self.keyless(items);
                    if range(keyless, text.clone()).next().is_some() {
                        continue;
                    }
                    keyless.insert((text, items.len()));
                    self.push(items, item)
                }
            };
            self.note_primary(items, at);
        }
    }

    fn mark_changed(&mut self, i: usize) {
        if let Some(c) = self.changed.get_mut(i) {
            *c = true;
        }
    }

    fn push(&mut self, items: &mut Vec<Value>, item: Value) -> usize {
        items.push(item);
        self.dead.push(false);
        self.live += 1;
        items.len() - 1
    }

    /// After the value at `at` was written: when it is primary, no other value is (RFC 7643
    /// §2.4).
    fn note_primary(&mut self, items: &mut [Value], at: usize) {
        if !items.get(at).is_some_and(|v| get_bool_true(v, "primary")) {
            self.primaries.remove(&at);
            return;
        }
        for i in std::mem::take(&mut self.primaries) {
            if i == at {
                continue;
            }
            if let Some(Value::Object(m)) = items.get_mut(i) {
                if let Some(k) = key_ci(m, "primary") {
                    if m.get(&k) == Some(&Value::Bool(true)) {
                        m.insert(k, Value::Bool(false));
                        if let Some(c) = self.changed.get_mut(i) {
                            *c = true;
                        }
                    }
                }
            }
        }
        self.primaries.insert(at);
    }

    /// Marks the value at `i` removed.
    fn kill(&mut self, items: &[Value], i: usize) {
        let Some(flag) = self.dead.get_mut(i) else {
            return;
        };
        if *flag {
            return;
        }
        *flag = true;
        self.live -= 1;
        self.primaries.remove(&i);
        let Some(item) = items.get(i) else { return };
        let mut k = String::new();
        if key_text(item, &mut k) {
            if i >= self.base {
                self.appended.remove(&(k, i));
            }
        } else if let Some(keyless) = &mut self.keyless {
            keyless.remove(&(item.to_string(), i));
        }
    }

    /// Removes every value whose key text is `key` ([`string_key`] for a string).
    pub(super) fn remove_key(&mut self, items: &[Value], key: &str) {
        let mut hits: Vec<usize> = self.base_run(key).collect();
        hits.extend(range(&self.appended, key.to_owned()));
        for i in hits {
            self.kill(items, i);
        }
    }

    /// Removes the values `gone` names (Entra removes members with a value list and no filter):
    /// those whose key is the key of one of `gone`, and those without a key equal to one of
    /// `gone`.
    pub(super) fn remove_values(&mut self, items: &[Value], gone: &Value) {
        let gone = match gone {
            Value::Array(vs) => vs.as_slice(),
            one => std::slice::from_ref(one),
        };
        for g in gone {
            let mut k = String::new();
            match key_text(g, &mut k).then_some(k) {
                Some(k) => self.remove_key(items, &k),
                None => {
                    let text = g.to_string();
                    let hits: Vec<usize> = range(self.keyless(items), text).collect();
                    for i in hits {
                        self.kill(items, i);
                    }
                }
            }
        }
    }

    /// Drops the removed values from `items`; the index is spent.
    pub(super) fn compact(self, items: &mut Vec<Value>) {
        if self.live == items.len() {
            return;
        }
        let mut dead = self.dead.into_iter();
        items.retain(|_| !dead.next().unwrap_or(false));
    }
}

impl Indexed {
    /// `items` after the request as runs: the built-in values left unchanged as ranges of their
    /// positions, every other live value as itself (taken out of `items`).
    pub(crate) fn runs(self, items: &mut [Value]) -> Vec<Run> {
        let mut runs: Vec<Run> = Vec::new();
        for (i, item) in items.iter_mut().enumerate() {
            if self.dead.get(i).copied().unwrap_or(true) {
                continue;
            }
            let given =
                self.given && i < self.base && !self.changed.get(i).copied().unwrap_or(true);
            match runs.last_mut() {
                Some(Run::Given(r)) if given && r.end == i => r.end = i + 1,
                _ if given => runs.push(Run::Given(i..i + 1)),
                _ => runs.push(Run::Value(item.take())),
            }
        }
        runs
    }
}

/// Appends `new` to `items` as [`Indexed::append`] does (an index built for the one call).
pub(super) fn append(items: &mut Vec<Value>, new: Vec<Value>) {
    Indexed::build(items).append(items, new);
}

/// Removes from `items` the values `gone` names, as [`Indexed::remove_values`] does.
pub(super) fn remove_values(items: &mut Vec<Value>, gone: &Value) {
    let mut idx = Indexed::build(items);
    idx.remove_values(items, gone);
    idx.compact(items);
}

/// Where a multi-valued attribute lives: the extension object's key (`None` for the resource
/// itself) and the attribute's key, both as spelled in the resource.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Slot {
    pub ext: Option<String>,
    pub attr: String,
}

impl Slot {
    /// The resource's top-level member the attribute is in.
    pub(super) fn top_level(&self) -> &str {
        self.ext.as_deref().unwrap_or(&self.attr)
    }
}

/// The indexes the engine keeps across one request's operations, one per attribute served.
#[derive(Debug, Default)]
pub(crate) struct Indexes {
    slots: BTreeMap<Slot, Indexed>,
    /// Top-level attributes that other operations wrote (or may have created) as arrays, so far.
    written: Vec<String>,
}

impl Indexes {
    /// The index of the array at `slot` (`items`), built on first use.
    pub(super) fn get(&mut self, slot: Slot, items: &[Value]) -> &mut Indexed {
        let written = &self.written;
        self.slots.entry(slot).or_insert_with_key(|slot| {
            let mut idx = Indexed::build(items);
            idx.given =
                slot.ext.is_none() && !written.iter().any(|a| a.eq_ignore_ascii_case(&slot.attr));
            idx
        })
    }

    /// Notes that an operation the indexes do not serve writes the top-level attribute `attr`
    /// that is an array or absent: an index built over it later does not hold the values given.
    pub(super) fn written(&mut self, attr: &str) {
        self.written.push(attr.to_owned());
    }

    /// Takes out every index whose attribute an operation the indexes do not serve may touch
    /// (its top-level member is one `path` reaches), for the caller to compact first.
    pub(super) fn write_through(&mut self, path: &PatchPath) -> Vec<(Slot, Indexed)> {
        if self.slots.is_empty() {
            return Vec::new();
        }
        let (hit, keep): (Vec<_>, Vec<_>) = std::mem::take(&mut self.slots)
            .into_iter()
            .partition(|(slot, _)| path.reaches(slot.top_level()));
        self.slots = keep.into_iter().collect();
        hit
    }

    /// Takes out the index of `slot`, for the caller to compact.
    pub(super) fn take(&mut self, slot: &Slot) -> Option<Indexed> {
        self.slots.remove(slot)
    }

    /// Takes out every index.
    pub(crate) fn take_all(&mut self) -> Vec<(Slot, Indexed)> {
        std::mem::take(&mut self.slots).into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn appended(items: Value, new: Value) -> Value {
        let Value::Array(mut items) = items else {
            unreachable!()
        };
        let Value::Array(new) = new else {
            unreachable!()
        };
        append(&mut items, new);
        Value::Array(items)
    }

    #[test]
    fn append_merges_dedupes_and_keeps_one_primary() {
        assert_eq!(
            appended(
                json!([{"value": "a", "primary": true}, {"value": "c"}, "s", {"type": "x"}]),
                json!([{"value": "c", "primary": true, "$ref": null}, {"value": "a"}, "s", {"type": "x"}, {"type": "y"}, null])
            ),
            json!([{"value": "a", "primary": false}, {"value": "c", "primary": true}, "s", {"type": "x"}, {"type": "y"}])
        );
    }

    #[test]
    fn removals_are_marked_then_compacted() {
        let Value::Array(mut items) =
            json!([{"value": "a"}, {"value": "b"}, {"value": "a"}, {"type": "t"}, "s"])
        else {
            unreachable!()
        };
        let mut idx = Indexed::build(&items);
        idx.remove_key(&items, &string_key("a"));
        assert_eq!(idx.live(), 3);
        idx.remove_values(&items, &json!([{"type": "t"}, "s", {"value": "zz"}]));
        assert_eq!(idx.live(), 1);
        // A removed key can come back.
        idx.append(&mut items, vec![json!({"value": "a", "display": "A"})]);
        idx.compact(&mut items);
        assert_eq!(
            Value::Array(items),
            json!([{"value": "b"}, {"value": "a", "display": "A"}])
        );
    }
}
