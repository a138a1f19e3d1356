//! The storage port: [`Store`]. Reads, then one atomic [`Changeset`] with guards — the shape
//! that fits stores without interactive transactions (D1's `batch()`) and many writers
//! (Postgres): a lost race is a [`StoreError::Conflict`], and the engine reads and decides again.

use std::fmt;
use std::rc::Rc;

use serde::{Deserialize, Serialize};

use super::changeset::{Changeset, MembershipKey};
use super::record::{GroupHead, GroupRecord, UserRecord};
use crate::directory::LocalBoxFuture;
use crate::error::ErrorCode;

/// How many times the engine reads and decides again after a conflict before it gives up
/// (so at most 9 commits per decision).
pub const MAX_CONFLICT_RETRIES: u32 = 8;

/// Why a store call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// The commit lost a race: a guard no longer held, or the event id was already stored.
    /// Nothing was written; reading again and deciding again is safe. Code `store_conflict`.
    Conflict(String),
    /// Anything else (I/O, constraint, driver). Code `store_failed`.
    Failed(String),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Conflict(m) => write!(f, "store conflict: {m}"),
            Self::Failed(m) => write!(f, "store failed: {m}"),
        }
    }
}

impl std::error::Error for StoreError {}

impl ErrorCode for StoreError {
    fn code(&self) -> &'static str {
        match self {
            Self::Conflict(_) => "store_conflict",
            Self::Failed(_) => "store_failed",
        }
    }
}

/// The rows a full sync has not listed: `unseen_users` / `unseen_groups` answer those of one
/// organization and directory (and with `include_unplaced`, of no known directory) that are not
/// deleted and whose `generation` is below `generation`, with `id > after_id` when given, in
/// `id` order, at most `limit` of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnseenQuery {
    /// The organization.
    pub organization_id: String,
    /// The directory.
    pub directory_id: String,
    /// Also the organization's rows whose directory is unknown (`directory_id` null: users
    /// known only from webhooks, which do not name it). Set when the organization has just this
    /// one directory, so those rows can only be its own.
    pub include_unplaced: bool,
    /// Rows listed by this generation or a later one are left out.
    pub generation: u64,
    /// Only ids after this one (byte order of UTF-8, as SQL's `BINARY` collation).
    pub after_id: Option<String>,
    /// At most this many rows.
    pub limit: u32,
}

/// Everything one event's rules read, asked in one call ([`Store::read_event`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EventReadQuery {
    /// Whether an event with this id is stored. When it is, the answer is `applied: true` and
    /// nothing else need be read.
    pub event_id: Option<String>,
    /// The user rows (tombstones included) with these ids.
    pub users: Vec<String>,
    /// The group rows (tombstones included) with these ids.
    pub groups: Vec<String>,
    /// Every membership of this user.
    pub user_groups_of: Option<String>,
    /// The ids of the users in this group.
    pub group_members_of: Option<String>,
}

/// The answer to an [`EventReadQuery`]: what the single reads would answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EventReadAnswer {
    /// The event id is stored (the rest may then be left empty).
    pub applied: bool,
    /// As [`Store::users`].
    pub users: Vec<UserRecord>,
    /// As [`Store::groups`].
    pub groups: Vec<GroupRecord>,
    /// As [`Store::user_groups`].
    pub user_groups: Vec<MembershipKey>,
    /// As [`Store::group_members`].
    pub group_members: Vec<String>,
}

/// [`Store::read_event`] as the single reads, one after the other.
pub async fn read_event_by_parts<S: Store + ?Sized>(
    store: &S,
    query: EventReadQuery,
) -> Result<EventReadAnswer, StoreError> {
    let mut answer = EventReadAnswer::default();
    if let Some(id) = query.event_id {
        if store.has_event(id).await? {
            answer.applied = true;
            return Ok(answer);
        }
    }
    if !query.users.is_empty() {
        answer.users = store.users(query.users).await?;
    }
    if let Some(id) = query.user_groups_of {
        answer.user_groups = store.user_groups(vec![id]).await?;
    }
    if !query.groups.is_empty() {
        answer.groups = store.groups(query.groups).await?;
    }
    if let Some(id) = query.group_members_of {
        answer.group_members = store.group_members(id).await?;
    }
    Ok(answer)
}

/// Everything a full sync's page of users reads, asked in one call ([`Store::read_users_page`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UsersPageQuery {
    /// The user rows (tombstones included) with these ids, and every membership of them.
    pub users: Vec<String>,
    /// The heads of the group rows (tombstones included) with these ids: the groups the
    /// page's users name.
    pub groups: Vec<String>,
}

/// The answer to a [`UsersPageQuery`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UsersPageAnswer {
    /// As [`Store::users`].
    pub users: Vec<UserRecord>,
    /// As [`Store::user_groups`] of the same ids.
    pub memberships: Vec<MembershipKey>,
    /// As [`Store::groups`], without `data`.
    pub groups: Vec<GroupHead>,
}

