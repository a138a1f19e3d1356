//! JS exports for the sync engine. Every rule is the core's (`scimkit::sync`); this layer
//! implements the core's `Store` port over a JS object whose methods return promises
//! ([`JsStore`]: ids cross as arrays, records, queries and changesets as JSON text), wraps the
//! core's `MemoryStore` for `memoryStore()`, calls the app's change hook once per commit with
//! its changes as JSON text (their states as texts apart), reads the clock (`Date.now()`) and
//! translates options and errors.

use scimkit::json::to_ascii_json;
use std::future::Future;
use std::rc::Rc;

use js_sys::{Array, Function, Promise, Reflect};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use crate::directory::DirectoryCore;
use crate::errors::{js_error, Family};
use scimkit::directory::{DirectoryClient, LocalBoxFuture};
use scimkit::error::ErrorCode;
use scimkit::sync::{
    read_event_by_parts, read_users_page_by_parts, AppliedEvent, CatchUpOptions, Change,
    ChangeKind, ChangeState, Changeset, Checkpoint, EventReadAnswer, EventReadQuery,
    FullSyncOptions, FullSyncStep, GroupRecord, Guard, LeaseOptions, Membership, MembershipKey,
    MemoryStore, OnMissing, Store, StoreError, StoreResult, SyncEngine, SyncError, UnseenQuery,
    UserRecord, UsersPageAnswer, UsersPageQuery, Version, DEFAULT_LEASE_TTL_SECONDS,
};

// ---------------------------------------------------------------------------------------------
// Translation helpers

fn argument_error(message: &str) -> JsValue {
    js_error(Family::Argument, "invalid_argument", message, None)
}

/// JSON text of a core value, in ASCII (the fast path of JS's UTF-8 decoding; see
/// `to_ascii_json`). The sync types serialize infallibly (string keys, finite numbers, JSON
/// values read from JSON).
fn to_json<T: Serialize>(value: &T) -> String {
    to_ascii_json(value).unwrap_or_else(|_| "null".to_owned())
}

/// A core error as its JS class: Directory API failures are `DirectoryApiError`s, events that
/// do not read `NormalizationError`s (with their pointer), the rest `SyncError`s.
fn sync_error(err: &SyncError) -> JsValue {
    match err {
        SyncError::Directory(e) => crate::directory::to_js(e),
        SyncError::Event(e) => crate::normalize::to_js(e),
        other => js_error(Family::Sync, other.code(), &other.to_string(), None),
    }
}

/// A store error as a port answer: the code says the kind, the message what happened (without
/// the "store conflict:" prefix the engine adds when it reports one).
fn store_error_js(err: &StoreError) -> JsValue {
    let (StoreError::Conflict(m) | StoreError::Failed(m)) = err;
    js_error(Family::Sync, err.code(), m, None)
}

fn strings(ids: Vec<String>) -> JsValue {
    ids.into_iter().map(JsValue::from).collect::<Array>().into()
}

fn parse_options<T: DeserializeOwned>(json: &str, what: &str) -> Result<T, JsValue> {
    serde_json::from_str(json).map_err(|e| argument_error(&format!("{what}: {e}")))
}

fn now() -> Result<Version, JsValue> {
    let ms = js_sys::Date::now();
    Version::from_unix_millis(ms).ok_or_else(|| {
        argument_error(&format!(
            "the clock says {ms} ms, not a time in years 0000-9999"
        ))
    })
}

// ---------------------------------------------------------------------------------------------
// The store port over a JS object

/// The port object the façade makes of an app's store (lib/sync.js, `portOf`). Each method
/// returns a promise or a value; reads resolve to JSON text; `commit(text)` resolves once the
/// changeset is written, and rejects with an error whose `code` is `store_conflict` when it
/// wrote nothing because a guard or the event id failed (any other rejection is a failure).
struct JsStore {
    port: JsValue,
    has_event: Function,
    users: Function,
    groups: Function,
    user_groups: Function,
    group_members: Function,
    unseen_users: Function,
    unseen_groups: Function,
    checkpoint: Function,
    commit: Function,
    /// The optional one-call read (`readEvent`); without it, the single reads.
    read_event: Option<Function>,
    /// The optional one-call read of a users page (`readUsersPage`); without it, the single reads.
    read_users_page: Option<Function>,
    /// The store takes each written row's `data` as JSON text (`dataAsJson: true`): `commit` is
    /// called with the changeset without them, then the users' and the groups' texts.
    data_as_json: bool,
}

