//! Keeping a local copy of each organization's directory that converges: users, groups and
//! memberships, from webhooks, pulled events and full syncs — behind a storage port.

mod apply;
mod catch_up;
mod change;
mod changeset;
mod commit;
mod engine;
mod error;
mod event_path;
mod full_sync;
mod listing;
mod memory;
mod merge;
mod probe;
mod record;
mod store;
mod summary;
mod transition;
mod version;

pub use catch_up::{CatchUpOptions, DIRECTORY_EVENT_TYPES, EVENTS_CHECKPOINT};
pub use change::{Change, ChangeHook, ChangeKind};
pub use changeset::{AppliedEvent, Changeset, Checkpoint, Guard, Membership, MembershipKey};
pub use engine::{EventOutcome, SyncEngine};
pub use error::SyncError;
pub use full_sync::{FullSyncOptions, OnMissing};
pub use memory::MemoryStore;
pub use record::{GroupRecord, UserRecord};
pub use store::{Store, StoreError, StoreResult, UnseenQuery, MAX_CONFLICT_RETRIES};
pub use summary::{ApplyStatus, RejectedEvent, SyncSummary, MAX_REJECTED_LISTED};
pub use version::Version;
