//! Token lifecycle: fetch once, reuse, refresh before expiry, single flight, 401 renewal.

mod directory_support;

use std::cell::Cell;
use std::rc::Rc;

use futures::future::join_all;
use scimkit::directory::{
    ClientConfig, DirectoryClient, DirectoryErrorKind, HttpResponse, Runtime, TransportError,
    UserListOptions,
};
use scimkit::error::ErrorCode;
use serde_json::json;

use directory_support::*;

fn users_ok() -> Reply {
    ok(json!({"users": [{"id": "diruser_1"}], "next_page_token": "", "total_size": 1}))
}

fn is_token(req: &scimkit::directory::HttpRequest) -> bool {
    req.url.ends_with("/oauth/token")
}

async fn list(
    c: &DirectoryClient,
) -> Result<scimkit::directory::UsersPage, scimkit::directory::DirectoryError> {
    c.list_directory_users("org_1", "dir_1", &UserListOptions::default())
        .await
}

#[test]
fn token_request_is_well_formed_and_token_is_reused() {
    let rt = FakeRuntime::new();
    let t = ScriptTransport::new(|req, _| {
        if is_token(req) {
            ok(token_body("at_1", 86_399))
        } else {
            users_ok()
        }
    });
    let c = client(t.clone(), &rt);
    for _ in 0..3 {
        run(&rt, list(&c)).unwrap();
    }
    assert_eq!(t.token_requests(), 1);
    assert_eq!(t.api_requests(), 3);
    let reqs = t.requests.borrow();
    let tok = &reqs[0];
    assert_eq!(tok.method, "POST");
    assert_eq!(tok.url, format!("{ENV}/oauth/token"));
    assert_eq!(
        tok.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        tok.body.as_deref(),
        Some("grant_type=client_credentials&client_id=client_123&client_secret=s3cr3t-client-secret-value")
    );
    for api in &reqs[1..] {
        assert_eq!(api.method, "GET");
        assert_eq!(api.header("authorization"), Some("Bearer at_1"));
        assert_eq!(
            api.url,
            format!("{ENV}/api/v1/organizations/org_1/directories/dir_1/users")
        );
    }
    // Debug of a request redacts the bearer token and the form body.
    let dbg = format!("{:?}", reqs.iter().collect::<Vec<_>>());
    assert!(!dbg.contains("at_1") && !dbg.contains(SECRET), "{dbg}");
}

#[test]
fn secret_is_form_encoded() {
    let rt = FakeRuntime::new();
    let t = ScriptTransport::new(|req, _| {
        if is_token(req) {
            ok(token_body("at_1", 3600))
        } else {
            users_ok()
        }
    });
    let cfg = ClientConfig::new(ENV, "id with space", "a&b=c+d%");
    let c = client_with(cfg, t.clone(), &rt);
    run(&rt, list(&c)).unwrap();
    assert_eq!(
        t.requests.borrow()[0].body.as_deref(),
        Some("grant_type=client_credentials&client_id=id%20with%20space&client_secret=a%26b%3Dc%2Bd%25")
    );
}

#[test]
fn refreshes_shortly_before_expiry() {
    let rt = FakeRuntime::new();
    let n = Rc::new(Cell::new(0));
    let n2 = n.clone();
    let t = ScriptTransport::new(move |req, _| {
        if is_token(req) {
            n2.set(n2.get() + 1);
            ok(token_body(&format!("at_{}", n2.get()), 3600))
        } else {
            users_ok()
        }
    });
    let c = client(t.clone(), &rt);
    run(&rt, list(&c)).unwrap();
    // 3600 s lifetime: margin is min(60 s, 360 s) = 60 s.
    rt.advance_by(3_540_000.0 - 1.0);
    run(&rt, list(&c)).unwrap();
    assert_eq!(t.token_requests(), 1, "still fresh just before the margin");
    rt.advance_by(1.0);
    run(&rt, list(&c)).unwrap();
    assert_eq!(t.token_requests(), 2, "refreshed at expiry - 60 s");
    let reqs = t.requests.borrow();
    assert_eq!(
        reqs.last().unwrap().header("authorization"),
        Some("Bearer at_2")
    );
}

