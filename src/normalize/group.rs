//! `normalize_group`: a raw SCIM 2.0 / 1.x Group or a Google Workspace Directory API group into
//! [`DirectoryGroup`].

use serde_json::{Map, Value};

use super::fill::{members_from_value, string_of};
use super::reference::complete_group;
use super::user::{declared_type, is_google, resource_object, Declared, NormalizeOptions};
use super::{google, NormalizationError};
use crate::json::value::{
    cloned_without_passwords, lower, opt_string, raw_without_passwords, ROOT,
};
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
    let map = resource_object(resource)?;
    if declared_type(map)? == Declared::User {
        return Err(NormalizationError::unsupported(
            "",
            "this is a user, not a group",
        ));
    }
    if is_google(map, resource, opts) {
        return google::group(map);
    }
    scim_group(map)
}

/// Reads a SCIM group; pointers relative to the resource.
pub(crate) fn scim_group(map: &Map<String, Value>) -> Result<DirectoryGroup, NormalizationError> {
    let mut g = DirectoryGroup::default();
    for (key, v) in map {
        let p = ROOT.key(key);
        match lower(key).as_ref() {
            "id" => g.id = opt_string(v, p)?,
            "externalid" => g.external_id = opt_string(v, p)?,
            "displayname" => g.display_name = opt_string(v, p)?,
            "members" => g.members = members_from_value(v, p)?,
            "meta" => {
                if let Value::Object(m) = v {
                    g.updated_at = string_of(m, &["lastModified"], p)?;
                }
            }
            "schemas" | "password" => {}
            _ => {
                g.custom_attributes
                    .insert(key.clone(), cloned_without_passwords(v));
            }
        }
    }
    // As for users, the provider's own id of a SCIM resource is its `externalId`.
    g.dp_id = g.external_id.clone();
    g.raw_attributes = raw_without_passwords(map);
    complete_group(&mut g);
    Ok(g)
}