impl JsStore {
    fn new(port: JsValue) -> Result<Self, JsValue> {
        let method = |name: &str| -> Result<Function, JsValue> {
            Reflect::get(&port, &JsValue::from_str(name))
                .ok()
                .and_then(|f| f.dyn_into::<Function>().ok())
                .ok_or_else(|| argument_error(&format!("the store port has no {name}() method")))
        };
        let optional = |name: &str| -> Option<Function> {
            Reflect::get(&port, &JsValue::from_str(name))
                .ok()
                .and_then(|f| f.dyn_into::<Function>().ok())
        };
        Ok(Self {
            has_event: method("hasEvent")?,
            users: method("users")?,
            groups: method("groups")?,
            user_groups: method("userGroups")?,
            group_members: method("groupMembers")?,
            unseen_users: method("unseenUsers")?,
            unseen_groups: method("unseenGroups")?,
            checkpoint: method("checkpoint")?,
            commit: method("commit")?,
            read_event: optional("readEvent"),
            read_users_page: optional("readUsersPage"),
            data_as_json: Reflect::get(&port, &JsValue::from_str("dataAsJson"))
                .is_ok_and(|v| v.as_bool() == Some(true)),
            port,
        })
    }

    /// Calls `f(arg)` now (so the store starts when the engine asks) and awaits its answer.
    fn call(
        &self,
        f: &Function,
        name: &'static str,
        arg: &JsValue,
    ) -> impl Future<Output = Result<JsValue, StoreError>> + 'static {
        settled(f.call1(&self.port, arg), name)
    }

    /// A read: the answer is JSON text of `T`.
    fn read<T: DeserializeOwned + 'static>(
        &self,
        f: &Function,
        name: &'static str,
        arg: JsValue,
    ) -> StoreResult<'static, T> {
        let answer = self.call(f, name, &arg);
        Box::pin(async move {
            let text = answer.await?.as_string().ok_or_else(|| {
                StoreError::Failed(format!("the store's {name}() did not answer JSON text"))
            })?;
            serde_json::from_str(&text).map_err(|e| {
                StoreError::Failed(format!(
                    "the store's {name}() answered something the port does not allow: {e}"
                ))
            })
        })
    }
}

/// What a store method's call answered, once its promise settles.
async fn settled(
    called: Result<JsValue, JsValue>,
    name: &'static str,
) -> Result<JsValue, StoreError> {
    let value = called.map_err(|e| store_error(name, &e))?;
    JsFuture::from(Promise::resolve(&value))
        .await
        .map_err(|e| store_error(name, &e))
}

/// A user row without its `data` (serialized as `UserRecord` is, less that field).
#[derive(Serialize)]
struct UserRow<'a> {
    id: &'a str,
    organization_id: &'a str,
    directory_id: &'a Option<String>,
    version: Version,
    deleted: bool,
    groups_version: Option<Version>,
    generation: u64,
    revision: u64,
    active: bool,
}

/// A group row without its `data`.
#[derive(Serialize)]
struct GroupRow<'a> {
    id: &'a str,
    organization_id: &'a str,
    directory_id: &'a Option<String>,
    version: Version,
    deleted: bool,
    generation: u64,
    revision: u64,
}

/// The changeset as `Changeset` serializes, with its rows' `data` left out.
#[derive(Serialize)]
struct Skeleton<'a> {
    event: &'a Option<AppliedEvent>,
    guards: &'a [Guard],
    put_users: Vec<UserRow<'a>>,
    put_groups: Vec<GroupRow<'a>>,
    add_members: &'a [Membership],
    remove_members: &'a [MembershipKey],
    checkpoints: &'a [Checkpoint],
}