#[test]
fn short_lived_token_uses_ten_percent_margin() {
    let rt = FakeRuntime::new();
    let t = ScriptTransport::new(|req, i| {
        if is_token(req) {
            ok(token_body(&format!("at_{i}"), 100))
        } else {
            users_ok()
        }
    });
    let c = client(t.clone(), &rt);
    run(&rt, list(&c)).unwrap();
    rt.advance_by(89_999.0);
    run(&rt, list(&c)).unwrap();
    assert_eq!(t.token_requests(), 1);
    rt.advance_by(1.0);
    run(&rt, list(&c)).unwrap();
    assert_eq!(t.token_requests(), 2);
}

#[test]
fn concurrent_calls_share_one_token_request() {
    let rt = FakeRuntime::new();
    let t = ScriptTransport::new(|req, _| {
        if is_token(req) {
            Reply::Yield(Ok(HttpResponse::new(
                200,
                token_body("at_1", 3600).to_string(),
            )))
        } else {
            Reply::Yield(Ok(HttpResponse::new(
                200,
                json!({"users": [], "next_page_token": ""}).to_string(),
            )))
        }
    });
    let c = client(t.clone(), &rt);
    let results = run(&rt, join_all((0..8).map(|_| list(&c))));
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(t.token_requests(), 1);
    assert_eq!(t.api_requests(), 8);
}

#[test]
fn concurrent_callers_share_a_failed_token_request() {
    let rt = FakeRuntime::new();
    let t = ScriptTransport::new(|req, _| {
        if is_token(req) {
            Reply::Yield(Ok(HttpResponse::new(
                401,
                json!({"error": "invalid_client", "error_description": "bad credentials"})
                    .to_string(),
            )))
        } else {
            users_ok()
        }
    });
    let c = client(t.clone(), &rt);
    let results = run(&rt, join_all((0..5).map(|_| list(&c))));
    for r in &results {
        let e = r.as_ref().unwrap_err();
        assert_eq!(e.code(), "unauthorized");
        assert_eq!(e.server_code.as_deref(), Some("invalid_client"));
        assert_eq!(e.status, Some(401));
    }
    assert_eq!(t.token_requests(), 1);
    assert_eq!(t.api_requests(), 0);
}

#[test]
fn a_401_renews_once_and_retries() {
    let rt = FakeRuntime::new();
    let t = ScriptTransport::new(|req, i| {
        if is_token(req) {
            ok(token_body(&format!("at_{i}"), 3600))
        } else if req.header("authorization") == Some("Bearer at_0") {
            status(401, error_body(16, "token expired", "TOKEN_EXPIRED"))
        } else {
            users_ok()
        }
    });
    let c = client(t.clone(), &rt);
    let page = run(&rt, list(&c)).unwrap();
    assert_eq!(page.users.len(), 1);
    assert_eq!(t.token_requests(), 2);
    assert_eq!(t.api_requests(), 2);
    assert!(rt.fired().is_empty(), "no backoff for a renewal");
}

#[test]
fn concurrent_401s_trigger_one_renewal() {
    let rt = FakeRuntime::new();
    let t = ScriptTransport::new(|req, i| {
        if is_token(req) {
            Reply::Yield(Ok(HttpResponse::new(
                200,
                token_body(&format!("at_{i}"), 3600).to_string(),
            )))
        } else if req.header("authorization") == Some("Bearer at_0") {
            Reply::Yield(Ok(HttpResponse::new(
                401,
                error_body(16, "expired", "TOKEN_EXPIRED").to_string(),
            )))
        } else {
            Reply::Yield(Ok(HttpResponse::new(200, json!({"users": []}).to_string())))
        }
    });
    let c = client(t.clone(), &rt);
    let results = run(&rt, join_all((0..6).map(|_| list(&c))));
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(t.token_requests(), 2, "initial + one renewal");
    assert_eq!(t.api_requests(), 12);
}

#[test]
fn late_401_for_an_old_token_reuses_the_newer_one() {
    // Call A gets its 401 after call B already renewed: A must not renew again.
    let rt = FakeRuntime::new();
    let t = ScriptTransport::new(|req, i| {
        if is_token(req) {
            ok(token_body(&format!("at_{i}"), 3600))
        } else if req.header("authorization") == Some("Bearer at_0") {
            // Both calls send with at_0 before either 401 arrives; A renews (Now), and B's 401
            // arrives after the renewal finished.
            Reply::Yield(Ok(HttpResponse::new(401, "{}")))
        } else {
            users_ok()
        }
    });
    let c = client(t.clone(), &rt);
    let results = run(&rt, join_all((0..2).map(|_| list(&c))));
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(t.token_requests(), 2);
}

