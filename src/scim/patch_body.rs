//! A PATCH body read down to its operations: from JSON text without building the whole tree
//! (only each operation's `value` becomes a [`Value`]), or from an already parsed [`Value`]. Both
//! give the same [`PatchBody`], checked by one [`PatchBody::operations`].
//!
//! Why: parsing the whole body into a `Value` (a map node per object, a `String` per string) was
//! two thirds of planning a PATCH (profiled natively; about twice that in wasm), while the plan and
//! the engine read only `op`, `path` and `value`. Reading from text, keys and strings without
//! escapes borrow the input.
//!
//! Equivalence with reading a `Value`: the text is fully validated exactly as `serde_json` does for
//! a `Value` (every member the body does not use is still parsed into a `Value` and dropped, so
//! strings, numbers and nesting are checked alike); a member is found as [`get_ci`] finds it in a
//! `Value`'s sorted map (the least key that equals the name ignoring ASCII case; of equal keys,
//! the last); and the nesting bound covers every member.
//!
//! [`get_ci`]: crate::normalize::value::get_ci

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use super::patch::{ParsedOp, PatchOpKind};
use super::path::parse_path;
use crate::normalize::limits::{MAX_DEPTH, MAX_OPERATIONS};
use crate::normalize::value::{get_ci, within_depth, ROOT};
use crate::normalize::{json_error, NormalizationError, NormalizationErrorKind};

/// A member of an operation as sent: only its being a string matters.
enum Field<'a> {
    Str(Cow<'a, str>),
    Null,
    Other,
}

/// An operation object's `op`, `path` and `value` members, each with the key it was found under.
#[derive(Default)]
struct RawOp<'a> {
    op: Option<(Cow<'a, str>, Field<'a>)>,
    path: Option<(Cow<'a, str>, Field<'a>)>,
    value: Option<(Cow<'a, str>, Cow<'a, Value>)>,
}

/// The `Operations` member.
enum RawOps<'a> {
    /// Each element: `None` when it is not an object.
    List(Vec<Option<RawOp<'a>>>),
    NotArray,
}

/// A PATCH body as far as the operations go; [`PatchBody::operations`] checks it.
pub(crate) struct PatchBody<'a> {
    within_depth: bool,
    object: bool,
    operations: Option<(Cow<'a, str>, RawOps<'a>)>,
}

/// Keeps `found` as [`get_ci`] would pick among the keys seen so far.
///
/// [`get_ci`]: crate::normalize::value::get_ci
fn pick<'a, T>(slot: &mut Option<(Cow<'a, str>, T)>, key: Cow<'a, str>, value: T) {
    if slot.as_ref().is_none_or(|(k, _)| *key <= **k) {
        *slot = Some((key, value));
    }
}

impl<'a> PatchBody<'a> {
    /// Reads a PATCH body from JSON text. Fails only on text that is not JSON (`invalid_json`, or
    /// `too_complex` past `serde_json`'s recursion limit), as parsing it into a `Value` would.
    pub(crate) fn from_text(text: &'a [u8], what: &str) -> Result<Self, NormalizationError> {
        serde_json::from_slice(text).map_err(|e| json_error(&e, what))
    }

