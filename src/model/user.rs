use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A directory user, from a webhook event, a Directory API page or a provider's raw SCIM resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DirectoryUser {
    /// The directory service's id (`diruser_…`), or the SCIM `id` for raw SCIM input.
    pub id: Option<String>,
    /// The provider's own id for the user (SCIM `externalId` for Okta, Entra's object id, …).
    pub dp_id: Option<String>,
    /// The organization the user belongs to, when the input says so.
    pub organization_id: Option<String>,
    /// The directory the user belongs to, when the input says so.
    pub directory_id: Option<String>,
    /// Primary email address.
    pub email: Option<String>,
    /// The login name (SCIM `userName`).
    pub preferred_username: Option<String>,
    /// Display name; filled from given + family name, else the username, whenever any is known.
    pub name: Option<String>,
    /// Given (first) name.
    pub given_name: Option<String>,
    /// Family (last) name.
    pub family_name: Option<String>,
    /// Nickname.
    pub nickname: Option<String>,
    /// Whether the account is active; `true` unless the input says otherwise.
    pub active: bool,
    /// Every email address, primary first, without duplicates.
    pub emails: Vec<String>,
    /// Groups the user is in; always an array (`null` on the wire becomes `[]`).
    pub groups: Vec<GroupRef>,
    /// Roles assigned to the user.
    pub roles: Vec<Role>,
    /// Primary phone number.
    pub phone_number: Option<String>,
    /// Locale, e.g. `en-US`.
    pub locale: Option<String>,
    /// Preferred language (SCIM `preferredLanguage`), e.g. `en-US`.
    pub language: Option<String>,
    /// Time zone (SCIM `timezone`), e.g. `Europe/Paris`.
    pub zoneinfo: Option<String>,
    /// Kind of user (SCIM `userType`), e.g. `Employee`.
    pub user_type: Option<String>,
    /// Profile page URL (SCIM `profileUrl`).
    pub profile: Option<String>,
    /// Primary photo URL (SCIM `photos`, Google `thumbnailPhotoUrl`).
    pub picture: Option<String>,
    /// Primary postal address.
    pub address: Option<Address>,
    /// Job title.
    pub title: Option<String>,
    /// Department (enterprise extension).
    pub department: Option<String>,
    /// Employee number (enterprise extension `employeeNumber`).
    pub employee_id: Option<String>,
    /// Cost center (enterprise extension).
    pub cost_center: Option<String>,
    /// Division (enterprise extension).
    pub division: Option<String>,
    /// Organization name (enterprise extension), not the directory-service organization id.
    pub organization: Option<String>,
    /// The user's manager (enterprise extension).
    pub manager: Option<Manager>,
    /// Attributes the input had that the model has no field for, keyed as they arrived.
    pub custom_attributes: Map<String, Value>,
    /// The provider's raw resource, as received (never containing a password).
    pub raw_attributes: Map<String, Value>,
    /// Last update time (RFC 3339), when known.
    pub updated_at: Option<String>,
}

impl Default for DirectoryUser {
    /// An empty user; `active` is `true` because that is what an input that does not say means.
    fn default() -> Self {
        Self {
            id: None,
            dp_id: None,
            organization_id: None,
            directory_id: None,
            email: None,
            preferred_username: None,
            name: None,
            given_name: None,
            family_name: None,
            nickname: None,
            active: true,
            emails: Vec::new(),
            groups: Vec::new(),
            roles: Vec::new(),
            phone_number: None,
            locale: None,
            language: None,
            zoneinfo: None,
            user_type: None,
            profile: None,
            picture: None,
            address: None,
            title: None,
            department: None,
            employee_id: None,
            cost_center: None,
            division: None,
            organization: None,
            manager: None,
            custom_attributes: Map::new(),
            raw_attributes: Map::new(),
            updated_at: None,
        }
    }
}

/// A postal address (OpenID Connect field names, as the reference service uses).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Address {
    /// The full address, formatted for display.
    pub formatted: Option<String>,
    /// Street, house number, etc.
    pub street_address: Option<String>,
    /// City or locality.
    pub locality: Option<String>,
    /// State, province or region.
    pub region: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// Country (name or code, as sent).
    pub country: Option<String>,
}

/// A group reference inside a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct GroupRef {
    /// Group id.
    pub id: Option<String>,
    /// Group display name.
    pub name: Option<String>,
}

/// A role assigned to a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Role {
    /// The role's name.
    pub role_name: Option<String>,
}

/// A user's manager.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Manager {
    /// The manager's id (SCIM `manager.value`).
    pub value: Option<String>,
    /// The manager's display name, when sent.
    pub display_name: Option<String>,
}