/// `changeset` for a store that takes `data` as text: its JSON text without the rows' `data`,
/// and those as two arrays of JSON texts (the users', the groups'), in row order. Each text
/// becomes a JS string of its own, never parsed on the way: the store writes it as it is.
fn split_data(changeset: &Changeset) -> (JsValue, JsValue, JsValue) {
    // Destructured without `..`: a field added to a record or a changeset must be placed here.
    let Changeset {
        event,
        guards,
        put_users,
        put_groups,
        add_members,
        remove_members,
        checkpoints,
    } = changeset;
    fn user_row(u: &UserRecord) -> UserRow<'_> {
        let UserRecord {
            id,
            organization_id,
            directory_id,
            version,
            deleted,
            groups_version,
            generation,
            revision,
            active,
            data: _,
        } = u;
        UserRow {
            id,
            organization_id,
            directory_id,
            version: *version,
            deleted: *deleted,
            groups_version: *groups_version,
            generation: *generation,
            revision: *revision,
            active: *active,
        }
    }
    fn group_row(g: &GroupRecord) -> GroupRow<'_> {
        let GroupRecord {
            id,
            organization_id,
            directory_id,
            version,
            deleted,
            generation,
            revision,
            data: _,
        } = g;
        GroupRow {
            id,
            organization_id,
            directory_id,
            version: *version,
            deleted: *deleted,
            generation: *generation,
            revision: *revision,
        }
    }
    let skeleton = Skeleton {
        event,
        guards,
        put_users: put_users.iter().map(user_row).collect(),
        put_groups: put_groups.iter().map(group_row).collect(),
        add_members,
        remove_members,
        checkpoints,
    };
    let texts = |data: &mut dyn Iterator<Item = String>| -> JsValue {
        data.map(JsValue::from).collect::<Array>().into()
    };
    let users = texts(&mut put_users.iter().map(|u| to_json(&u.data)));
    let groups = texts(&mut put_groups.iter().map(|g| to_json(&g.data)));
    (JsValue::from(to_json(&skeleton)), users, groups)
}

/// A store's rejection: `code: "store_conflict"` is a conflict (read and decide again), any
/// other error a failure, named by the method that failed.
fn store_error(method: &str, err: &JsValue) -> StoreError {
    let field = |k: &str| {
        Reflect::get(err, &JsValue::from_str(k))
            .ok()
            .and_then(|v| v.as_string())
    };
    let message = field("message")
        .or_else(|| err.as_string())
        .unwrap_or_else(|| "the store rejected without a message".to_owned());
    if field("code").as_deref() == Some("store_conflict") {
        StoreError::Conflict(message)
    } else {
        StoreError::Failed(format!("{method}(): {message}"))
    }
}

