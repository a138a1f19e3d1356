//! Test doubles for the sync engine: a directory model that records the events of each change
//! (webhook envelopes) and serves its current state as the Directory API would (listings and
//! the events API, newest first), plus store wrappers that inject conflicts and failures.
#![allow(dead_code)]

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use serde_json::{json, Value};

use scimkit::directory::{
    ClientConfig, DirectoryClient, HttpRequest, HttpResponse, LocalBoxFuture, Runtime, Transport,
    TransportError,
};
use scimkit::model::DirectoryUser;
use scimkit::normalize::reference::user_from_reference;
use scimkit::sync::{
    Change, ChangeKind, Changeset, GroupRecord, MembershipKey, MemoryStore, Store, StoreError,
    StoreResult, UnseenQuery, UserRecord, Version,
};

use crate::directory_support::{run, FakeRuntime, ENV, SECRET};

pub const ORG: &str = "org_1";
pub const DIR: &str = "dir_1";

// ---------------------------------------------------------------------------------------------
// The directory model

#[derive(Debug, Clone, PartialEq)]
pub struct MUser {
    pub id: String,
    pub given: String,
    pub family: String,
    pub title: Option<String>,
    pub active: bool,
    pub groups: BTreeSet<String>,
    pub updated: Version,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MGroup {
    pub id: String,
    pub name: String,
    pub updated: Version,
}

/// A directory whose every change records the event a webhook would carry.
#[derive(Debug, Clone)]
pub struct Model {
    clock_ms: f64,
    pub users: BTreeMap<String, MUser>,
    pub groups: BTreeMap<String, MGroup>,
    /// Ids deleted and not created again.
    pub deleted_users: BTreeSet<String>,
    pub deleted_groups: BTreeSet<String>,
    /// Envelopes in occurrence order.
    pub events: Vec<Value>,
}

/// 2024-01-01T00:00:00Z
pub const T0_MS: f64 = 1_704_067_200_000.0;

impl Default for Model {
    fn default() -> Self {
        Self::new()
    }
}

impl Model {
    pub fn new() -> Self {
        Self {
            clock_ms: T0_MS,
            users: BTreeMap::new(),
            groups: BTreeMap::new(),
            deleted_users: BTreeSet::new(),
            deleted_groups: BTreeSet::new(),
            events: Vec::new(),
        }
    }

    /// The next instant (1.5 s later each time, so milliseconds and nanoseconds both show).
    pub fn tick(&mut self) -> Version {
        self.clock_ms += 1500.25;
        Version::from_unix_millis(self.clock_ms).unwrap()
    }

    /// A time after everything so far.
    pub fn later(&self) -> Version {
        Version::from_unix_millis(self.clock_ms + 3_600_000.0).unwrap()
    }

    fn emit(&mut self, ty: &str, object: &str, at: Version, data: Value) -> Value {
        let e = json!({
            "spec_version": "1",
            "id": format!("evt_{:05}", self.events.len() + 1),
            "type": format!("organization.directory.{ty}"),
            "occurred_at": at.to_string(),
            "environment_id": "env_1",
            "organization_id": ORG,
            "object": object,
            "data": data,
            "display_name": "",
        });
        self.events.push(e.clone());
        e
    }

    fn group_refs(&self, u: &MUser) -> Value {
        u.groups
            .iter()
            .map(|g| json!({"id": g, "name": self.groups[g].name}))
            .collect()
    }

    /// A user's `data` in events (no `directory_id`, as real deliveries); `groups` stated or
    /// `null`.
    pub fn user_data(&self, u: &MUser, groups_stated: bool) -> Value {
        json!({
            "id": u.id,
            "organization_id": ORG,
            "email": format!("{}@example.test", u.id),
            "preferred_username": format!("{}@example.test", u.id),
            "given_name": u.given,
            "family_name": u.family,
            "title": u.title,
            "active": u.active,
            "emails": [format!("{}@example.test", u.id)],
            "groups": if groups_stated { self.group_refs(u) } else { Value::Null },
            "updated_at": u.updated.to_string(),
        })
    }