    /// Reads a PATCH body from a parsed value (borrowing it).
    pub(crate) fn from_value(patch: &'a Value) -> Self {
        let field = |v: &'a Value| match v {
            Value::String(s) => Field::Str(Cow::Borrowed(s.as_str())),
            Value::Null => Field::Null,
            _ => Field::Other,
        };
        let member = |map, name| get_ci(map, name).map(|(k, v)| (Cow::Borrowed(k), v));
        let operations = patch.as_object().and_then(|map| {
            let (key, ops) = member(map, "Operations")?;
            let Value::Array(items) = ops else {
                return Some((key, RawOps::NotArray));
            };
            let list = items
                .iter()
                .map(|item| {
                    let op = item.as_object()?;
                    Some(RawOp {
                        op: member(op, "op").map(|(k, v)| (k, field(v))),
                        path: member(op, "path").map(|(k, v)| (k, field(v))),
                        value: member(op, "value").map(|(k, v)| (k, Cow::Borrowed(v))),
                    })
                })
                .collect();
            Some((key, RawOps::List(list)))
        });
        PatchBody {
            within_depth: within_depth(patch, MAX_DEPTH),
            object: patch.is_object(),
            operations,
        }
    }

    /// The operations, checked and bounded: nesting depth, a JSON object with an `Operations`
    /// array of at most [`MAX_OPERATIONS`] objects, each with a known `op` (any case) and a `path`
    /// that parses when one is given. Errors point into the body (`/Operations/2/path`).
    pub(crate) fn operations(&self) -> Result<Vec<ParsedOp<'_>>, NormalizationError> {
        if !self.within_depth {
            return Err(NormalizationError::too_complex(
                ROOT,
                format!("JSON nested deeper than {MAX_DEPTH} levels"),
            ));
        }
        if !self.object {
            return Err(patch_err("", "a PATCH body must be a JSON object"));
        }
        let (ops_key, ops) = self
            .operations
            .as_ref()
            .ok_or_else(|| patch_err("", "no `Operations`"))?;
        let ops_key: &str = ops_key;
        let ops_ptr = ROOT.key(ops_key);
        let RawOps::List(ops) = ops else {
            return Err(patch_err(ops_ptr.render(), "`Operations` must be an array"));
        };
        if ops.len() > MAX_OPERATIONS {
            return Err(NormalizationError::too_complex(
                ops_ptr.render(),
                format!("more than {MAX_OPERATIONS} operations"),
            ));
        }
        let mut parsed = Vec::with_capacity(ops.len());
        for (i, op) in ops.iter().enumerate() {
            let at = ops_ptr.index(i);
            let op = op
                .as_ref()
                .ok_or_else(|| patch_err(at.render(), "an operation must be an object"))?;
            let kind = match &op.op {
                Some((_, Field::Str(s))) if s.eq_ignore_ascii_case("add") => PatchOpKind::Add,
                Some((_, Field::Str(s))) if s.eq_ignore_ascii_case("remove") => PatchOpKind::Remove,
                Some((_, Field::Str(s))) if s.eq_ignore_ascii_case("replace") => {
                    PatchOpKind::Replace
                }
                Some((k, Field::Str(s))) => {
                    return Err(patch_err(at.key(k).render(), format!("unknown op `{s}`")))
                }
                Some((k, _)) => return Err(patch_err(at.key(k).render(), "`op` must be a string")),
                None => return Err(patch_err(at.render(), "missing `op`")),
            };
            let path = match &op.path {
                None | Some((_, Field::Null)) => None,
                Some((_, Field::Str(s))) if s.trim().is_empty() => None,
                Some((k, Field::Str(s))) => {
                    Some(parse_path(s).map_err(|e| e.prefixed(&at.key(k).render()))?)
                }
                Some((k, Field::Other)) => {
                    return Err(NormalizationError::new(
                        NormalizationErrorKind::InvalidPath,
                        at.key(k).render(),
                        "`path` must be a string",
                    ))
                }
            };
            parsed.push(ParsedOp {
                kind,
                path,
                value: op.value.as_ref().map(|(_, v)| &**v),
                ops_key,
                index: i,
            });
        }
        Ok(parsed)
    }
}

pub(crate) fn patch_err(
    pointer: impl Into<String>,
    message: impl Into<String>,
) -> NormalizationError {
    NormalizationError::new(NormalizationErrorKind::InvalidPatch, pointer, message)
}

// ---------------------------------------------------------------------------------------------
// Reading from text. Nesting levels left, as `within_depth` counts them: the body has MAX_DEPTH,
// its members one less, an operation (an element of `Operations`) two less, its members three.

/// `Visitor::expecting` for visitors that take any JSON value (they never fail on a type).
macro_rules! expecting_any {
    () => {
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("any JSON value")
        }
    };
}

/// The visitor methods for a string (not kept) and `null`, all giving `$v`.
macro_rules! scalars {
    ($v:expr) => {
        fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
            Ok($v)
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok($v)
        }
    };
}

/// The visitor methods for booleans and numbers, all giving `$v`.
macro_rules! other_scalars {
    ($v:expr) => {
        fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
            Ok($v)
        }
        fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
            Ok($v)
        }
        fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
            Ok($v)
        }
        fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
            Ok($v)
        }
    };
}

/// A key: borrowed from the text when it has no escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s.to_owned())))
            }
            fn visit_string<E>(self, s: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s)))
            }
        }
        d.deserialize_str(V)
    }
}

/// Any member: parsed into a `Value` (as it would be) and dropped; says whether it nests at most
/// `.0` levels.
struct Member(usize);

impl<'de> DeserializeSeed<'de> for Member {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        Ok(within_depth(&Value::deserialize(d)?, self.0))
    }
}

/// An `op` or `path` member: a string borrowed when it can be, else what kind of value it is;
/// with whether it nests at most `.0` levels.
struct FieldSeed(usize);

impl<'de> DeserializeSeed<'de> for FieldSeed {
    type Value = (Field<'de>, bool);
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Result<Field<'de>, Value>;
            expecting_any!();
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Self::Value, E> {
                Ok(Ok(Field::Str(Cow::Borrowed(s))))
            }
            fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
                Ok(Ok(Field::Str(Cow::Owned(s.to_owned()))))
            }
            fn visit_string<E>(self, s: String) -> Result<Self::Value, E> {
                Ok(Ok(Field::Str(Cow::Owned(s))))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Ok(Field::Null))
            }
            other_scalars!(Ok(Field::Other));
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                let v = Value::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))?;
                Ok(Err(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                let v = Value::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(Err(v))
            }
        }
        Ok(match d.deserialize_any(V)? {
            Ok(field) => (field, true),
            Err(nested) => (Field::Other, within_depth(&nested, self.0)),
        })
    }
}