impl Store for JsStore {
    fn has_event(&self, id: String) -> StoreResult<'_, bool> {
        self.read(&self.has_event, "hasEvent", JsValue::from(id))
    }

    fn users(&self, ids: Vec<String>) -> StoreResult<'_, Vec<UserRecord>> {
        self.read(&self.users, "users", strings(ids))
    }

    fn groups(&self, ids: Vec<String>) -> StoreResult<'_, Vec<GroupRecord>> {
        self.read(&self.groups, "groups", strings(ids))
    }

    fn user_groups(&self, user_ids: Vec<String>) -> StoreResult<'_, Vec<MembershipKey>> {
        self.read(&self.user_groups, "userGroups", strings(user_ids))
    }

    fn group_members(&self, group_id: String) -> StoreResult<'_, Vec<String>> {
        self.read(&self.group_members, "groupMembers", JsValue::from(group_id))
    }

    fn unseen_users(&self, query: UnseenQuery) -> StoreResult<'_, Vec<UserRecord>> {
        let query = JsValue::from(to_json(&query));
        self.read(&self.unseen_users, "unseenUsers", query)
    }

    fn unseen_groups(&self, query: UnseenQuery) -> StoreResult<'_, Vec<GroupRecord>> {
        let query = JsValue::from(to_json(&query));
        self.read(&self.unseen_groups, "unseenGroups", query)
    }

    fn checkpoint(&self, key: String) -> StoreResult<'_, Option<String>> {
        self.read(&self.checkpoint, "checkpoint", JsValue::from(key))
    }

    fn commit(&self, changeset: Changeset) -> StoreResult<'_, ()> {
        let answer = if self.data_as_json {
            let (skeleton, users, groups) = split_data(&changeset);
            let called = self.commit.call3(&self.port, &skeleton, &users, &groups);
            settled(called, "commit")
        } else {
            let called = self
                .commit
                .call1(&self.port, &JsValue::from(to_json(&changeset)));
            settled(called, "commit")
        };
        Box::pin(async move { answer.await.map(|_| ()) })
    }

    fn read_event(&self, query: EventReadQuery) -> StoreResult<'_, EventReadAnswer> {
        match &self.read_event {
            Some(f) => self.read(f, "readEvent", JsValue::from(to_json(&query))),
            None => Box::pin(read_event_by_parts(self, query)),
        }
    }

    fn read_users_page(&self, query: UsersPageQuery) -> StoreResult<'_, UsersPageAnswer> {
        match &self.read_users_page {
            Some(f) => self.read(f, "readUsersPage", JsValue::from(to_json(&query))),
            None => Box::pin(read_users_page_by_parts(self, query)),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// memoryStore(): the core's MemoryStore

/// The core's `MemoryStore` (wrapped by the façade's `memoryStore()`): the app's reads, and
/// the port itself (promises of JSON text, as a JS store answers), for tests and wrappers.
#[wasm_bindgen(js_name = MemoryStoreCore)]
pub struct MemoryStoreCore {
    store: Rc<MemoryStore>,
}

/// A port answer as a promise of its JSON text.
fn port_answer<T: Serialize>(
    answer: impl Future<Output = Result<T, StoreError>> + 'static,
) -> Promise {
    future_to_promise(async move {
        let value = answer.await.map_err(|e| store_error_js(&e))?;
        Ok(JsValue::from(to_json(&value)))
    })
}

#[wasm_bindgen(js_class = MemoryStoreCore)]
impl MemoryStoreCore {
    /// An empty store.
    #[wasm_bindgen(constructor)]
    #[allow(clippy::new_without_default)] // a JS constructor, never called from Rust
    pub fn new() -> MemoryStoreCore {
        MemoryStoreCore {
            store: Rc::new(MemoryStore::new()),
        }
    }

    /// The user (JSON text), or `undefined` when there is none or it was deleted.
    #[wasm_bindgen(js_name = getUser)]
    pub fn get_user(&self, id: &str) -> Option<String> {
        self.store.get_user(id).map(|u| to_json(&u))
    }

    /// The group (JSON text), or `undefined` when there is none or it was deleted.
    #[wasm_bindgen(js_name = getGroup)]
    pub fn get_group(&self, id: &str) -> Option<String> {
        self.store.get_group(id).map(|g| to_json(&g))
    }

    /// The users that are not deleted, of an organization and/or a directory, by id (JSON text).
    #[wasm_bindgen(js_name = listUsers)]
    pub fn list_users(
        &self,
        organization_id: Option<String>,
        directory_id: Option<String>,
    ) -> String {
        let rows = self
            .store
            .list_users(organization_id.as_deref(), directory_id.as_deref());
        to_json(&rows.iter().map(|r| &r.data).collect::<Vec<_>>())
    }

    /// The groups that are not deleted, of an organization and/or a directory, by id (JSON text).
    #[wasm_bindgen(js_name = listGroups)]
    pub fn list_groups(
        &self,
        organization_id: Option<String>,
        directory_id: Option<String>,
    ) -> String {
        let rows = self
            .store
            .list_groups(organization_id.as_deref(), directory_id.as_deref());
        to_json(&rows.iter().map(|r| &r.data).collect::<Vec<_>>())
    }

    /// The ids of a group's users, in id order.
    #[wasm_bindgen(js_name = listMembers)]
    pub fn list_members(&self, group_id: &str) -> Vec<String> {
        self.store.list_members(group_id)
    }

    /// The ids of a user's groups, in id order.
    #[wasm_bindgen(js_name = listUserGroups)]
    pub fn list_user_groups(&self, user_id: &str) -> Vec<String> {
        self.store.list_user_groups(user_id)
    }

    /// Port: whether the event id was committed (JSON `true`/`false`).
    #[wasm_bindgen(js_name = hasEvent)]
    pub fn has_event(&self, id: String) -> Promise {
        let s = self.store.clone();
        port_answer(async move { s.has_event(id).await })
    }

    /// Port: the user rows with these ids, tombstones included (JSON text).
    pub fn users(&self, ids: Vec<String>) -> Promise {
        let s = self.store.clone();
        port_answer(async move { s.users(ids).await })
    }

    /// Port: the group rows with these ids, tombstones included (JSON text).
    pub fn groups(&self, ids: Vec<String>) -> Promise {
        let s = self.store.clone();
        port_answer(async move { s.groups(ids).await })
    }

    /// Port: the memberships of these users (JSON text).
    #[wasm_bindgen(js_name = userGroups)]
    pub fn user_groups(&self, user_ids: Vec<String>) -> Promise {
        let s = self.store.clone();
        port_answer(async move { s.user_groups(user_ids).await })
    }

    /// Port: the ids of a group's users (JSON text).
    #[wasm_bindgen(js_name = groupMembers)]
    pub fn group_members(&self, group_id: String) -> Promise {
        let s = self.store.clone();
        port_answer(async move { s.group_members(group_id).await })
    }

    /// Port: users a full sync has not listed; `query` is an `UnseenQuery` as JSON text.
    #[wasm_bindgen(js_name = unseenUsers)]
    pub fn unseen_users(&self, query: &str) -> Result<Promise, JsValue> {
        let q: UnseenQuery = parse_options(query, "unseenUsers query")?;
        let s = self.store.clone();
        Ok(port_answer(async move { s.unseen_users(q).await }))
    }

    /// Port: groups a full sync has not listed.
    #[wasm_bindgen(js_name = unseenGroups)]
    pub fn unseen_groups(&self, query: &str) -> Result<Promise, JsValue> {
        let q: UnseenQuery = parse_options(query, "unseenGroups query")?;
        let s = self.store.clone();
        Ok(port_answer(async move { s.unseen_groups(q).await }))
    }

    /// Port: a checkpoint's value (JSON text: a string or `null`).
    pub fn checkpoint(&self, key: String) -> Promise {
        let s = self.store.clone();
        port_answer(async move { s.checkpoint(key).await })
    }

    /// Port: commits a changeset (JSON text) atomically; rejects with `SyncError`
    /// `store_conflict` when its event id is stored or a guard fails (nothing written).
    pub fn commit(&self, changeset: &str) -> Result<Promise, JsValue> {
        let cs: Changeset = parse_options(changeset, "changeset")?;
        let s = self.store.clone();
        Ok(port_answer(async move { s.commit(cs).await }))
    }
}

// ---------------------------------------------------------------------------------------------
// DirectorySync's engine

/// What a change says besides its states, in the order `Change` serializes it.
#[derive(Serialize)]
struct ChangeHead<'a> {
    kind: ChangeKind,
    organization_id: &'a str,
    directory_id: &'a Option<String>,
    id: &'a str,
    group_id: &'a Option<String>,
}

