//! Reference-service webhook events, in both envelope shapes, into [`DirectoryEvent`].

use serde_json::{Map, Value};

use super::event_data::{user_data, EventObject};
use super::reference::{group_from_value, user_from_value};
use super::time::timestamp_to_rfc3339;
use crate::json::value::{
    check_depth, opt_string, pick, pick_mut, strip_passwords, strip_passwords_map, take_string,
    Found, ROOT,
};
use crate::json::{NormalizationError, NormalizationErrorKind};
use crate::model::{DirectoryEvent, EventData, PartialDirectoryUser};

/// Parses a webhook body (JSON text) and normalizes the event in it.
///
/// Errors: `invalid_json` when the text is not JSON or not an object, `too_complex` when it nests
/// too deep, and the errors of [`normalize_event_value`].
pub fn normalize_event(payload: &[u8]) -> Result<DirectoryEvent, NormalizationError> {
    if let Some(event) = super::event_stream::user_event(payload) {
        return Ok(event);
    }
    let value: Value = serde_json::from_slice(payload).map_err(|e| {
        // serde_json reports its own nesting limit as a syntax error; it is a bound, not bad JSON.
        let kind = if e.to_string().contains("recursion limit") {
            NormalizationErrorKind::TooComplex
        } else {
            NormalizationErrorKind::InvalidJson
        };
        NormalizationError::new(kind, "", format!("payload is not valid JSON: {e}"))
    })?;
    normalize_event_value(value)
}

/// Normalizes an already-parsed event. Accepts the full envelope (`spec_version`, `id`, `type`,
/// `occurred_at`, `environment_id`, `organization_id`, `object`, `data`, `display_name`) and the
/// guide's simple `{id, type, data, timestamp}`, whose missing fields are filled from it.
///
/// `data` of user events becomes a [`crate::model::DirectoryUser`] (a `user_deleted` that does not
/// say `active` gets `active: false`), of group events a [`crate::model::DirectoryGroup`]; directory
/// events and unknown types keep `data` untouched.
pub fn normalize_event_value(value: Value) -> Result<DirectoryEvent, NormalizationError> {
    check_depth(&value, ROOT)?;
    let Value::Object(mut map) = value else {
        return Err(NormalizationError::new(
            NormalizationErrorKind::InvalidJson,
            "",
            "an event must be a JSON object",
        ));
    };
    // Exact name, as our own partial events write it.
    let partial = map.get("partial").and_then(Value::as_bool).unwrap_or(false);
    // The envelope's members, found in one pass over its keys; strings are moved out, not copied.
    let [event_type, occurred_at, timestamp, data, organization_id, directory_id, spec_version, id, environment_id, object, display_name] =
        pick_mut(
            &mut map,
            &[
                "type",
                "occurred_at",
                "timestamp",
                "data",
                "organization_id",
                "directory_id",
                "spec_version",
                "id",
                "environment_id",
                "object",
                "display_name",
            ],
        );
    let event_type = take_field(event_type)?
        .ok_or_else(|| NormalizationError::unsupported("/type", "an event needs a `type`"))?;
    let object_kind = EventObject::of_type(&event_type);
    let occurred_at = occurred_at_of(
        occurred_at.map(|(k, v)| (k, &*v)),
        timestamp.map(|(k, v)| (k, &*v)),
    )?;
    let data = data.map(|(_, v)| std::mem::take(v)).unwrap_or(Value::Null);
    let data_ptr = ROOT.key("data");
    // What the envelope takes from `data` when it does not say it itself.
    let [data_organization_id, data_directory_id, data_active] = match &data {
        Value::Object(m) => pick(m, &["organization_id", "directory_id", "active"]),
        _ => [None; 3],
    };
    let from_data = |found: Found<'_>| -> Result<Option<String>, NormalizationError> {
        match found {
            Some((k, v)) => opt_string(v, data_ptr.key(k)),
            None => Ok(None),
        }
    };
    let organization_id = match take_field(organization_id)? {
        Some(o) => Some(o),
        None => from_data(data_organization_id)?,
    };
    let directory_id = match take_field(directory_id)? {
        Some(d) => Some(d),
        None => from_data(data_directory_id)?,
    };
    let states_active = data_active.is_some();
    let data = match object_kind {
        // Our own partial user events, read back: their `null`s mean "not stated", keep them so.
        EventObject::User if partial => {
            let mut user: PartialDirectoryUser = serde_json::from_value(data)
                .map_err(|e| NormalizationError::invalid_value("/data", e.to_string()))?;
            strip_passwords_map(&mut user.raw_attributes);
            strip_passwords_map(&mut user.custom_attributes);
            EventData::PartialUser(Box::new(user))
        }
        EventObject::User => {
            let user = user_from_value(data).map_err(|e| e.prefixed("/data"))?;
            user_data(
                user,
                &event_type,
                states_active,
                &organization_id,
                &directory_id,
            )
        }
        EventObject::Group => {
            let mut group = group_from_value(data).map_err(|e| e.prefixed("/data"))?;
            group.organization_id = group.organization_id.or_else(|| organization_id.clone());
            group.directory_id = group.directory_id.or_else(|| directory_id.clone());
            EventData::Group(Box::new(group))
        }
        // Passed through as sent, except that a password is never kept, whatever carries it.
        EventObject::Directory | EventObject::Unknown => {
            let mut data = data;
            strip_passwords(&mut data);
            EventData::Other(data)
        }
    };
    Ok(DirectoryEvent {
        spec_version: take_field(spec_version)?,
        id: take_field(id)?,
        occurred_at,
        environment_id: take_field(environment_id)?,
        organization_id,
        directory_id,
        object: take_field(object)?.or_else(|| object_kind.name().map(str::to_owned)),
        display_name: match display_name {
            // `""` is a value the reference service really sends; keep it as sent.
            Some((_, Value::String(s))) => Some(std::mem::take(s)),
            Some((k, v)) => opt_string(v, ROOT.key(k))?,
            None => None,
        },
        partial,
        event_type,
        data,
    })
}

/// When an envelope says its event occurred: `occurred_at`, else the guide's `timestamp` (RFC
/// 3339 text or Unix time), as RFC 3339 text.
fn occurred_at_of(
    occurred_at: Found<'_>,
    timestamp: Found<'_>,
) -> Result<Option<String>, NormalizationError> {
    match occurred_at.or(timestamp) {
        Some((k, v)) => timestamp_to_rfc3339(v, ROOT.key(k)),
        None => Ok(None),
    }
}

/// An envelope's place in time order without normalizing it: when it occurred, as
/// [`normalize_event_value`] reads it (`None` when it does not say, or says it in a way the
/// normalizer refuses), and its `id` when that is a string.
pub(crate) fn event_order_key(envelope: &Map<String, Value>) -> (Option<String>, Option<String>) {
    let [occurred_at, timestamp, id] = pick(envelope, &["occurred_at", "timestamp", "id"]);
    let at = occurred_at_of(occurred_at, timestamp).ok().flatten();
    (at, id.and_then(|(_, v)| v.as_str()).map(str::to_owned))
}

/// An envelope string field, moved out of the map (each envelope field is read exactly once, so
/// what is left behind is never looked at).
fn take_field(found: Option<(&str, &mut Value)>) -> Result<Option<String>, NormalizationError> {
    match found {
        Some((k, v)) => take_string(std::mem::take(v), ROOT.key(k)),
        None => Ok(None),
    }
}
