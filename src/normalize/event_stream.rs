//! The webhook fast path: a user event read straight from its text, member by member, without
//! building the envelope and `data` as `serde_json::Value` maps first (that allocated every key
//! and a B-tree per object, and was the larger half of normalizing a 1 KiB event).
//!
//! It handles only the shape the reference service sends (lower-case keys, each once, `type`
//! before `data`, a user type) and gives up (`None`) on anything else, including every error:
//! [`super::normalize_event`] then takes the general path, which decides. So where this path
//! answers it must answer exactly what the general path would; everything it reads goes through
//! the same functions ([`UserBuilder`], `take_string`, `timestamp_to_rfc3339`, `user_data`).
//! `event_stream_tests.rs` checks that against the general path.
//!
//! Why a second path at all, measured with examples/normalize_timing.rs on the service's 1 KiB
//! user event (cases `event_fast`, `event_general`): 42.7 k instructions per event here against
//! 57.9 k through a `Value` (1.36×; `valgrind --tool=cachegrind` of `normalize_timing
//! bench/data/user-2k.json --count <case> 200`, minus `--count <case> 0`), 3.7 µs against 4.8 µs
//! (medians of 10 runs of `cargo run --release --example normalize_timing --
//! bench/data/user-2k.json` on a loaded 2-core machine). Giving up costs little: 61.4 k
//! instructions when it gives up at `data` (`event_type_last`).

use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::Value;

use super::event_data::{user_data, EventObject};
use super::reference::{UserBuilder, UserSeed};
use super::streaming::{give_up, Seen};
use super::time::timestamp_to_rfc3339;
use crate::json::limits::MAX_DEPTH;
use crate::json::value::{opt_string, take_string, within_depth, ROOT};
use crate::model::DirectoryEvent;

/// The envelope members this path reads, as sent.
#[derive(Default)]
struct Envelope {
    event_type: Option<Value>,
    occurred_at: Option<Value>,
    timestamp: Option<Value>,
    organization_id: Option<Value>,
    directory_id: Option<Value>,
    spec_version: Option<Value>,
    id: Option<Value>,
    environment_id: Option<Value>,
    object: Option<Value>,
    display_name: Option<Value>,
    /// The user read from `data`, and whether `data` states `active`.
    data: Option<(Box<UserBuilder>, bool)>,
}

/// Reads a user event from `payload`; `None` when it is not one in the usual shape, or anything
/// about it would be an error.
pub(crate) fn user_event(payload: &[u8]) -> Option<DirectoryEvent> {
    let mut de = serde_json::Deserializer::from_slice(payload);
    let env = de.deserialize_map(EnvelopeVisitor).ok()?;
    de.end().ok()?;
    finish(env)
}

fn finish(env: Envelope) -> Option<DirectoryEvent> {
    let string = |v: Option<Value>| match v {
        Some(v) => take_string(v, ROOT).ok(),
        None => Some(None),
    };
    let event_type = string(env.event_type)??;
    let (builder, states_active) = env.data?;
    let occurred_at = match env.occurred_at.or(env.timestamp) {
        Some(v) => timestamp_to_rfc3339(&v, ROOT).ok()?,
        None => None,
    };
    let organization_id = match string(env.organization_id)? {
        Some(o) => Some(o),
        None => builder.user().organization_id.clone(),
    };
    let directory_id = match string(env.directory_id)? {
        Some(d) => Some(d),
        None => builder.user().directory_id.clone(),
    };
    let data = user_data(
        builder.finish(),
        &event_type,
        states_active,
        &organization_id,
        &directory_id,
    );
    Some(DirectoryEvent {
        spec_version: string(env.spec_version)?,
        id: string(env.id)?,
        occurred_at,
        environment_id: string(env.environment_id)?,
        organization_id,
        directory_id,
        object: string(env.object)?.or_else(|| EventObject::User.name().map(str::to_owned)),
        display_name: match env.display_name {
            // `""` is kept as sent, as on the general path.
            Some(Value::String(s)) => Some(s),
            Some(v) => opt_string(&v, ROOT).ok()?,
            None => None,
        },
        partial: false,
        event_type,
        data,
    })
}

struct EnvelopeVisitor;

impl<'de> Visitor<'de> for EnvelopeVisitor {
    type Value = Envelope;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an event object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Envelope, A::Error> {
        let mut env = Envelope::default();
        let mut seen = Seen::new();
        while let Some(key) = map.next_key::<&'de str>()? {
            if !seen.fresh(key) {
                return Err(give_up());
            }
            let slot = match key {
                "type" => &mut env.event_type,
                "occurred_at" => &mut env.occurred_at,
                "timestamp" => &mut env.timestamp,
                "organization_id" => &mut env.organization_id,
                "directory_id" => &mut env.directory_id,
                "spec_version" => &mut env.spec_version,
                "id" => &mut env.id,
                "environment_id" => &mut env.environment_id,
                "object" => &mut env.object,
                "display_name" => &mut env.display_name,
                "data" => {
                    // Only a user type stated before `data` tells how to read it as it streams.
                    let is_user = matches!(&env.event_type, Some(Value::String(t))
                        if EventObject::of_type(t) == EventObject::User);
                    if !is_user {
                        return Err(give_up());
                    }
                    // `data` members sit two levels below the document.
                    let seed = UserSeed {
                        member_levels: MAX_DEPTH - 2,
                    };
                    env.data = Some(map.next_value_seed(&seed)?);
                    continue;
                }
                // Our own partial events read back: the general path's business.
                "partial" => return Err(give_up()),
                _ => {
                    // Ignored, but it still counts towards the nesting bound.
                    let v: Value = map.next_value()?;
                    if !within_depth(&v, MAX_DEPTH - 1) {
                        return Err(give_up());
                    }
                    continue;
                }
            };
            let v: Value = map.next_value()?;
            // Every envelope member is a scalar on success; nested values are errors.
            if matches!(v, Value::Array(_) | Value::Object(_)) {
                return Err(give_up());
            }
            *slot = Some(v);
        }
        Ok(env)
    }
}