/// A change's state as JSON text, or `null`.
fn state_text(state: &Option<ChangeState>) -> JsValue {
    state
        .as_ref()
        .map_or(JsValue::NULL, |s| JsValue::from(to_json(s)))
}

/// The change hook for one call: `hook(headsText, states)`, once per commit — the JSON array of
/// its changes without `before` and `after`, and those as JSON texts (or `null`), two a change
/// in order — may return a promise, which is awaited before the next commit goes on (the
/// façade's hook calls onChange for each change in order and never rejects: it keeps the
/// app's errors). One crossing per commit, not per change; the states stay text until the app
/// reads them (a full sync page's users are most of what crosses).
fn with_hook(
    engine: SyncEngine<Rc<dyn Store>>,
    hook: Option<Function>,
) -> SyncEngine<Rc<dyn Store>> {
    let Some(hook) = hook else { return engine };
    engine.with_on_commit(move |changes: Vec<Change>| -> LocalBoxFuture<'static, ()> {
        let heads: Vec<ChangeHead<'_>> = changes
            .iter()
            .map(|c| ChangeHead {
                kind: c.kind,
                organization_id: &c.organization_id,
                directory_id: &c.directory_id,
                id: &c.id,
                group_id: &c.group_id,
            })
            .collect();
        let states = Array::new();
        for c in &changes {
            states.push(&state_text(&c.before));
            states.push(&state_text(&c.after));
        }
        let called = hook.call2(&JsValue::NULL, &JsValue::from(to_json(&heads)), &states);
        Box::pin(async move {
            if let Ok(value) = called {
                // A rejection is the hook's to report; the change is committed either way.
                let _ = JsFuture::from(Promise::resolve(&value)).await;
            }
        })
    })
}

