//! [`SyncError`]: why a sync call failed.

use std::fmt;

use super::store::StoreError;
use crate::directory::DirectoryError;
use crate::error::ErrorCode;
use crate::json::NormalizationError;

/// Why a sync call failed. Each has the stable code of [`ErrorCode`]; the message says what and
/// where and never holds a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncError {
    /// The store failed (`store_failed`), or kept losing races (`store_conflict`).
    Store(StoreError),
    /// A Directory API call failed (its own code: `rate_limited`, `unauthorized`, …).
    Directory(DirectoryError),
    /// The event is not an event scimkit can read (its normalization code: `invalid_json`, …).
    Event(NormalizationError),
    /// The event reads but cannot be applied: no `occurred_at`, no user or group `id`, no
    /// `organization_id` (`invalid_event`).
    InvalidEvent(String),
    /// The catch-up window holds more events than allowed (`too_many_events`).
    TooManyEvents(String),
    /// A stored checkpoint does not read (`invalid_checkpoint`).
    InvalidCheckpoint(String),
    /// A leased full-sync step lost its lease to another step (`lease_lost`): it stopped, and
    /// what it was about to commit was not written.
    LeaseLost(String),
}

impl fmt::Display for SyncError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Store(e) => e.fmt(f),
            Self::Directory(e) => e.fmt(f),
            Self::Event(e) => write!(f, "the event does not read: {e}"),
            Self::InvalidEvent(m)
            | Self::TooManyEvents(m)
            | Self::InvalidCheckpoint(m)
            | Self::LeaseLost(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for SyncError {}

impl ErrorCode for SyncError {
    fn code(&self) -> &'static str {
        match self {
            Self::Store(e) => e.code(),
            Self::Directory(e) => e.code(),
            Self::Event(e) => e.code(),
            Self::InvalidEvent(_) => "invalid_event",
            Self::TooManyEvents(_) => "too_many_events",
            Self::InvalidCheckpoint(_) => "invalid_checkpoint",
            Self::LeaseLost(_) => "lease_lost",
        }
    }
}

impl From<StoreError> for SyncError {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

impl From<DirectoryError> for SyncError {
    fn from(e: DirectoryError) -> Self {
        Self::Directory(e)
    }
}

impl From<NormalizationError> for SyncError {
    fn from(e: NormalizationError) -> Self {
        Self::Event(e)
    }
}
