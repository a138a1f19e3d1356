//! The schema URNs scimkit knows (RFC 7643 §8.7): the core schemas, whose attributes live at a
//! resource's top level, and the enterprise extension with the misspellings providers send.

/// Core schema URNs (lower-case): attributes prefixed by them live at the resource's top level.
pub(crate) const CORE_URNS: [&str; 3] = [
    "urn:ietf:params:scim:schemas:core:2.0:user",
    "urn:ietf:params:scim:schemas:core:2.0:group",
    "urn:scim:schemas:core:1.0",
];

/// Enterprise extension URNs, lower-case: RFC 7643, Entra's malformed one (missing colon), SCIM 1.x.
pub(crate) const ENTERPRISE_URNS: [&str; 3] = [
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user",
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0user",
    "urn:scim:schemas:extension:enterprise:1.0",
];

/// Whether `key` is (case-insensitively) an enterprise extension URN.
pub(crate) fn is_enterprise_urn(key: &str) -> bool {
    ENTERPRISE_URNS.iter().any(|u| key.eq_ignore_ascii_case(u))
}
