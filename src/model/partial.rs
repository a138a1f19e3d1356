use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Address, GroupRef, Manager, Role};

/// What a user update states when the full user is not known (a PATCH or PUT normalized without
/// the current resource): the same field names as [`super::DirectoryUser`], every one `null`
/// unless the request states it, so nothing is invented (no default `active: true`, no `groups: []`,
/// no display name derived from a given name alone).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct PartialDirectoryUser {
    /// The SCIM `id` from the request path.
    pub id: Option<String>,
    /// SCIM `externalId`, when stated.
    pub dp_id: Option<String>,
    /// From the request context.
    pub organization_id: Option<String>,
    /// From the request context.
    pub directory_id: Option<String>,
    /// Primary email, when the request replaces the whole `emails` list.
    pub email: Option<String>,
    /// SCIM `userName`, when stated.
    pub preferred_username: Option<String>,
    /// SCIM `displayName`, when stated (never derived in a partial user).
    pub name: Option<String>,
    /// Given name, when stated.
    pub given_name: Option<String>,
    /// Family name, when stated.
    pub family_name: Option<String>,
    /// Nickname, when stated.
    pub nickname: Option<String>,
    /// `active`, when stated; `null` means the request does not say.
    pub active: Option<bool>,
    /// Every email, when the request replaces the whole list.
    pub emails: Option<Vec<String>>,
    /// Groups, when the request replaces the whole list.
    pub groups: Option<Vec<GroupRef>>,
    /// Roles, when the request replaces the whole list.
    pub roles: Option<Vec<Role>>,
    /// Primary phone, when the request replaces the whole list.
    pub phone_number: Option<String>,
    /// Locale, when stated.
    pub locale: Option<String>,
    /// Preferred language, when stated.
    pub language: Option<String>,
    /// Time zone, when stated.
    pub zoneinfo: Option<String>,
    /// User type, when stated.
    pub user_type: Option<String>,
    /// Profile URL, when stated.
    pub profile: Option<String>,
    /// Primary photo, when the request replaces the whole list.
    pub picture: Option<String>,
    /// Primary address, when the request replaces the whole list.
    pub address: Option<Address>,
    /// Title, when stated.
    pub title: Option<String>,
    /// Department, when stated.
    pub department: Option<String>,
    /// Employee number, when stated.
    pub employee_id: Option<String>,
    /// Cost center, when stated.
    pub cost_center: Option<String>,
    /// Division, when stated.
    pub division: Option<String>,
    /// Organization name, when stated.
    pub organization: Option<String>,
    /// Manager, when stated.
    pub manager: Option<Manager>,
    /// Stated attributes the model has no field for.
    pub custom_attributes: Map<String, Value>,
    /// The request body as received (never containing a password).
    pub raw_attributes: Map<String, Value>,
    /// Last update time, when stated.
    pub updated_at: Option<String>,
    /// Fields the request explicitly removes or sets to `null` (model field names, e.g. `title`;
    /// attributes without a model field keep the name the request used). Lets a consumer tell
    /// "cleared" from "not mentioned", which `null` alone cannot.
    pub cleared_attributes: Vec<String>,
}
