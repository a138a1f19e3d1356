//! Native timing of the sync core over the in-memory store (no wasm, no JS, no SQL): the
//! engine's own share, to set next to the SQLite benchmark later.
//! Usage: cargo run --release --example sync_timing -- [users]   (default 100000)
//!
//! Prints one JSON line: webhook events applied per second (user_created then user_updated
//! with groups stated, ~0.6 KB each, through `apply_event` on bytes), the time of a full sync of
//! `users` users (pages of 30, into an empty store, then again with nothing to change) next to
//! the bare walk of the same listing, and the process's peak RSS (which includes the 100,000
//! prepared events and the memory store holding everything).
//!
//! 100,000 users on a loaded 2-core box, two runs: webhooks 41,451 and 54,237 events/s
//! (10,945 before `Change` carried typed states instead of `serde_json::Value`s); walk
//! 1.36 / 0.89 s, full sync 3.27 / 2.74 s, again with nothing to change 3.07 / 3.12 s. Half of
//! the walk is the fake server writing JSON; perf puts the engine's own share of a full sync at
//! about the walk's (reads and writes of the memory store, listing merges, `DirectoryUser`
//! clones).
use std::cell::Cell;
use std::rc::Rc;
use std::time::Instant;

use futures::executor::block_on;
use serde_json::json;

use scimkit::directory::{
    ClientConfig, DirectoryClient, HttpRequest, HttpResponse, LocalBoxFuture, PageWalker, Runtime,
    Transport, TransportError, UserListOptions,
};
use scimkit::sync::{FullSyncOptions, MemoryStore, SyncEngine, Version};

const ORG: &str = "org_1";
const DIR: &str = "dir_1";
const GROUPS: usize = 50;

/// Serves `users` users (each in two of 50 groups) and the 50 groups, pages of `page_size`
/// generated from the offset in the token.
struct Listing {
    users: usize,
    requests: Cell<u64>,
}

fn user_json(i: usize) -> serde_json::Value {
    json!({
        "id": format!("diruser_{i:07}"),
        "email": format!("user{i}@example.test"),
        "preferred_username": format!("user{i}@example.test"),
        "given_name": "Given",
        "family_name": format!("Family{i}"),
        "updated_at": "2024-01-01T00:00:00.000000000Z",
        "emails": [format!("user{i}@example.test")],
        "groups": [
            {"id": format!("dirgroup_{:03}", i % GROUPS), "display_name": "G"},
            {"id": format!("dirgroup_{:03}", (i * 7 + 1) % GROUPS), "display_name": "G"}
        ],
    })
}

impl Transport for Listing {
    fn send(&self, req: HttpRequest) -> LocalBoxFuture<'_, Result<HttpResponse, TransportError>> {
        self.requests.set(self.requests.get() + 1);
        if req.url.ends_with("/oauth/token") {
            let body = json!({"access_token": "t", "expires_in": 3600}).to_string();
            return Box::pin(std::future::ready(Ok(HttpResponse::new(200, body))));
        }
        if req.url.contains("/directories?") || req.url.ends_with("/directories") {
            let body = json!({"directories": [{"id": DIR}]}).to_string();
            return Box::pin(std::future::ready(Ok(HttpResponse::new(200, body))));
        }
        let query = req.url.split_once('?').map_or("", |(_, q)| q);
        let param = |k: &str| {
            query
                .split('&')
                .find_map(|kv| kv.strip_prefix(k).and_then(|v| v.strip_prefix('=')))
        };
        let size: usize = param("page_size")
            .and_then(|s| s.parse().ok())
            .unwrap_or(30);
        let at: usize = param("page_token")
            .and_then(|t| t.parse().ok())
            .unwrap_or(0);
        let (total, key) = if req.url.contains("/groups") {
            (GROUPS, "groups")
        } else {
            (self.users, "users")
        };
        let end = (at + size).min(total);
        let items: Vec<serde_json::Value> = (at..end)
            .map(|i| {
                if key == "groups" {
                    json!({"id": format!("dirgroup_{i:03}"), "display_name": format!("Group {i}"),
                           "updated_at": "2024-01-01T00:00:00Z"})
                } else {
                    user_json(i)
                }
            })
            .collect();
        let next = if end < total {
            end.to_string()
        } else {
            String::new()
        };
        let body = json!({key: items, "next_page_token": next, "total_size": total}).to_string();
        Box::pin(std::future::ready(Ok(HttpResponse::new(200, body))))
    }
}