/// A call's outcome as a promise of its JSON text.
fn settle<T: Serialize>(outcome: impl Future<Output = Result<T, SyncError>> + 'static) -> Promise {
    future_to_promise(async move {
        let value = outcome.await.map_err(|e| sync_error(&e))?;
        Ok(JsValue::from(to_json(&value)))
    })
}

/// What `fullSync()` covers: everything, one organization, or one directory.
#[derive(Deserialize)]
#[serde(
    rename_all = "camelCase",
    deny_unknown_fields,
    expecting = "an options object (FullSyncScope)"
)]
struct JsFullSyncScope {
    organization_id: Option<String>,
    directory_id: Option<String>,
}

/// `fullSyncStep()`'s options: one directory, and the step's bound and lease.
#[derive(Deserialize)]
#[serde(
    rename_all = "camelCase",
    deny_unknown_fields,
    expecting = "an options object (FullSyncStepOptions)"
)]
struct JsFullSyncStep {
    organization_id: String,
    directory_id: String,
    max_pages: Option<u32>,
    generation: Option<u64>,
    lease_owner: Option<String>,
    lease_ttl_seconds: Option<u64>,
}

impl JsFullSyncStep {
    fn step(&self) -> Result<FullSyncStep, JsValue> {
        let lease = match (&self.lease_owner, self.lease_ttl_seconds) {
            (Some(owner), ttl) => Some(LeaseOptions {
                owner: owner.clone(),
                ttl_seconds: ttl.unwrap_or(DEFAULT_LEASE_TTL_SECONDS),
            }),
            (None, None) => None,
            (None, Some(_)) => {
                return Err(argument_error(
                    "options.leaseTtlSeconds needs options.leaseOwner (who holds the lease)",
                ))
            }
        };
        Ok(FullSyncStep {
            max_pages: self.max_pages,
            generation: self.generation,
            lease,
        })
    }
}

/// `catchUp()`'s options, converted field by field into the core's.
#[derive(Deserialize)]
#[serde(
    rename_all = "camelCase",
    deny_unknown_fields,
    expecting = "an options object (CatchUpOptions)"
)]
struct JsCatchUpOptions {
    lag_seconds: Option<u64>,
    since: Option<String>,
}

impl JsCatchUpOptions {
    fn into_core(self) -> Result<CatchUpOptions, JsValue> {
        let mut o = CatchUpOptions::default();
        o.lag_seconds = self.lag_seconds.unwrap_or(o.lag_seconds);
        if let Some(since) = self.since {
            o.since = Some(Version::parse(&since).ok_or_else(|| {
                argument_error(&format!(
                    "options.since: `{since}` is not an RFC 3339 date-time"
                ))
            })?);
        }
        Ok(o)
    }
}

/// The sync engine over one store (wrapped by the façade's `DirectorySync`). Each call makes
/// an engine with that call's change hook; the store, client and options are shared.
#[wasm_bindgen(js_name = SyncCore)]
pub struct SyncCore {
    store: Rc<dyn Store>,
    client: Option<DirectoryClient>,
    options: FullSyncOptions,
}

fn on_missing(name: Option<String>) -> Result<OnMissing, JsValue> {
    match name.as_deref() {
        None => Ok(OnMissing::default()),
        Some(n) => serde_json::from_value(serde_json::Value::String(n.to_owned())).map_err(|_| {
            argument_error(&format!(
                "options.onMissing must be \"deactivate\" or \"delete\", got \"{n}\""
            ))
        }),
    }
}

#[wasm_bindgen(js_class = SyncCore)]
impl SyncCore {
    /// An engine over a JS store port (see [`JsStore`]); `on_missing` is `deactivate`
    /// (default) or `delete`.
    #[wasm_bindgen(js_name = overPort)]
    pub fn over_port(port: JsValue, on_missing_name: Option<String>) -> Result<SyncCore, JsValue> {
        Self::over(Rc::new(JsStore::new(port)?), on_missing_name)
    }

    /// An engine over a `memoryStore()` (the core's store, no JS round trip).
    #[wasm_bindgen(js_name = overMemory)]
    pub fn over_memory(
        store: &MemoryStoreCore,
        on_missing_name: Option<String>,
    ) -> Result<SyncCore, JsValue> {
        Self::over(store.store.clone(), on_missing_name)
    }

