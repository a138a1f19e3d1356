//! SCIM 2.0 machinery: PATCH paths, filters and application.

pub mod delta;
pub mod filter;
pub mod patch;
pub mod path;
mod values;

pub use delta::{apply_scim_patch_delta, plan_scim_patch, PatchDelta};
pub use filter::{parse_filter, CaseRule, CompareOp, Filter};
pub use patch::{apply_scim_patch, apply_scim_patch_owned, PatchOpKind};
pub use path::{parse_path, PatchPath};
