//! SCIM 2.0 machinery: PATCH paths, filters and application.