    /// A user as the users listing shows it.
    pub fn listed_user(&self, u: &MUser) -> Value {
        let mut v = self.user_data(u, true);
        let groups: Vec<Value> = u
            .groups
            .iter()
            .map(|g| json!({"id": g, "display_name": self.groups[g].name}))
            .collect();
        v["groups"] = Value::Array(groups);
        v.as_object_mut().unwrap().remove("organization_id");
        v
    }

    pub fn group_data(&self, g: &MGroup) -> Value {
        json!({
            "id": g.id,
            "organization_id": ORG,
            "directory_id": DIR,
            "display_name": g.name,
            "updated_at": g.updated.to_string(),
        })
    }

    pub fn listed_group(&self, g: &MGroup) -> Value {
        let members = self
            .users
            .values()
            .filter(|u| u.groups.contains(&g.id))
            .count();
        json!({"id": g.id, "display_name": g.name, "total_users": members,
               "updated_at": g.updated.to_string()})
    }

    /// Creates (or, for a deleted id, creates again) a user.
    pub fn create_user(&mut self, id: &str, given: &str, family: &str) -> Value {
        let at = self.tick();
        let u = MUser {
            id: id.into(),
            given: given.into(),
            family: family.into(),
            title: None,
            active: true,
            groups: BTreeSet::new(),
            updated: at,
        };
        self.deleted_users.remove(id);
        self.users.insert(id.into(), u.clone());
        let data = self.user_data(&u, true);
        self.emit("user_created", "DirectoryUser", at, data)
    }

    /// Changes a user's fields; the event states its groups or not.
    pub fn update_user(
        &mut self,
        id: &str,
        change: impl FnOnce(&mut MUser),
        groups_stated: bool,
    ) -> Value {
        let at = self.tick();
        let mut u = self.users[id].clone();
        change(&mut u);
        u.updated = at;
        self.users.insert(id.into(), u.clone());
        let data = self.user_data(&u, groups_stated);
        self.emit("user_updated", "DirectoryUser", at, data)
    }

    /// Sets a user's groups (a `user_updated` stating them).
    pub fn set_groups(&mut self, id: &str, groups: &[&str]) -> Value {
        let groups: BTreeSet<String> = groups.iter().map(|g| g.to_string()).collect();
        self.update_user(id, |u| u.groups = groups, true)
    }

    pub fn delete_user(&mut self, id: &str) -> Value {
        let at = self.tick();
        self.users.remove(id);
        self.deleted_users.insert(id.into());
        let data = json!({"id": id, "organization_id": ORG, "email": format!("{id}@example.test")});
        self.emit("user_deleted", "DirectoryUser", at, data)
    }

    pub fn create_group(&mut self, id: &str, name: &str) -> Value {
        let at = self.tick();
        let g = MGroup {
            id: id.into(),
            name: name.into(),
            updated: at,
        };
        self.deleted_groups.remove(id);
        self.groups.insert(id.into(), g.clone());
        let data = self.group_data(&g);
        self.emit("group_created", "DirectoryGroup", at, data)
    }

    pub fn rename_group(&mut self, id: &str, name: &str) -> Value {
        let at = self.tick();
        let g = self.groups.get_mut(id).unwrap();
        g.name = name.into();
        g.updated = at;
        let g = g.clone();
        let data = self.group_data(&g);
        self.emit("group_updated", "DirectoryGroup", at, data)
    }

    /// Deletes a group: its users lose it without their `updated_at` moving (as the reference
    /// service does).
    pub fn delete_group(&mut self, id: &str) -> Value {
        let at = self.tick();
        let g = self.groups.remove(id).unwrap();
        self.deleted_groups.insert(id.into());
        for u in self.users.values_mut() {
            u.groups.remove(id);
        }
        let data = self.group_data(&MGroup { updated: at, ..g });
        self.emit("group_deleted", "DirectoryGroup", at, data)
    }

