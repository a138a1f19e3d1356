//! `normalize_group`: a raw SCIM 2.0 / 1.x Group or a Google Workspace Directory API group into
//! [`DirectoryGroup`].

use serde_json::{Map, Value};

use super::declared::{declared_type, is_google, resource_object, Declared, NormalizeOptions};
use super::fill::{complete_group, members_from_value, string_of};
use super::resource::{Attr, Resource};
use super::{google, NormalizationError};
use crate::json::value::{cloned_without_passwords, opt_string, raw_without_passwords, ROOT};
use crate::model::DirectoryGroup;

/// Normalizes a provider's group resource: SCIM (`displayName`, `externalId`, `members
/// [{value, display, type, $ref}]`, any extra schema such as Entra's ADSCIM one) or a Google
/// Directory API group. `members` is `null` when the resource does not list them.
///
/// Errors as for [`super::normalize_user`]; a user resource is `unsupported_resource`.
pub fn normalize_group(
    resource: &Value,
    opts: &NormalizeOptions,
) -> Result<DirectoryGroup, NormalizationError> {
    group_from_object(resource_object(resource)?, opts)
}

/// [`normalize_group`] of an object already checked against the depth bound.
pub(crate) fn group_from_object(
    map: &Map<String, Value>,
    opts: &NormalizeOptions,
) -> Result<DirectoryGroup, NormalizationError> {
    // The resource's keys are read once; everything below reads what that found.
    let res = Resource::read(map);
    if declared_type(&res)? == Declared::User {
        return Err(NormalizationError::unsupported(
            "",
            "this is a user, not a group",
        ));
    }
    if is_google(&res, opts) {
        return google::group(&res);
    }
    scim_group(&res)
}

/// Reads a SCIM group, in one pass over its members; pointers relative to the resource.
pub(crate) fn scim_group(res: &Resource<'_>) -> Result<DirectoryGroup, NormalizationError> {
    let mut g = DirectoryGroup::default();
    for e in res.entries() {
        let (key, v) = (e.key, e.value);
        let p = ROOT.key(key);
        match e.attr {
            Attr::Id => g.id = opt_string(v, p)?,
            Attr::ExternalId => g.external_id = opt_string(v, p)?,
            Attr::DisplayName => g.display_name = opt_string(v, p)?,
            Attr::Members => g.members = members_from_value(v, p)?,
            Attr::Meta => {
                if let Value::Object(m) = v {
                    g.updated_at = string_of(m, &["lastmodified"], p)?;
                }
            }
            Attr::Schemas | Attr::Password => {}
            _ => {
                g.custom_attributes
                    .insert(key.to_owned(), cloned_without_passwords(v));
            }
        }
    }
    // As for users, the provider's own id of a SCIM resource is its `externalId`.
    g.dp_id = g.external_id.clone();
    g.raw_attributes = raw_without_passwords(res.map());
    complete_group(&mut g);
    Ok(g)
}
