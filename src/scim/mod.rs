//! SCIM 2.0 machinery: PATCH paths, filters and application.
//!
//! The PATCH files, bottom up: `patch_op` (what they share), `patch_body` (a body read down to its
//! operations), `values` and `multi` (coercions; multi-valued attributes by key),
//! `patch_filtered` and `patch` (the engine), `apply` (the public entry).

mod apply;
pub mod filter;
mod keys;
mod multi;
pub(crate) mod patch;
pub(crate) mod patch_body;
mod patch_filtered;
mod patch_op;
pub mod path;
pub(crate) mod schema;
mod values;

pub use apply::{
    apply_scim_patch, apply_scim_patch_part, plan_scim_patch, PatchedPart, PASSWORD_KEYS,
};
pub use filter::{parse_filter, CaseRule, CompareOp, Filter};
pub use multi::Run;
pub use patch_body::PatchSource;
pub use patch_op::PatchOpKind;
pub use path::{parse_path, PatchPath};