    /// The user the store should hold for `u` (normalized, as stored: no groups).
    pub fn expected_user(&self, u: &MUser) -> DirectoryUser {
        let mut d = user_from_reference(&self.user_data(u, false)).unwrap();
        d.groups = Vec::new();
        d.directory_id = Some(DIR.into());
        d
    }
}

/// Asserts the store holds exactly the model: every live user's data and memberships, every
/// live group, tombstones for what was deleted, and nothing else alive.
pub fn assert_store_matches(model: &Model, store: &MemoryStore) {
    let alive: Vec<String> = store
        .list_users(None, None)
        .into_iter()
        .map(|u| u.id)
        .collect();
    let want: Vec<String> = model.users.keys().cloned().collect();
    assert_eq!(alive, want, "live users");
    for u in model.users.values() {
        let r = store.user(&u.id).unwrap();
        assert!(!r.deleted, "{} is live", u.id);
        assert_eq!(r.active, u.active, "{} active", u.id);
        let mut data = r.data.clone();
        if data.directory_id.is_none() {
            data.directory_id = Some(DIR.into());
        }
        assert_eq!(data, model.expected_user(u), "{} data", u.id);
        let groups: BTreeSet<String> = store.list_user_groups(&u.id).into_iter().collect();
        assert_eq!(groups, u.groups, "{} groups", u.id);
    }
    for id in &model.deleted_users {
        let r = store
            .user(id)
            .unwrap_or_else(|| panic!("{id} has a tombstone"));
        assert!(r.deleted && !r.active, "{id} is a tombstone");
        assert!(store.list_user_groups(id).is_empty(), "{id} has no groups");
    }
    let alive: Vec<String> = store
        .list_groups(None, None)
        .into_iter()
        .map(|g| g.id)
        .collect();
    let want: Vec<String> = model.groups.keys().cloned().collect();
    assert_eq!(alive, want, "live groups");
    for g in model.groups.values() {
        let r = store.group(&g.id).unwrap();
        assert_eq!(
            r.data.display_name.as_deref(),
            Some(g.name.as_str()),
            "{} name",
            g.id
        );
    }
    for id in &model.deleted_groups {
        let r = store
            .group(id)
            .unwrap_or_else(|| panic!("{id} has a tombstone"));
        assert!(r.deleted, "{id} is a tombstone");
        assert!(store.list_members(id).is_empty(), "{id} has no members");
    }
    let pairs: usize = model.users.values().map(|u| u.groups.len()).sum();
    assert_eq!(store.memberships().len(), pairs, "memberships");
}

// ---------------------------------------------------------------------------------------------
// The fake Directory API over a model

/// A fault the fake server answers with instead of a page.
pub type Fault = Box<dyn Fn(&HttpRequest, usize) -> Option<HttpResponse>>;

/// Serves `/oauth/token`, the users and groups listings of `ORG`/`DIR` (page tokens `o<offset>`),
/// the organizations and directories, and the events API (newest first, tokens `e<offset>`).
pub struct FakeDirectory {
    pub model: RefCell<Model>,
    /// Event ids the events API does not show yet (late visibility).
    pub hidden: RefCell<BTreeSet<String>>,
    pub requests: RefCell<Vec<HttpRequest>>,
    /// Consulted first for each API request (index counts API requests from 0).
    pub fault: RefCell<Option<Fault>>,
    api_calls: Cell<usize>,
}

impl FakeDirectory {
    pub fn new(model: Model) -> Rc<Self> {
        Rc::new(Self {
            model: RefCell::new(model),
            hidden: RefCell::new(BTreeSet::new()),
            requests: RefCell::new(Vec::new()),
            fault: RefCell::new(None),
            api_calls: Cell::new(0),
        })
    }

    pub fn set_fault(&self, f: impl Fn(&HttpRequest, usize) -> Option<HttpResponse> + 'static) {
        *self.fault.borrow_mut() = Some(Box::new(f));
    }

    pub fn clear_fault(&self) {
        *self.fault.borrow_mut() = None;
    }

    /// Requests whose URL contains `part`.
    pub fn requests_to(&self, part: &str) -> Vec<HttpRequest> {
        self.requests
            .borrow()
            .iter()
            .filter(|r| r.url.contains(part))
            .cloned()
            .collect()
    }

