//! What an event's type says its `data` is, and what the envelope adds to a user in it: shared by
//! the general event reader and the one that streams user events from the text.

use crate::model::{DirectoryUser, EventData};

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

/// A user event's `data`, once the user is read: what the envelope adds to it.
pub(crate) fn user_data(
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