/// [`Store::read_users_page`] as the single reads, one after the other.
pub async fn read_users_page_by_parts<S: Store + ?Sized>(
    store: &S,
    query: UsersPageQuery,
) -> Result<UsersPageAnswer, StoreError> {
    let mut answer = UsersPageAnswer::default();
    if !query.users.is_empty() {
        answer.users = store.users(query.users.clone()).await?;
        answer.memberships = store.user_groups(query.users).await?;
    }
    if !query.groups.is_empty() {
        let groups = store.groups(query.groups).await?;
        answer.groups = groups.into_iter().map(GroupHead::from).collect();
    }
    Ok(answer)
}

/// A result of the store.
pub type StoreResult<'a, T> = LocalBoxFuture<'a, Result<T, StoreError>>;

/// Where the local copy lives. Every method is one read or one atomic write; futures are
/// local (not `Send`), so an implementation may wrap JS promises. Records, changesets and
/// queries serialize to JSON for such adapters.
///
/// Reads return what is there, in any order, leaving out ids that have no row.
pub trait Store {
    /// Whether an event with this id has been committed.
    fn has_event(&self, id: String) -> StoreResult<'_, bool>;
    /// The user rows (tombstones included) with these ids.
    fn users(&self, ids: Vec<String>) -> StoreResult<'_, Vec<UserRecord>>;
    /// The group rows (tombstones included) with these ids.
    fn groups(&self, ids: Vec<String>) -> StoreResult<'_, Vec<GroupRecord>>;
    /// Every membership of these users.
    fn user_groups(&self, user_ids: Vec<String>) -> StoreResult<'_, Vec<MembershipKey>>;
    /// The ids of the users in this group.
    fn group_members(&self, group_id: String) -> StoreResult<'_, Vec<String>>;
    /// Users a full sync has not listed (see [`UnseenQuery`]).
    fn unseen_users(&self, query: UnseenQuery) -> StoreResult<'_, Vec<UserRecord>>;
    /// Groups a full sync has not listed (see [`UnseenQuery`]).
    fn unseen_groups(&self, query: UnseenQuery) -> StoreResult<'_, Vec<GroupRecord>>;
    /// The value of a checkpoint.
    fn checkpoint(&self, key: String) -> StoreResult<'_, Option<String>>;
    /// Writes `changeset` atomically (see [`Changeset`]), or nothing and
    /// [`StoreError::Conflict`] when its event id is already stored or a guard fails.
    fn commit(&self, changeset: Changeset) -> StoreResult<'_, ()>;
    /// Everything one event reads, in one call. Optional: the default asks the single reads
    /// above one after the other ([`read_event_by_parts`]); a store whose every call crosses a
    /// boundary (a JS store under wasm: a call, a promise and JSON text each way) answers it at
    /// once, which saves up to four crossings per event.
    fn read_event(&self, query: EventReadQuery) -> StoreResult<'_, EventReadAnswer> {
        Box::pin(read_event_by_parts(self, query))
    }
    /// Everything a full sync's page of users reads, in one call. Optional, as
    /// [`Store::read_event`]: the default asks `users`, `user_groups` and `groups` one after the
    /// other ([`read_users_page_by_parts`]). A store that answers it at once saves two
    /// crossings (or round trips) a page, and reads no group's `data`: a page's users may name
    /// hundreds of groups, on every page.
    fn read_users_page(&self, query: UsersPageQuery) -> StoreResult<'_, UsersPageAnswer> {
        Box::pin(read_users_page_by_parts(self, query))
    }
}

/// `Store` for a pointer to a store, delegating each call.
macro_rules! delegate {
    ($($ptr:ty),*) => {$(
        impl<S: Store + ?Sized> Store for $ptr {
            fn has_event(&self, id: String) -> StoreResult<'_, bool> {
                (**self).has_event(id)
            }
            fn users(&self, ids: Vec<String>) -> StoreResult<'_, Vec<UserRecord>> {
                (**self).users(ids)
            }
            fn groups(&self, ids: Vec<String>) -> StoreResult<'_, Vec<GroupRecord>> {
                (**self).groups(ids)
            }
            fn user_groups(&self, user_ids: Vec<String>) -> StoreResult<'_, Vec<MembershipKey>> {
                (**self).user_groups(user_ids)
            }
            fn group_members(&self, group_id: String) -> StoreResult<'_, Vec<String>> {
                (**self).group_members(group_id)
            }
            fn unseen_users(&self, query: UnseenQuery) -> StoreResult<'_, Vec<UserRecord>> {
                (**self).unseen_users(query)
            }
            fn unseen_groups(&self, query: UnseenQuery) -> StoreResult<'_, Vec<GroupRecord>> {
                (**self).unseen_groups(query)
            }
            fn checkpoint(&self, key: String) -> StoreResult<'_, Option<String>> {
                (**self).checkpoint(key)
            }
            fn commit(&self, changeset: Changeset) -> StoreResult<'_, ()> {
                (**self).commit(changeset)
            }
            fn read_event(&self, query: EventReadQuery) -> StoreResult<'_, EventReadAnswer> {
                (**self).read_event(query)
            }
            fn read_users_page(&self, query: UsersPageQuery) -> StoreResult<'_, UsersPageAnswer> {
                (**self).read_users_page(query)
            }
        }
    )*};
}

delegate!(Rc<S>, &S, Box<S>);