    fn handle(&self, req: &HttpRequest) -> HttpResponse {
        if req.url.ends_with("/oauth/token") {
            let body = json!({"access_token": "at_1", "token_type": "Bearer", "expires_in": 3600});
            return HttpResponse::new(200, body.to_string());
        }
        let n = self.api_calls.get();
        self.api_calls.set(n + 1);
        if let Some(f) = &*self.fault.borrow() {
            if let Some(resp) = f(req, n) {
                return resp;
            }
        }
        let (path, query) = req.url.split_once('?').unwrap_or((&req.url, ""));
        let path = path.strip_prefix(ENV).unwrap_or(path);
        let params: BTreeMap<&str, &str> = query
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .collect();
        let size: usize = params
            .get("page_size")
            .and_then(|s| s.parse().ok())
            .unwrap_or(10);
        let offset = |prefix: char| -> Option<usize> {
            match params.get("page_token") {
                None => Some(0),
                Some(t) => t.strip_prefix(prefix).and_then(|n| n.parse().ok()),
            }
        };
        let model = self.model.borrow();
        let users_path = format!("/api/v1/organizations/{ORG}/directories/{DIR}/users");
        let groups_path = format!("/api/v1/organizations/{ORG}/directories/{DIR}/groups");
        let page = |items: Vec<Value>, key: &str, prefix: char| -> HttpResponse {
            let Some(at) = offset(prefix) else {
                return HttpResponse::new(
                    400,
                    json!({"code": 3, "message": "invalid page token"}).to_string(),
                );
            };
            let end = (at + size).min(items.len());
            let next = if end < items.len() {
                format!("{prefix}{end}")
            } else {
                String::new()
            };
            let body = json!({key: items[at.min(end)..end].to_vec(), "next_page_token": next,
                              "prev_page_token": "", "total_size": items.len()});
            HttpResponse::new(200, body.to_string())
        };
        match path {
            p if p == users_path => {
                let items = model.users.values().map(|u| model.listed_user(u)).collect();
                page(items, "users", 'o')
            }
            p if p == groups_path => {
                let items = model
                    .groups
                    .values()
                    .map(|g| model.listed_group(g))
                    .collect();
                page(items, "groups", 'o')
            }
            "/api/v1/organizations" => page(vec![json!({"id": ORG})], "organizations", 'o'),
            p if p == format!("/api/v1/organizations/{ORG}/directories") => HttpResponse::new(
                200,
                json!({"directories": [{"id": DIR, "organization_id": ORG}]}).to_string(),
            ),
            "/api/v1/events/paginated" => {
                let filter: Value =
                    serde_json::from_str(req.body.as_deref().unwrap_or("{}")).unwrap();
                let time = |k: &str| {
                    filter
                        .get(k)
                        .and_then(Value::as_str)
                        .map(|t| Version::parse(t).unwrap())
                };
                let (start, end) = (time("start_time"), time("end_time"));
                let hidden = self.hidden.borrow();
                let items: Vec<Value> = model
                    .events
                    .iter()
                    .rev()
                    .filter(|e| !hidden.contains(e["id"].as_str().unwrap()))
                    .filter(|e| {
                        let at = Version::parse(e["occurred_at"].as_str().unwrap()).unwrap();
                        start.is_none_or(|s| at >= s) && end.is_none_or(|x| at <= x)
                    })
                    .cloned()
                    .collect();
                let mut resp = page(items, "events", 'e');
                let mut body: Value = serde_json::from_str(&resp.body).unwrap();
                body.as_object_mut().unwrap().remove("total_size");
                resp.body = body.to_string();
                resp
            }
            _ => HttpResponse::new(404, json!({"code": 5, "message": "not found"}).to_string()),
        }
    }
}

impl Transport for FakeDirectory {
    fn send(&self, req: HttpRequest) -> LocalBoxFuture<'_, Result<HttpResponse, TransportError>> {
        let resp = self.handle(&req);
        self.requests.borrow_mut().push(req);
        Box::pin(std::future::ready(Ok(resp)))
    }
}

/// A client of `server` with no retries (a fault surfaces at once).
pub fn client_of(server: &Rc<FakeDirectory>, rt: &Rc<FakeRuntime>) -> DirectoryClient {
    let mut cfg = ClientConfig::new(ENV, "client_123", SECRET);
    cfg.max_retries = 0;
    let transport: Rc<dyn Transport> = server.clone();
    let runtime: Rc<dyn Runtime> = rt.clone();
    DirectoryClient::new(cfg, transport, runtime).unwrap()
}

