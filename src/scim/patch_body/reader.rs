//! Reading a [`PatchBody`]: serde visitors that keep only `op`, `path` and `value`, and parse
//! every other member into a `Value` that is dropped (so text is checked exactly as a `Value` parse
//! checks it). They read JSON text (`serde_json::Deserializer`) and parsed values (`&Value`) alike.
//! Nesting levels left, as `within_depth` counts them: the body has `MAX_DEPTH`, its members one
//! less, an operation (an element of `Operations`) two less, its members three.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use super::{pick, Field, PatchBody, RawOp, RawOps};
use crate::json::limits::{MAX_DEPTH, MAX_OPERATIONS};
use crate::json::value::within_depth;

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
                        pick(&mut op.value, key, value);
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
    too_deep: Option<BTreeSet<String>>,
}

impl Depth {
    fn note(&mut self, key: &str, ok: bool) {
        match (&mut self.too_deep, ok) {
            (None, true) => {}
            (Some(set), true) => {
                set.remove(key);
            }
            (slot, false) => {
                slot.get_or_insert_with(BTreeSet::new)
                    .insert(key.to_owned());
            }
        }
    }

    fn ok(&self) -> bool {
        self.too_deep.as_ref().is_none_or(BTreeSet::is_empty)
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
                    // Past the bound the body fails `too_complex` whatever the rest holds; the
                    // rest is still read (its syntax and depth decide first) but not kept.
                    if list.len() <= MAX_OPERATIONS {
                        list.push(op);
                    }
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
