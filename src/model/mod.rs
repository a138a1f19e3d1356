//! The one typed model every input is normalized into. Field names are snake_case, as on the wire.
//!
//! Shapes are stable: every field is always present (`null` when unknown), `groups` is always an
//! array and `active` always a boolean, so JS callers get objects with one hidden class.

mod group;
mod user;

pub use group::{DirectoryGroup, GroupMember};
pub use user::{DirectoryUser, GroupRef, Manager, Role};
