//! `normalize_user`: a raw SCIM 2.0 / 1.x User or a Google Workspace Directory API user into
//! [`DirectoryUser`].

use serde::Deserialize;
use serde_json::{Map, Value};

use super::fill::{complete_user, join_names};
use super::provider::{detect_provider, Provider};
use super::{google, scim_user, NormalizationError, NormalizationErrorKind};
use crate::json::value::{check_depth, get_ci, ROOT};
use crate::model::{DirectoryUser, PartialDirectoryUser};

/// Options of [`normalize_user`] and [`super::normalize_group`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct NormalizeOptions {
    /// The provider the payload comes from, when the caller knows it; otherwise it is detected
    /// where the payload shows it (see [`detect_provider`]).
    pub provider: Option<Provider>,
}

/// What kind of resource a payload says it is, from `schemas`, `meta.resourceType` or Google's
/// `kind`. `Err` for SCIM protocol messages (ListResponse, PatchOp, Error, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Declared {
    User,
    Group,
    Unknown,
}

pub(crate) fn declared_type(map: &Map<String, Value>) -> Result<Declared, NormalizationError> {
    let mut user = false;
    let mut group = false;
    if let Some((k, Value::Array(schemas))) = get_ci(map, "schemas") {
        for (i, s) in schemas.iter().enumerate() {
            let Some(s) = s.as_str() else { continue };
            let l = s.to_ascii_lowercase();
            if l.contains(":api:messages:") {
                return Err(NormalizationError::unsupported(
                    format!("/{k}/{i}"),
                    format!("`{s}` is a SCIM protocol message, not a resource (normalize each of its resources instead)"),
                ));
            }
            user |= l.ends_with(":core:2.0:user") || l.ends_with("/user");
            group |= l.ends_with(":core:2.0:group") || l.ends_with("/group");
        }
    }
    if get_ci(map, "Resources").is_some() && get_ci(map, "totalResults").is_some() {
        return Err(NormalizationError::unsupported(
            "",
            "a ListResponse, not a resource",
        ));
    }
    if let Some((_, Value::Object(meta))) = get_ci(map, "meta") {
        match get_ci(meta, "resourceType").and_then(|(_, v)| v.as_str()) {
            Some(t) if t.eq_ignore_ascii_case("user") => user = true,
            Some(t) if t.eq_ignore_ascii_case("group") => group = true,
            _ => {}
        }
    }
    match get_ci(map, "kind").and_then(|(_, v)| v.as_str()) {
        Some("admin#directory#user") => user = true,
        Some("admin#directory#group") => group = true,
        _ => {}
    }
    Ok(match (user, group) {
        (true, false) => Declared::User,
        (false, true) => Declared::Group,
        _ => Declared::Unknown,
    })
}

/// The resource as an object, within the depth bound.
pub(crate) fn resource_object(resource: &Value) -> Result<&Map<String, Value>, NormalizationError> {
    check_depth(resource, ROOT)?;
    resource.as_object().ok_or_else(|| {
        NormalizationError::new(
            NormalizationErrorKind::InvalidJson,
            "",
            "a resource must be a JSON object",
        )
    })
}

/// Whether to read `map` as a Google Directory API resource rather than SCIM.
pub(crate) fn is_google(
    map: &Map<String, Value>,
    resource: &Value,
    opts: &NormalizeOptions,
) -> bool {
    detect_provider(resource) == Some(Provider::Google)
        || (opts.provider == Some(Provider::Google) && get_ci(map, "schemas").is_none())
}

/// Normalizes a provider's user resource: SCIM 2.0 or 1.x (any provider's dialect: case-insensitive
/// names, Entra's string booleans and malformed enterprise URN, JumpCloud's `emails: null` and
/// `tel:` phones, manager as string/object/array) or a Google Workspace Directory API user.
///
/// Attributes without a model field go to `custom_attributes`; the resource (without any
/// `password`) is kept in `raw_attributes`. Errors: `invalid_json` for a non-object,
/// `unsupported_resource` for a group or a protocol message, `invalid_value` (with a pointer into
/// the resource) for a value that cannot be understood, `too_complex` beyond the depth bound.
pub fn normalize_user(
    resource: &Value,
    opts: &NormalizeOptions,
) -> Result<DirectoryUser, NormalizationError> {
    let map = resource_object(resource)?;
    if declared_type(map)? == Declared::Group {
        return Err(NormalizationError::unsupported(
            "",
            "this is a group, not a user",
        ));
    }
    if is_google(map, resource, opts) {
        return google::user(map);
    }
    let extracted = scim_user::extract(map)?;
    let mut user = full_user(extracted.user);
    if user.name.is_none() && user.given_name.is_none() && user.family_name.is_none() {
        user.name = extracted.formatted;
    }
    complete_user(&mut user);
    Ok(user)
}

/// Completes what a resource states into a full user: `active` defaults to `true`, lists to `[]`.
pub(crate) fn full_user(p: PartialDirectoryUser) -> DirectoryUser {
    DirectoryUser {
        id: p.id,
        dp_id: p.dp_id,
        organization_id: p.organization_id,
        directory_id: p.directory_id,
        email: p.email,
        preferred_username: p.preferred_username,
        name: p.name,
        given_name: p.given_name,
        family_name: p.family_name,
        nickname: p.nickname,
        active: p.active.unwrap_or(true),
        emails: p.emails.unwrap_or_default(),
        groups: p.groups.unwrap_or_default(),
        roles: p.roles.unwrap_or_default(),
        phone_number: p.phone_number,
        locale: p.locale,
        language: p.language,
        zoneinfo: p.zoneinfo,
        user_type: p.user_type,
        profile: p.profile,
        picture: p.picture,
        address: p.address,
        title: p.title,
        department: p.department,
        employee_id: p.employee_id,
        cost_center: p.cost_center,
        division: p.division,
        organization: p.organization,
        manager: p.manager,
        custom_attributes: p.custom_attributes,
        raw_attributes: p.raw_attributes,
        updated_at: p.updated_at,
    }
}

/// `given family` for Google, whose `fullName` may be absent on old accounts.
pub(crate) fn display_name(
    full: Option<String>,
    given: Option<&str>,
    family: Option<&str>,
) -> Option<String> {
    full.or_else(|| join_names(given, family))
}
