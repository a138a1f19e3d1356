//! What a provider's resource is: a user or a group (as it declares itself), and whether to read
//! it as SCIM or as a Google Directory API resource.

use serde::Deserialize;
use serde_json::{Map, Value};

use super::provider::{is_google_resource, Provider};
use super::resource::{Attr, Resource};
use crate::json::value::{check_depth, contains_ci, ends_with_ci, pick, ROOT};
use crate::json::{NormalizationError, NormalizationErrorKind};

/// Options of [`super::normalize_user`] and [`super::normalize_group`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct NormalizeOptions {
    /// The provider the payload comes from, when the caller knows it; otherwise it is detected
    /// where the payload shows it (see [`super::detect_provider`]).
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

pub(crate) fn declared_type(res: &Resource<'_>) -> Result<Declared, NormalizationError> {
    let mut user = false;
    let mut group = false;
    if let Some((k, Value::Array(schemas))) = res.get(Attr::Schemas) {
        for (i, s) in schemas.iter().enumerate() {
            let Some(s) = s.as_str() else { continue };
            if contains_ci(s, ":api:messages:") {
                return Err(NormalizationError::unsupported(
                    format!("/{k}/{i}"),
                    format!("`{s}` is a SCIM protocol message, not a resource (normalize each of its resources instead)"),
                ));
            }
            user |= ends_with_ci(s, ":core:2.0:user") || ends_with_ci(s, "/user");
            group |= ends_with_ci(s, ":core:2.0:group") || ends_with_ci(s, "/group");
        }
    }
    if res.has(Attr::Resources) && res.has(Attr::TotalResults) {
        return Err(NormalizationError::unsupported(
            "",
            "a ListResponse, not a resource",
        ));
    }
    if let Some((_, Value::Object(meta))) = res.get(Attr::Meta) {
        let [resource_type] = pick(meta, &["resourcetype"]);
        match resource_type.and_then(|(_, v)| v.as_str()) {
            Some(t) if t.eq_ignore_ascii_case("user") => user = true,
            Some(t) if t.eq_ignore_ascii_case("group") => group = true,
            _ => {}
        }
    }
    match res.get(Attr::Kind).and_then(|(_, v)| v.as_str()) {
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

/// Whether to read the resource as a Google Directory API resource rather than SCIM.
pub(crate) fn is_google(res: &Resource<'_>, opts: &NormalizeOptions) -> bool {
    is_google_resource(res) || (opts.provider == Some(Provider::Google) && !res.has(Attr::Schemas))
}