/// One element of `Operations`, with whether it nests at most `MAX_DEPTH - 2` levels.
struct OpSeed;

impl<'de> DeserializeSeed<'de> for OpSeed {
    type Value = (Option<RawOp<'de>>, bool);
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = (Option<RawOp<'de>>, bool);
            expecting_any!();
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                const LEVELS: usize = MAX_DEPTH - 3;
                let mut op = RawOp::default();
                let mut depth = Depth::default();
                while let Some(Key(key)) = map.next_key()? {
                    if key.eq_ignore_ascii_case("op") {
                        let (field, ok) = map.next_value_seed(FieldSeed(LEVELS))?;
                        depth.note(&key, ok);
                        pick(&mut op.op, key, field);
                    } else if key.eq_ignore_ascii_case("path") {
                        let (field, ok) = map.next_value_seed(FieldSeed(LEVELS))?;
                        depth.note(&key, ok);
                        pick(&mut op.path, key, field);
                    } else if key.eq_ignore_ascii_case("value") {
                        let value: Value = map.next_value()?;
                        depth.note(&key, within_depth(&value, LEVELS));
                        pick(&mut op.value, key, Cow::Owned(value));
                    } else {
                        let ok = map.next_value_seed(Member(LEVELS))?;
                        depth.note(&key, ok);
                    }
                }
                Ok((Some(op), depth.ok()))
            }
            // Anything else is not an operation: parsed (and checked) as a `Value`.
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut all = true;
                while let Some(ok) = seq.next_element_seed(Member(MAX_DEPTH - 3))? {
                    all &= ok;
                }
                Ok((None, all))
            }
            scalars!((None, true));
            other_scalars!((None, true));
        }
        d.deserialize_any(V)
    }
}

/// Whether an object's members nest within bounds, counting only the last of repeated keys (a
/// `Value` keeps only that one).
#[derive(Default)]
struct Depth {
    /// Keys whose last occurrence so far nests too deep; a set only once one does.
    too_deep: Option<HashSet<String>>,
}

impl Depth {
    fn note(&mut self, key: &str, ok: bool) {
        match (&mut self.too_deep, ok) {
            (None, true) => {}
            (Some(set), true) => {
                set.remove(key);
            }
            (slot, false) => {
                slot.get_or_insert_with(HashSet::new).insert(key.to_owned());
            }
        }
    }

    fn ok(&self) -> bool {
        self.too_deep.as_ref().is_none_or(HashSet::is_empty)
    }
}

/// The `Operations` member, with whether it nests at most `MAX_DEPTH - 1` levels.
struct OpsSeed;

impl<'de> DeserializeSeed<'de> for OpsSeed {
    type Value = (RawOps<'de>, bool);
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = (RawOps<'de>, bool);
            expecting_any!();
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut list = Vec::with_capacity(seq.size_hint().unwrap_or(4).min(64));
                let mut all = true;
                while let Some((op, ok)) = seq.next_element_seed(OpSeed)? {
                    list.push(op);
                    all &= ok;
                }
                Ok((RawOps::List(list), all))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                let v = Value::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok((RawOps::NotArray, within_depth(&v, MAX_DEPTH - 1)))
            }
            scalars!((RawOps::NotArray, true));
            other_scalars!((RawOps::NotArray, true));
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for PatchBody<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PatchBody<'de>;
            expecting_any!();
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut depth = Depth::default();
                let mut operations = None;
                while let Some(Key(key)) = map.next_key()? {
                    if key.eq_ignore_ascii_case("operations") {
                        let (ops, ok) = map.next_value_seed(OpsSeed)?;
                        depth.note(&key, ok);
                        pick(&mut operations, key, ops);
                    } else {
                        let ok = map.next_value_seed(Member(MAX_DEPTH - 1))?;
                        depth.note(&key, ok);
                    }
                }
                Ok(PatchBody {
                    within_depth: depth.ok(),
                    object: true,
                    operations,
                })
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut ok = true;
                while let Some(within) = seq.next_element_seed(Member(MAX_DEPTH - 1))? {
                    ok &= within;
                }
                Ok(not_object(ok))
            }
            scalars!(not_object(true));
            other_scalars!(not_object(true));
        }
        d.deserialize_any(V)
    }
}

fn not_object<'a>(within_depth: bool) -> PatchBody<'a> {
    PatchBody {
        within_depth,
        object: false,
        operations: None,
    }
}

#[cfg(test)]
#[path = "patch_body_tests.rs"]
mod tests;