    /// Uses this Directory API client for full syncs and catch-ups (the same client: shared
    /// token and transport).
    #[wasm_bindgen(js_name = setClient)]
    pub fn set_client(&mut self, client: &DirectoryCore) {
        self.client = Some(client.client().clone());
    }

    /// Applies one event from its JSON text (a verified webhook body, either envelope shape);
    /// resolves to the outcome as JSON text.
    #[wasm_bindgen(js_name = applyEvent)]
    pub fn apply_event(&self, payload: Vec<u8>, hook: Option<Function>) -> Promise {
        let engine = self.engine(hook);
        settle(async move { engine.apply_event(&payload).await })
    }

    /// Runs (or resumes) the full sync of the scope (`FullSyncScope` as JSON); resolves to
    /// the summary as JSON text.
    #[wasm_bindgen(js_name = fullSync)]
    pub fn full_sync(&self, scope: &str, hook: Option<Function>) -> Result<Promise, JsValue> {
        let scope: JsFullSyncScope = parse_options(scope, "options")?;
        let client = self.client("fullSync")?;
        let (engine, options, now) = (self.engine(hook), self.options.clone(), now()?);
        Ok(match (scope.organization_id, scope.directory_id) {
            (None, None) => {
                settle(async move { engine.full_sync_all(&client, now, &options).await })
            }
            (Some(org), None) => settle(async move {
                engine
                    .full_sync_organization(&client, &org, now, &options)
                    .await
            }),
            (Some(org), Some(dir)) => {
                settle(async move { engine.full_sync(&client, &org, &dir, now, &options).await })
            }
            (None, Some(_)) => return Err(argument_error(
                "options.directoryId needs options.organizationId (the directory's organization)",
            )),
        })
    }

    /// Runs one step of one directory's full sync (`FullSyncStepOptions` as JSON): at most
    /// `maxPages` commits, under the lease of `leaseOwner` when given; resolves to the
    /// `StepOutcome` as JSON text. The clock (`Date.now()`) dates a new generation and renews
    /// the lease at each commit.
    #[wasm_bindgen(js_name = fullSyncStep)]
    pub fn full_sync_step(
        &self,
        options: &str,
        hook: Option<Function>,
    ) -> Result<Promise, JsValue> {
        let o: JsFullSyncStep = parse_options(options, "options")?;
        let step = o.step()?;
        let client = self.client("fullSyncStep")?;
        now()?;
        let (engine, options) = (self.engine(hook), self.options.clone());
        Ok(settle(async move {
            let clock = || now().unwrap_or(Version::MIN);
            let scope = (o.organization_id.as_str(), o.directory_id.as_str());
            engine
                .full_sync_step(&client, scope, &clock, &options, &step)
                .await
        }))
    }

    /// Replays the events API from the stored checkpoint (`CatchUpOptions` as JSON); resolves
    /// to the summary as JSON text.
    #[wasm_bindgen(js_name = catchUp)]
    pub fn catch_up(&self, options: &str, hook: Option<Function>) -> Result<Promise, JsValue> {
        let options = parse_options::<JsCatchUpOptions>(options, "options")?.into_core()?;
        let client = self.client("catchUp")?;
        let (engine, now) = (self.engine(hook), now()?);
        Ok(settle(async move {
            engine.catch_up(&client, now, &options).await
        }))
    }
}

impl SyncCore {
    fn over(store: Rc<dyn Store>, on_missing_name: Option<String>) -> Result<SyncCore, JsValue> {
        let options = FullSyncOptions {
            on_missing: on_missing(on_missing_name)?,
            ..FullSyncOptions::default()
        };
        Ok(SyncCore {
            store,
            client: None,
            options,
        })
    }

    fn engine(&self, hook: Option<Function>) -> SyncEngine<Rc<dyn Store>> {
        with_hook(SyncEngine::new(self.store.clone()), hook)
    }

    fn client(&self, what: &str) -> Result<DirectoryClient, JsValue> {
        self.client.clone().ok_or_else(|| {
            argument_error(&format!(
                "{what}() needs the Directory API: pass `client` (a DirectoryClient or ScalekitClient) to new DirectorySync()"
            ))
        })
    }
}
