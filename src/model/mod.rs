//! The one typed model every input is normalized into. Field names are snake_case, as on the wire.
//!
//! Shapes are stable: every field is always present (`null` when unknown), `groups` is always an
//! array and `active` always a boolean, so JS callers get objects with one hidden class.

mod event;
mod group;
mod partial;
mod user;

pub use event::{DirectoryEvent, EventData};
pub use group::{DirectoryGroup, GroupMember};
pub use partial::PartialDirectoryUser;
pub use user::{Address, DirectoryUser, GroupRef, Manager, Role};
