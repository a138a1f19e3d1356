//! SCIM 2.0 machinery: PATCH paths, filters and application.

pub mod delta;
pub mod filter;
pub mod patch;
pub(crate) mod patch_body;
mod patch_filtered;
pub mod path;
pub(crate) mod schema;
mod values;

pub use delta::{
    apply_scim_patch_delta, apply_scim_patch_delta_text, plan_scim_patch, plan_scim_patch_text,
    PatchDelta,
};
pub use filter::{parse_filter, CaseRule, CompareOp, Filter};
pub use patch::{apply_scim_patch, apply_scim_patch_owned, apply_scim_patch_text, PatchOpKind};
pub use path::{parse_path, PatchPath};
