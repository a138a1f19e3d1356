//! Directory API responses: every listing's page body, the directory bodies, the token response
//! and a walk, through the real client with a transport that answers with the fuzzed body.
//!
//! Input: `endpoint \0 body`; `endpoint` is `users`, `groups`, `organizations`, `directories`,
//! `directory`, `events`, `token` (the body answers the token request) or `walk` (a users walk
//! served the same body for every page).
//!
//! Checks, besides never panicking: for users and groups pages, the text fast path answers only
//! where the general path (`serde_json` then the page reader) answers, with the same page; the
//! client's users and groups pages are the general path's; every failure is a `DirectoryError`
//! whose message holds neither the client secret nor the access token; a walk ends.
#![no_main]

use std::cell::Cell;
use std::rc::Rc;

use futures::executor::block_on;
use libfuzzer_sys::fuzz_target;
use scimkit::directory::pages_fuzzing as pages;
use scimkit::directory::{
    ClientConfig, DirectoryClient, DirectoryError, EventsQuery, GroupListOptions, HttpRequest,
    HttpResponse, ListOptions, LocalBoxFuture, PageWalker, Runtime, Transport, TransportError,
    UserListOptions,
};
use scimkit_fuzz::{assert_not_in, fields, to_json, SEP};
use serde_json::Value;

const CLIENT_SECRET: &str = "fuzz-client-secret-0123456789";
const ACCESS_TOKEN: &str = "fuzz-access-token-0123456789";
const TOKEN_BODY: &str = r#"{"access_token":"fuzz-access-token-0123456789","expires_in":3600}"#;
/// Most pages one walk may take here (the same body comes back each time, so a walk with a token
/// stops at the second page as a loop).
const WALK_PAGES: usize = 4;

struct Server {
    body: String,
    body_for_token: bool,
    requests: Cell<usize>,
}

impl Transport for Server {
    fn send(&self, req: HttpRequest) -> LocalBoxFuture<'_, Result<HttpResponse, TransportError>> {
        self.requests.set(self.requests.get() + 1);
        let token = req.url.contains("/oauth/token");
        let body = match (token, self.body_for_token) {
            (true, false) => TOKEN_BODY.to_owned(),
            (true, true) | (false, false) => self.body.clone(),
            (false, true) => r#"{"users":[],"next_page_token":"","total_size":0}"#.to_owned(),
        };
        Box::pin(std::future::ready(Ok(HttpResponse::new(200, body))))
    }
}

/// No timers are needed: retries are off and the timeout is disabled.
struct Clock;

impl Runtime for Clock {
    fn now_ms(&self) -> f64 {
        1_704_067_200_000.0
    }
    fn sleep(&self, _ms: u64) -> LocalBoxFuture<'_, ()> {
        Box::pin(std::future::ready(()))
    }
    fn random(&self) -> f64 {
        0.5
    }
}

fn check_error(e: &DirectoryError) {
    let (msg, debug) = (e.to_string(), format!("{e:?}"));
    for s in [CLIENT_SECRET, ACCESS_TOKEN] {
        assert_not_in(&msg, s, "directory error");
        assert_not_in(&debug, s, "directory error (Debug)");
    }
}

/// The users and groups readers against each other.
fn differential(body: &str) {
    let general: Option<Value> = serde_json::from_str(body).ok();
    if let Some(fast) = pages::users_fast(body) {
        let Some(v) = general.clone() else {
            panic!("the users fast path read a body that is not JSON")
        };
        match pages::users_general(v) {
            Ok(slow) => assert_eq!(to_json(&fast, "fast"), to_json(&slow, "general")),
            Err(e) => panic!("the users fast path answered where the general path fails: {e}"),
        }
    }
    if let Some(fast) = pages::groups_fast(body) {
        let Some(v) = general else {
            panic!("the groups fast path read a body that is not JSON")
        };
        match pages::groups_general(v) {
            Ok(slow) => assert_eq!(to_json(&fast, "fast"), to_json(&slow, "general")),
            Err(e) => panic!("the groups fast path answered where the general path fails: {e}"),
        }
    }
    let _ = pages::next_token_hint(body);
}

fuzz_target!(|data: &[u8]| {
    let [endpoint, body] = fields::<2>(data, SEP);
    let body = String::from_utf8_lossy(body).into_owned();
    differential(&body);

    let endpoint = String::from_utf8_lossy(endpoint);
    let server = Rc::new(Server {
        body: body.clone(),
        body_for_token: endpoint == "token",
        requests: Cell::new(0),
    });
    let mut config = ClientConfig::new("https://fuzz.example.test", "client", CLIENT_SECRET);
    config.max_retries = 0;
    config.timeout_ms = 0;
    let client = match DirectoryClient::new(config, server.clone(), Rc::new(Clock)) {
        Ok(c) => c,
        Err(e) => panic!("the client does not start: {e}"),
    };
    let (org, dir) = ("org_1", "dir_1");
    let general = || -> Option<Value> { serde_json::from_str(&body).ok() };
    let result: Result<(), DirectoryError> = block_on(async {
        match endpoint.as_ref() {
            "users" | "token" => {
                let page = client
                    .list_directory_users(org, dir, &UserListOptions::default())
                    .await?;
                if endpoint == "users" {
                    let expected = general().map(pages::users_general);
                    match expected {
                        Some(Ok(p)) => assert_eq!(page, p, "the client's users page"),
                        other => panic!(
                            "the client read a users page the general path does not: {other:?}"
                        ),
                    }
                }
            }
            "groups" => {
                let page = client
                    .list_directory_groups(org, dir, &GroupListOptions::default())
                    .await?;
                match general().map(pages::groups_general) {
                    Some(Ok(p)) => assert_eq!(page, p, "the client's groups page"),
                    other => {
                        panic!("the client read a groups page the general path does not: {other:?}")
                    }
                }
            }
            "organizations" => {
                client.list_organizations(&ListOptions::default()).await?;
            }
            "directories" => {
                client.list_directories(org).await?;
            }
            "directory" => {
                client.get_directory(org, dir).await?;
            }
            "events" => {
                client.list_events(&EventsQuery::default()).await?;
            }
            "walk" => {
                let walker = PageWalker::users(org, dir, UserListOptions::default())?;
                for _ in 0..WALK_PAGES {
                    if walker.next_page(&client).await?.is_none() {
                        return Ok(());
                    }
                }
                panic!("a walk served the same page each time did not end in {WALK_PAGES} pages");
            }
            _ => {}
        }
        Ok(())
    });
    if let Err(e) = &result {
        check_error(e);
    }
    // One token request and at most one per page (prefetch may ask for one page ahead).
    assert!(
        server.requests.get() <= WALK_PAGES + 2,
        "{} requests",
        server.requests.get()
    );
});
