//! `normalize_user`: a raw SCIM 2.0 / 1.x User or a Google Workspace Directory API user into
//! [`DirectoryUser`].

use serde_json::{Map, Value};

use super::declared::{declared_type, is_google, resource_object, Declared, NormalizeOptions};
use super::fill::complete_user;
use super::resource::Resource;
use super::{google, scim_user, NormalizationError};
use crate::model::{DirectoryUser, PartialDirectoryUser};

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
    user_from_object(resource_object(resource)?, opts)
}

/// [`normalize_user`] of an object already checked against the depth bound.
pub(crate) fn user_from_object(
    map: &Map<String, Value>,
    opts: &NormalizeOptions,
) -> Result<DirectoryUser, NormalizationError> {
    // The resource's keys are read once; everything below reads what that found.
    let res = Resource::read(map);
    if declared_type(&res)? == Declared::Group {
        return Err(NormalizationError::unsupported(
            "",
            "this is a group, not a user",
        ));
    }
    if is_google(&res, opts) {
        return google::user(&res);
    }
    let extracted = scim_user::extract(&res)?;
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
