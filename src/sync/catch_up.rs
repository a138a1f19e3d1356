//! Catch-up: replaying what webhooks missed from the events API.
//!
//! The window runs from the stored checkpoint `events` minus a lag (events become readable
//! some seconds after they occur, so a cursor that does not lag loses the late ones for good)
//! to `now`; the first time, from `since`, or — without it — as far back as the API keeps.
//! The API answers newest first, so the window is read whole (bounded by `max_events`), sorted
//! oldest first by (`occurred_at`, id) and applied one event at a time through the webhook
//! path; events already applied are duplicates. Then the checkpoint becomes `now`.
//!
//! The window holds each event as JSON text, with its place in the order, and normalizes it when
//! its turn comes (as a webhook's body): normalized events held whole took about seven times
//! their text, and a window may hold `max_events` of them. One that does not normalize is counted
//! as rejected then.

use serde::{Deserialize, Serialize};

use super::apply::parse_event;
use super::change::CommitHook;
use super::changeset::{Changeset, Checkpoint};
use super::error::SyncError;
use super::event_path::apply_parsed;
use super::probe::groups_stated_in_bytes;
use super::store::Store;
use super::summary::{RejectedEvent, SyncSummary};
use super::version::Version;
use crate::directory::{
    DirectoryClient, EventFilter, EventsQuery, PageWalker, MAX_EVENT_PAGE_SIZE,
};
use crate::error::ErrorCode;
use crate::model::DirectoryEvent;
use crate::normalize::{event_order_key, normalize_event, NormalizationError};

/// The checkpoint key of catch-ups: the end of the last window read (RFC 3339).
pub const EVENTS_CHECKPOINT: &str = "events";

/// The event types a catch-up asks for: the directory's (others would only be `ignored`).
pub const DIRECTORY_EVENT_TYPES: [&str; 8] = [
    "organization.directory.user_created",
    "organization.directory.user_updated",
    "organization.directory.user_deleted",
    "organization.directory.group_created",
    "organization.directory.group_updated",
    "organization.directory.group_deleted",
    "organization.directory_enabled",
    "organization.directory_disabled",
];

/// Options of a catch-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CatchUpOptions {
    /// How far before the checkpoint the window starts, in seconds (default 300).
    pub lag_seconds: u64,
    /// Where the first catch-up (no checkpoint yet) starts; `None`: as far back as the events
    /// API keeps. Ignored once there is a checkpoint.
    pub since: Option<Version>,
    /// Most events one window may hold (default 100,000); more is `too_many_events`.
    pub max_events: usize,
}

impl Default for CatchUpOptions {
    fn default() -> Self {
        Self {
            lag_seconds: 300,
            since: None,
            max_events: 100_000,
        }
    }
}

/// An event of the window, read: its place in the order, and its text.
struct Pulled {
    at: Option<Version>,
    id: Option<String>,
    text: Box<str>,
}

/// Runs one catch-up up to `now`.
pub(crate) async fn catch_up<S: Store + ?Sized>(
    store: &S,
    client: &DirectoryClient,
    now: Version,
    options: &CatchUpOptions,
    hook: Option<&CommitHook>,
) -> Result<SyncSummary, SyncError> {
    let start = match store.checkpoint(EVENTS_CHECKPOINT.to_owned()).await? {
        Some(text) => Some(
            Version::parse(&text)
                .ok_or_else(|| {
                    SyncError::InvalidCheckpoint(format!(
                        "checkpoint `{EVENTS_CHECKPOINT}` is not an RFC 3339 time"
                    ))
                })?
                .minus_seconds(options.lag_seconds),
        ),
        None => options.since,
    }
    // A start after `now` (the clock went back) would be an empty window, or a 400.
    .map(|start| start.min(now));
    let mut summary = SyncSummary::default();
    let mut window = read_window(client, start, now, options.max_events).await?;
    window.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
    for pulled in window {
        // Normalized only now, from its text, as a webhook's body is.
        let (event, groups_stated) = match read_pulled(&pulled.text) {
            Ok(read) => read,
            Err(e) => {
                summary.reject(rejected(pulled.id, &e));
                continue;
            }
        };
        let parsed = match parse_event(&event, groups_stated) {
            Ok(p) => p,
            Err(e) => {
                summary.reject(rejected(pulled.id, &e));
                continue;
            }
        };
        let (status, changes) = apply_parsed(store, &parsed, hook).await?;
        summary.count_status(status);
        for c in &changes {
            summary.count_change(c.kind);
        }
    }
    let checkpoint = Changeset {
        checkpoints: vec![Checkpoint {
            key: EVENTS_CHECKPOINT.to_owned(),
            value: now.to_string(),
        }],
        ..Changeset::default()
    };
    store.commit(checkpoint).await?;
    Ok(summary)
}

fn rejected(id: Option<String>, e: &dyn ErrorCode) -> RejectedEvent {
    RejectedEvent {
        id,
        code: e.code().to_owned(),
        message: e.to_string(),
    }
}

/// An event of the window from its text, read as a webhook's body is: normalized, and whether
/// it states the user's groups.
fn read_pulled(text: &str) -> Result<(DirectoryEvent, bool), NormalizationError> {
    let bytes = text.as_bytes();
    Ok((normalize_event(bytes)?, groups_stated_in_bytes(bytes)))
}

/// Every event of the window, read (each normalized when applied: one that does not is counted
/// as rejected then).
async fn read_window(
    client: &DirectoryClient,
    start: Option<Version>,
    end: Version,
    max_events: usize,
) -> Result<Vec<Pulled>, SyncError> {
    let query = EventsQuery {
        filter: EventFilter {
            event_types: DIRECTORY_EVENT_TYPES
                .iter()
                .map(|t| (*t).to_owned())
                .collect(),
            start_time: start.map(|v| v.to_string()),
            end_time: Some(end.to_string()),
            ..EventFilter::default()
        },
        page_size: Some(MAX_EVENT_PAGE_SIZE),
        page_token: None,
    };
    let walker = PageWalker::new(query)?;
    let mut window = Vec::new();
    let mut seen: u64 = 0;
    while let Some(page) = walker.next_page(client).await? {
        for raw in page.events {
            seen += 1;
            if usize::try_from(seen).map_or(true, |n| n > max_events) {
                return Err(SyncError::TooManyEvents(format!(
                    "the catch-up window from {} to {end} holds more than {max_events} events: \
                     catch up more often, start later (`since`), or raise `max_events`",
                    start.map_or_else(|| "the oldest event kept".to_owned(), |s| s.to_string()),
                )));
            }
            // Ordered now, normalized when applied (from the same text, as a webhook's body).
            let (at, id) = event_order_key(&raw);
            // Serializing a JSON value read from JSON cannot fail (string keys, finite numbers).
            let text = serde_json::to_string(&raw).unwrap_or_default();
            window.push(Pulled {
                at: at.as_deref().and_then(Version::parse),
                id,
                text: text.into_boxed_str(),
            });
        }
    }
    Ok(window)
}