struct Clockless;

impl Runtime for Clockless {
    fn now_ms(&self) -> f64 {
        0.0
    }
    fn sleep(&self, _: u64) -> LocalBoxFuture<'_, ()> {
        Box::pin(std::future::pending())
    }
    fn random(&self) -> f64 {
        0.5
    }
}

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn main() {
    let users: usize = std::env::args()
        .nth(1)
        .map_or(100_000, |s| s.parse().expect("users"));
    let now = Version::parse("2024-06-01T00:00:00Z").unwrap();

    // Webhooks: a create then an update with groups, per user.
    let events: Vec<Vec<u8>> = (0..users.min(50_000))
        .flat_map(|i| {
            let mut data = user_json(i);
            data["organization_id"] = json!(ORG);
            data["active"] = json!(true);
            let created = json!({"spec_version": "1", "id": format!("evt_c{i}"),
                "type": "organization.directory.user_created",
                "occurred_at": "2024-01-01T00:00:00.000000001Z", "environment_id": "env_1",
                "organization_id": ORG, "object": "DirectoryUser", "data": data.clone(),
                "display_name": ""});
            data["title"] = json!("Engineer");
            let updated = json!({"spec_version": "1", "id": format!("evt_u{i}"),
                "type": "organization.directory.user_updated",
                "occurred_at": "2024-01-01T00:00:01Z", "environment_id": "env_1",
                "organization_id": ORG, "object": "DirectoryUser", "data": data,
                "display_name": ""});
            [
                created.to_string().into_bytes(),
                updated.to_string().into_bytes(),
            ]
        })
        .collect();
    let avg_bytes = events.iter().map(Vec::len).sum::<usize>() / events.len().max(1);
    let engine = SyncEngine::new(MemoryStore::new());
    let t = Instant::now();
    for e in &events {
        block_on(engine.apply_event(e)).unwrap();
    }
    let webhook_s = t.elapsed().as_secs_f64();
    drop(engine);

    let client = |transport: &Rc<Listing>| {
        let transport: Rc<dyn Transport> = transport.clone();
        let runtime: Rc<dyn Runtime> = Rc::new(Clockless);
        DirectoryClient::new(
            ClientConfig::new("https://example.test", "id", "secret"),
            transport,
            runtime,
        )
        .unwrap()
    };
    let listing = Rc::new(Listing {
        users,
        requests: Cell::new(0),
    });
    let c = client(&listing);

    // The bare walk: every users page fetched and normalized, nothing stored.
    let t = Instant::now();
    let walker = PageWalker::users(
        ORG,
        DIR,
        UserListOptions {
            page_size: Some(30),
            include_detail: Some(true),
            ..UserListOptions::default()
        },
    )
    .unwrap();
    let mut walked = 0;
    while let Some(page) = block_on(walker.next_page(&c)).unwrap() {
        walked += page.users.len();
    }
    let walk_s = t.elapsed().as_secs_f64();
    assert_eq!(walked, users);

    let engine = SyncEngine::new(MemoryStore::new());
    let t = Instant::now();
    let first = block_on(engine.full_sync(&c, ORG, DIR, now, &FullSyncOptions::default())).unwrap();
    let sync_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let second =
        block_on(engine.full_sync(&c, ORG, DIR, now, &FullSyncOptions::default())).unwrap();
    let resync_s = t.elapsed().as_secs_f64();
    assert_eq!(first.user_created as usize, users);
    assert_eq!(second.total_changes(), 0);

    println!(
        "{}",
        json!({
            "users": users,
            "webhook_events": events.len(),
            "webhook_event_bytes": avg_bytes,
            "webhook_events_per_s": (events.len() as f64 / webhook_s).round(),
            "walk_s": (walk_s * 1000.0).round() / 1000.0,
            "full_sync_s": (sync_s * 1000.0).round() / 1000.0,
            "full_sync_over_walk": ((sync_s / walk_s) * 100.0).round() / 100.0,
            "resync_s": (resync_s * 1000.0).round() / 1000.0,
            "peak_rss_mib": (peak_rss_mib() * 10.0).round() / 10.0,
        })
    );
}
