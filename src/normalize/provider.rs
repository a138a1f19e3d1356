//! Identity providers, and how to tell them apart from a payload.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::resource::{Attr, Resource};
use crate::json::value::{contains_ci, ends_with_ci, pick};

/// An identity provider whose payload quirks scimkit knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Provider {
    /// Okta.
    Okta,
    /// Microsoft Entra ID (Azure AD).
    Entra,
    /// Google Workspace (Admin SDK Directory API; no SCIM push).
    Google,
    /// OneLogin.
    OneLogin,
    /// JumpCloud.
    JumpCloud,
    /// PingFederate / Ping Identity.
    PingFederate,
    /// Any other SCIM 2.0 / 1.1 client (Rippling, custom apps, …).
    Generic,
}

impl Provider {
    /// The canonical lower-case name (`"okta"`, `"entra"`, …), what `Display` and serde print.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Okta => "okta",
            Self::Entra => "entra",
            Self::Google => "google",
            Self::OneLogin => "onelogin",
            Self::JumpCloud => "jumpcloud",
            Self::PingFederate => "pingfederate",
            Self::Generic => "generic",
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A provider name that scimkit does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownProvider(pub String);

impl fmt::Display for UnknownProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown provider `{}`", self.0)
    }
}

impl std::error::Error for UnknownProvider {}

impl FromStr for Provider {
    type Err = UnknownProvider;

    /// Case-insensitive; ignores `-`, `_`, spaces and dots, and accepts the aliases people and the
    /// Directory API (`MICROSOFT_AD`, `PING_IDENTITY`) use.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key: String = s
            .chars()
            .filter(|c| !matches!(c, '-' | '_' | ' ' | '.'))
            .flat_map(char::to_lowercase)
            .collect();
        Ok(match key.as_str() {
            "okta" => Self::Okta,
            "entra" | "entraid" | "azure" | "azuread" | "aad" | "microsoft" | "microsoftad"
            | "microsoftentraid" => Self::Entra,
            "google" | "googleworkspace" | "gsuite" | "workspace" => Self::Google,
            "onelogin" => Self::OneLogin,
            "jumpcloud" => Self::JumpCloud,
            "pingfederate" | "ping" | "pingidentity" => Self::PingFederate,
            "generic" | "scim" | "rippling" | "auth0" | "custom" => Self::Generic,
            _ => return Err(UnknownProvider(s.to_owned())),
        })
    }
}

impl Serialize for Provider {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Provider {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Tells the provider from a user or group resource, where the payload shows it:
/// Google's `kind: "admin#directory#…"` (or a bare `primaryEmail`), Entra's ADSCIM schema URI or
/// its malformed `…enterprise:2.0User` URN, JumpCloud's extension-schema-first order or `tel:`
/// phone URIs. `None` when nothing tells (SCIM 1.x could be OneLogin or Ping: not guessed).
pub fn detect_provider(resource: &Value) -> Option<Provider> {
    provider_of(&Resource::read(resource.as_object()?))
}

/// The `schemas` a resource lists (its string items).
fn schemas<'a>(res: &Resource<'a>) -> Vec<&'a str> {
    match res.get(Attr::Schemas) {
        Some((_, Value::Array(items))) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Whether the resource shows it is Google's: what [`detect_provider`] answers `Google` on.
pub(crate) fn is_google_resource(res: &Resource<'_>) -> bool {
    let kind = res.get(Attr::Kind).and_then(|(_, v)| v.as_str());
    kind.is_some_and(|k| k.starts_with("admin#directory#"))
        || (schemas(res).is_empty() && res.has(Attr::PrimaryEmail))
}

/// [`detect_provider`] of a resource already read.
fn provider_of(res: &Resource<'_>) -> Option<Provider> {
    if is_google_resource(res) {
        return Some(Provider::Google);
    }
    let schemas = schemas(res);
    if schemas.iter().any(|s| is_entra_uri(s)) || res.entries().iter().any(|e| is_entra_uri(e.key))
    {
        return Some(Provider::Entra);
    }
    if schemas
        .first()
        .is_some_and(|s| contains_ci(s, ":extension:"))
    {
        return Some(Provider::JumpCloud);
    }
    let tel_phone = match res.get(Attr::PhoneNumbers) {
        Some((_, Value::Array(items))) => items.iter().any(|p| {
            let [value] = match p {
                Value::Object(m) => pick(m, &["value"]),
                _ => [None],
            };
            value
                .and_then(|(_, v)| v.as_str())
                .is_some_and(|v| v.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("tel:")))
        }),
        _ => false,
    };
    if tel_phone {
        return Some(Provider::JumpCloud);
    }
    None
}

/// An Entra schema URI (its ADSCIM schemas, its malformed `…enterprise:2.0User`), any case.
fn is_entra_uri(s: &str) -> bool {
    const MALFORMED: &str = ":enterprise:2.0user";
    contains_ci(s, "schemas.microsoft.com") || ends_with_ci(s, MALFORMED)
}
