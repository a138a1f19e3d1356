//! SCIM 2.0 machinery: PATCH paths, filters and application.

pub mod filter;
pub mod patch;
pub mod path;
mod values;

pub use filter::{parse_filter, CaseRule, CompareOp, Filter};
pub use patch::{apply_scim_patch, PatchOpKind};
pub use path::{parse_path, PatchPath};
