use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A directory group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct DirectoryGroup {
    /// The directory service's id (`dirgroup_…`), or the SCIM `id` for raw SCIM input.
    pub id: Option<String>,
    /// The provider's own id for the group.
    pub dp_id: Option<String>,
    /// The organization the group belongs to, when the input says so.
    pub organization_id: Option<String>,
    /// The directory the group belongs to, when the input says so.
    pub directory_id: Option<String>,
    /// The group's display name.
    pub display_name: Option<String>,
    /// The same display name (the reference guide prints `group.name`).
    pub name: Option<String>,
    /// SCIM `externalId`.
    pub external_id: Option<String>,
    /// The group's email address (Google Workspace groups have one).
    pub email: Option<String>,
    /// Free-text description, when the provider has one.
    pub description: Option<String>,
    /// Members, when the input lists them; `None` (JSON `null`) when unknown.
    pub members: Option<Vec<GroupMember>>,
    /// Members an update added (`group_updated` events built from SCIM requests); `null` when
    /// not known or not an update.
    pub members_added: Option<Vec<GroupMember>>,
    /// Members an update removed; `null` when not known or not an update.
    pub members_removed: Option<Vec<GroupMember>>,
    /// Member count reported by the Directory API, when given.
    pub total_users: Option<u64>,
    /// Attributes the input had that the model has no field for, keyed as they arrived.
    pub custom_attributes: Map<String, Value>,
    /// The provider's raw resource, as received.
    pub raw_attributes: Map<String, Value>,
    /// Last update time (RFC 3339), when known.
    pub updated_at: Option<String>,
}

/// A member of a group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct GroupMember {
    /// The member's id (SCIM `members.value`).
    pub value: Option<String>,
    /// The member's display name, when sent.
    pub display: Option<String>,
    /// `User` or `Group`, when sent.
    #[serde(rename = "type")]
    pub member_type: Option<String>,
}