#[test]
fn second_401_is_unauthorized() {
    let rt = FakeRuntime::new();
    let t = ScriptTransport::new(|req, i| {
        if is_token(req) {
            ok(token_body(&format!("at_{i}_{SECRET}"), 3600))
        } else {
            status(
                401,
                json!({"code": 16, "message": format!("token at_{} rejected", i - 1)}),
            )
        }
    });
    let c = client(t.clone(), &rt);
    let e = run(&rt, list(&c)).unwrap_err();
    assert_eq!(e.kind, DirectoryErrorKind::Unauthorized);
    assert_eq!(e.code(), "unauthorized");
    assert_eq!(e.status, Some(401));
    assert_eq!(e.server_code.as_deref(), Some("16"));
    assert_eq!(t.token_requests(), 2);
    assert_eq!(t.api_requests(), 2);
    assert!(e
        .message
        .contains("GET /api/v1/organizations/org_1/directories/dir_1/users"));
    // The echoed access token and the secret are redacted from the message.
    let all = format!("{e} {e:?}");
    assert!(!all.contains(SECRET), "{all}");
    assert!(!all.contains("at_2_"), "{all}");
}

#[test]
fn token_endpoint_400_is_unauthorized_with_server_code_and_no_secret() {
    let rt = FakeRuntime::new();
    let t = ScriptTransport::new(|req, _| {
        assert!(is_token(req));
        status(
            400,
            json!({"error": "invalid_client",
                   "error_description": format!("client secret {SECRET} is wrong")}),
        )
    });
    let c = client(t.clone(), &rt);
    let e = run(&rt, list(&c)).unwrap_err();
    assert_eq!(e.code(), "unauthorized");
    assert_eq!(e.status, Some(400));
    assert_eq!(e.server_code.as_deref(), Some("invalid_client"));
    assert!(
        e.message.starts_with("POST /oauth/token failed: HTTP 400"),
        "{}",
        e.message
    );
    assert_eq!(e.attempts, 1);
    let all = format!("{e} {e:?} {c:?} {:?}", c.config());
    assert!(!all.contains(SECRET), "{all}");
    assert!(all.contains("[redacted]"));
}

#[test]
fn token_endpoint_outage_is_retried() {
    let rt = FakeRuntime::new();
    let t = ScriptTransport::new(|req, i| {
        if is_token(req) {
            if i < 2 {
                Reply::Now(Err(TransportError::Network("reset".into())))
            } else {
                ok(token_body("at", 3600))
            }
        } else {
            users_ok()
        }
    });
    let c = client(t.clone(), &rt);
    run(&rt, list(&c)).unwrap();
    assert_eq!(t.token_requests(), 3);
    assert_eq!(rt.fired(), vec![250, 500]);
}

#[test]
fn token_response_without_access_token_is_invalid_response() {
    let rt = FakeRuntime::new();
    let t = ScriptTransport::new(|_, _| ok(json!({"token_type": "Bearer"})));
    let c = client(t.clone(), &rt);
    let e = run(&rt, list(&c)).unwrap_err();
    assert_eq!(e.code(), "invalid_response");
}

#[test]
fn config_validation() {
    let rt = FakeRuntime::new();
    let t = ScriptTransport::new(|_, _| users_ok());
    let make = |cfg: ClientConfig| {
        let r: Rc<dyn Runtime> = rt.clone();
        DirectoryClient::new(cfg, t.clone(), r)
    };
    assert!(make(ClientConfig::new("ftp://x", "a", "b")).is_err());
    assert!(make(ClientConfig::new("https://", "a", "b")).is_err());
    assert!(make(ClientConfig::new(ENV, "", "b")).is_err());
    let e = make(ClientConfig::new(ENV, "a", "")).unwrap_err();
    assert_eq!(e.code(), "invalid_argument");
    assert!(make(ClientConfig::new(format!("{ENV}/"), "a", "b")).is_ok());
}

#[test]
fn trailing_slash_in_environment_url_is_ignored() {
    let rt = FakeRuntime::new();
    let t = ScriptTransport::new(|req, _| {
        if is_token(req) {
            ok(token_body("at", 3600))
        } else {
            users_ok()
        }
    });
    let c = client_with(
        ClientConfig::new(format!("{ENV}/"), "id", SECRET),
        t.clone(),
        &rt,
    );
    run(&rt, list(&c)).unwrap();
    assert_eq!(t.requests.borrow()[0].url, format!("{ENV}/oauth/token"));
}