/// Runs a future to completion on the virtual-time runtime.
pub fn block<F: std::future::Future>(rt: &FakeRuntime, fut: F) -> F::Output {
    run(rt, fut)
}

// ---------------------------------------------------------------------------------------------
// Changes

/// Collects the changes reported to an engine's hook.
#[derive(Default, Clone)]
pub struct Seen(pub Rc<RefCell<Vec<Change>>>);

impl Seen {
    pub fn hook(&self) -> impl Fn(Change) -> LocalBoxFuture<'static, ()> + 'static {
        let seen = self.0.clone();
        move |c| {
            seen.borrow_mut().push(c);
            Box::pin(std::future::ready(()))
        }
    }

    pub fn take(&self) -> Vec<Change> {
        std::mem::take(&mut self.0.borrow_mut())
    }

    pub fn kinds(&self) -> Vec<ChangeKind> {
        self.0.borrow().iter().map(|c| c.kind).collect()
    }
}

/// A change as a comparable line: kind, ids.
pub fn line(c: &Change) -> String {
    format!(
        "{} {} {}",
        c.kind,
        c.id,
        c.group_id.as_deref().unwrap_or("-")
    )
}

// ---------------------------------------------------------------------------------------------
// Store wrappers

/// What another writer does to the store between a read and a commit.
pub type OtherWriter = Box<dyn FnOnce(&MemoryStore)>;

/// Delegates to a memory store; before commit number `at` (from 0) runs `before` against the
/// inner store (another writer), and fails commits listed in `fail` with `store_failed`.
pub struct Faulty {
    pub inner: Rc<MemoryStore>,
    pub commits: Cell<usize>,
    pub fail: RefCell<BTreeSet<usize>>,
    pub before: RefCell<BTreeMap<usize, OtherWriter>>,
    pub conflicts: Cell<usize>,
}

impl Faulty {
    pub fn new(inner: Rc<MemoryStore>) -> Self {
        Self {
            inner,
            commits: Cell::new(0),
            fail: RefCell::new(BTreeSet::new()),
            before: RefCell::new(BTreeMap::new()),
            conflicts: Cell::new(0),
        }
    }
}

impl Store for Faulty {
    fn has_event(&self, id: String) -> StoreResult<'_, bool> {
        self.inner.has_event(id)
    }
    fn users(&self, ids: Vec<String>) -> StoreResult<'_, Vec<UserRecord>> {
        self.inner.users(ids)
    }
    fn groups(&self, ids: Vec<String>) -> StoreResult<'_, Vec<GroupRecord>> {
        self.inner.groups(ids)
    }
    fn user_groups(&self, user_ids: Vec<String>) -> StoreResult<'_, Vec<MembershipKey>> {
        self.inner.user_groups(user_ids)
    }
    fn group_members(&self, group_id: String) -> StoreResult<'_, Vec<String>> {
        self.inner.group_members(group_id)
    }
    fn unseen_users(&self, query: UnseenQuery) -> StoreResult<'_, Vec<UserRecord>> {
        self.inner.unseen_users(query)
    }
    fn unseen_groups(&self, query: UnseenQuery) -> StoreResult<'_, Vec<GroupRecord>> {
        self.inner.unseen_groups(query)
    }
    fn checkpoint(&self, key: String) -> StoreResult<'_, Option<String>> {
        self.inner.checkpoint(key)
    }
    fn commit(&self, changeset: Changeset) -> StoreResult<'_, ()> {
        let n = self.commits.get();
        self.commits.set(n + 1);
        if let Some(other) = self.before.borrow_mut().remove(&n) {
            other(&self.inner);
        }
        if self.fail.borrow().contains(&n) {
            return Box::pin(std::future::ready(Err(StoreError::Failed(format!(
                "injected failure at commit {n}"
            )))));
        }
        let inner = self.inner.clone();
        Box::pin(async move {
            let r = inner.commit(changeset).await;
            if let Err(StoreError::Conflict(_)) = &r {
                self.conflicts.set(self.conflicts.get() + 1);
            }
            r
        })
    }
}
