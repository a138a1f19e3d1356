//! Reference-service webhook events, in both envelope shapes, into [`DirectoryEvent`].

use serde_json::{Map, Value};

use super::reference::{group_from_value, user_from_value};
use super::time::timestamp_to_rfc3339;
use crate::json::value::{
    check_depth, get_ci, opt_string, strip_passwords, strip_passwords_map, take_string, ROOT,
};
use crate::json::{NormalizationError, NormalizationErrorKind};
use crate::model::{DirectoryEvent, DirectoryUser, EventData, PartialDirectoryUser};

/// What an event type says its `data` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EventObject {
    User,
    Group,
    Directory,
    Unknown,
}

impl EventObject {
    pub(crate) fn of_type(event_type: &str) -> Self {
        let t = event_type.to_ascii_lowercase();
        match t.as_str() {
            "organization.directory.user_created"
            | "organization.directory.user_updated"
            | "organization.directory.user_deleted" => Self::User,
            "organization.directory.group_created"
            | "organization.directory.group_updated"
            | "organization.directory.group_deleted" => Self::Group,
            "organization.directory_enabled" | "organization.directory_disabled" => Self::Directory,
            _ => Self::Unknown,
        }
    }

    pub(crate) fn name(self) -> Option<&'static str> {
        match self {
            Self::User => Some("DirectoryUser"),
            Self::Group => Some("DirectoryGroup"),
            Self::Directory => Some("Directory"),
            Self::Unknown => None,
        }
    }
}

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
    // Envelope strings are moved out of the map (each is read once), not copied.
    let event_type = take_field(&mut map, "type")?
        .ok_or_else(|| NormalizationError::unsupported("/type", "an event needs a `type`"))?;
    let object_kind = EventObject::of_type(&event_type);
    let occurred_at = match get_ci(&map, "occurred_at").or_else(|| get_ci(&map, "timestamp")) {
        Some((k, v)) => timestamp_to_rfc3339(v, ROOT.key(k))?,
        None => None,
    };
    let data_key = crate::json::value::key_ci(&map, "data");
    let data = data_key.and_then(|k| map.remove(&k)).unwrap_or(Value::Null);
    let data_map = data.as_object();
    let data_ptr = ROOT.key("data");
    let from_data = |name: &str| -> Result<Option<String>, NormalizationError> {
        match data_map.and_then(|m| get_ci(m, name)) {
            Some((k, v)) => opt_string(v, data_ptr.key(k)),
            None => Ok(None),
        }
    };
    let organization_id = match take_field(&mut map, "organization_id")? {
        Some(o) => Some(o),
        None => from_data("organization_id")?,
    };
    let directory_id = match take_field(&mut map, "directory_id")? {
        Some(d) => Some(d),
        None => from_data("directory_id")?,
    };
    let states_active = data_map.is_some_and(|m| get_ci(m, "active").is_some());
    let partial = map.get("partial").and_then(Value::as_bool).unwrap_or(false);
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
        spec_version: take_field(&mut map, "spec_version")?,
        id: take_field(&mut map, "id")?,
        occurred_at,
        environment_id: take_field(&mut map, "environment_id")?,
        organization_id,
        directory_id,
        object: take_field(&mut map, "object")?.or_else(|| object_kind.name().map(str::to_owned)),
        display_name: match get_ci_mut(&mut map, "display_name") {
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

/// A user event's `data`, once the user is read: what the envelope adds to it.
pub(super) fn user_data(
    mut user: DirectoryUser,
    event_type: &str,
    states_active: bool,
    organization_id: &Option<String>,
    directory_id: &Option<String>,
) -> EventData {
    if event_type.eq_ignore_ascii_case("organization.directory.user_deleted") && !states_active {
        // A deleted user is not active; `true` (the model default) would be false news.
        user.active = false;
    }
    user.organization_id = user.organization_id.or_else(|| organization_id.clone());
    user.directory_id = user.directory_id.or_else(|| directory_id.clone());
    EventData::User(Box::new(user))
}

/// The first member whose key equals `name` ignoring ASCII case, mutably.
fn get_ci_mut<'a>(map: &'a mut Map<String, Value>, name: &str) -> Option<(&'a str, &'a mut Value)> {
    map.iter_mut()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(k, v)| (k.as_str(), v))
}

/// An envelope string field (first case-insensitive match), moved out of the map: each envelope
/// field is read exactly once, so what is left behind is never looked at.
fn take_field(
    map: &mut Map<String, Value>,
    name: &str,
) -> Result<Option<String>, NormalizationError> {
    match get_ci_mut(map, name) {
        Some((k, v)) => take_string(std::mem::take(v), ROOT.key(k)),
        None => Ok(None),
    }
}
