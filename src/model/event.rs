use serde::Serialize;
use serde_json::Value;

use super::{DirectoryGroup, DirectoryUser, PartialDirectoryUser};

/// One directory event, whatever envelope it arrived in (the reference service's full envelope,
/// its guide's simple `{id, type, data, timestamp}` shape) or built from a SCIM request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DirectoryEvent {
    /// Envelope version (`"1"`); `null` when the envelope does not say.
    pub spec_version: Option<String>,
    /// Event id (`evt_…`).
    pub id: Option<String>,
    /// Event type, e.g. `organization.directory.user_created`, as received.
    #[serde(rename = "type")]
    pub event_type: String,
    /// When it happened (RFC 3339), when known.
    pub occurred_at: Option<String>,
    /// The reference-service environment (`env_…`), when known.
    pub environment_id: Option<String>,
    /// Organization id, from the envelope or else from `data`.
    pub organization_id: Option<String>,
    /// Directory id, from the envelope or else from `data`.
    pub directory_id: Option<String>,
    /// `DirectoryUser`, `DirectoryGroup` or `Directory`; derived from the type when missing.
    pub object: Option<String>,
    /// Optional display name of the envelope (may be `""`).
    pub display_name: Option<String>,
    /// `true` when `data` holds only what a request stated (a [`PartialDirectoryUser`], or a
    /// group whose unknown fields are `null`), not the full resource.
    pub partial: bool,
    /// The event's payload.
    pub data: EventData,
}

/// An event's `data`, typed by event type.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum EventData {
    /// `organization.directory.user_*` events.
    User(Box<DirectoryUser>),
    /// `user_updated` built from a request without the current resource.
    PartialUser(Box<PartialDirectoryUser>),
    /// `organization.directory.group_*` events.
    Group(Box<DirectoryGroup>),
    /// Directory events and unknown types: `data` as received.
    Other(Value),
}
