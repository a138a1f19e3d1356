//! Retries, backoff, Retry-After, timeouts, exhaustion and error mapping.

mod directory_support;

use scimkit::directory::{
    ClientConfig, DirectoryClient, DirectoryError, HttpRequest, HttpResponse, TransportError,
    UserListOptions, UsersPage,
};
use scimkit::error::ErrorCode;
use serde_json::json;

use directory_support::*;

fn is_token(req: &HttpRequest) -> bool {
    req.url.ends_with("/oauth/token")
}

fn users_body() -> serde_json::Value {
    json!({"users": [{"id": "diruser_1"}], "next_page_token": "", "total_size": 1})
}

/// A transport: token always OK; API request `n` (from 0) answered by `api(n)`.
fn api_script(api: impl Fn(usize) -> Reply + 'static) -> std::rc::Rc<ScriptTransport> {
    let n = std::cell::Cell::new(0usize);
    ScriptTransport::new(move |req, _| {
        if is_token(req) {
            ok(token_body("at_1", 3600))
        } else {
            let i = n.get();
            n.set(i + 1);
            api(i)
        }
    })
}

async fn list(c: &DirectoryClient) -> Result<UsersPage, DirectoryError> {
    c.list_directory_users("org_1", "dir_1", &UserListOptions::default())
        .await
}

fn retry_after(status: u16, value: &str) -> Reply {
    Reply::Now(Ok(
        HttpResponse::new(status, "{}").with_header("Retry-After", value)
    ))
}

#[test]
fn retry_after_seconds_is_honoured() {
    let rt = FakeRuntime::new();
    let t = api_script(|i| match i {
        0 => retry_after(429, "7"),
        _ => ok(users_body()),
    });
    let c = client(t.clone(), &rt);
    let start = rt.now();
    run(&rt, list(&c)).unwrap();
    assert_eq!(rt.fired(), vec![7000]);
    assert_eq!(rt.now() - start, 7000.0);
    assert_eq!(t.api_requests(), 2);
}

#[test]
fn retry_after_http_date_is_honoured_relative_to_runtime_clock() {
    let rt = FakeRuntime::new();
    // T0 = Mon, 01 Jan 2024 00:00:00 GMT
    let t = api_script(|i| match i {
        0 => retry_after(503, "Mon, 01 Jan 2024 00:00:12 GMT"),
        1 => retry_after(429, "Sun, 31 Dec 2023 23:00:00 GMT"), // in the past: no wait
        _ => ok(users_body()),
    });
    let c = client(t.clone(), &rt);
    run(&rt, list(&c)).unwrap();
    assert_eq!(rt.fired(), vec![12_000]);
}

#[test]
fn retry_after_is_capped() {
    let rt = FakeRuntime::new();
    let t = api_script(|i| match i {
        0 => retry_after(429, "3600"),
        1 => retry_after(429, "Tue, 02 Jan 2024 00:00:00 GMT"),
        _ => ok(users_body()),
    });
    let mut cfg = ClientConfig::new(ENV, "id", SECRET);
    cfg.max_retry_after_ms = 5_000;
    let c = client_with(cfg, t.clone(), &rt);
    run(&rt, list(&c)).unwrap();
    assert_eq!(rt.fired(), vec![5_000, 5_000]);
}

#[test]
fn gateway_bursts_are_retried_with_full_jitter_backoff() {
    let rt = FakeRuntime::new();
    rt.set_randoms(vec![0.5, 0.25, 0.999]);
    let t = api_script(|i| match i {
        0 => status(502, json!({})),
        1 => status(503, error_body(14, "unavailable", "UNAVAILABLE")),
        2 => status(504, json!({})),
        _ => ok(users_body()),
    });
    let c = client(t.clone(), &rt);
    let page = run(&rt, list(&c)).unwrap();
    assert_eq!(page.users.len(), 1);
    // random * min(30 000, 500 * 2^n): 0.5*500, 0.25*1000, 0.999*2000
    assert_eq!(rt.fired(), vec![250, 250, 1998]);
    assert_eq!(t.api_requests(), 4);
}

#[test]
fn backoff_is_capped() {
    let rt = FakeRuntime::new();
    rt.set_randoms(vec![0.999]);
    let t = api_script(|_| status(503, json!({})));
    let mut cfg = ClientConfig::new(ENV, "id", SECRET);
    cfg.max_retries = 8;
    cfg.backoff_max_ms = 4_000;
    let c = client_with(cfg, t.clone(), &rt);
    let e = run(&rt, list(&c)).unwrap_err();
    assert_eq!(e.code(), "server_error");
    assert_eq!(
        rt.fired(),
        vec![499, 999, 1998, 3996, 3996, 3996, 3996, 3996]
    );
    assert_eq!(e.attempts, 9);
}

#[test]
fn exhausted_rate_limit_is_typed_with_status_and_server_code() {
    let rt = FakeRuntime::new();
    let t = api_script(|_| status(429, error_body(8, "slow down", "RATE_LIMIT_EXCEEDED")));
    let c = client(t.clone(), &rt);
    let e = run(&rt, list(&c)).unwrap_err();
    assert_eq!(e.code(), "rate_limited");
    assert_eq!(e.status, Some(429));
    assert_eq!(e.server_code.as_deref(), Some("RATE_LIMIT_EXCEEDED"));
    assert_eq!(e.attempts, 5);
    assert_eq!(t.api_requests(), 5);
    assert_eq!(rt.fired().len(), 4);
    assert_eq!(
        e.message,
        "GET /api/v1/organizations/org_1/directories/dir_1/users failed: \
         HTTP 429 (RATE_LIMIT_EXCEEDED): slow down (after 5 attempts)"
    );
}

#[test]
fn exhausted_server_errors() {
    let rt = FakeRuntime::new();
    let t = api_script(|_| status(503, json!({"code": "UNAVAILABLE", "message": "down"})));
    let c = client(t.clone(), &rt);
    let e = run(&rt, list(&c)).unwrap_err();
    assert_eq!(e.code(), "server_error");
    assert_eq!(e.status, Some(503));
    assert_eq!(e.server_code.as_deref(), Some("UNAVAILABLE"));
}

#[test]
fn non_retryable_statuses_fail_at_once() {
    for (code, expected) in [
        (500, "server_error"),
        (403, "forbidden"),
        (404, "not_found"),
        (400, "invalid_argument"),
        (422, "invalid_argument"),
        (302, "invalid_response"),
    ] {
        let rt = FakeRuntime::new();
        let t = api_script(move |_| status(code, error_body(5, "nope", "X_CODE")));
        let c = client(t.clone(), &rt);
        let e = run(&rt, list(&c)).unwrap_err();
        assert_eq!(e.code(), expected, "{code}");
        assert_eq!(e.status, Some(code));
        assert_eq!(e.server_code.as_deref(), Some("X_CODE"));
        assert_eq!(t.api_requests(), 1, "{code}");
        assert!(rt.fired().is_empty());
    }
}

#[test]
fn network_errors_are_retried() {
    let rt = FakeRuntime::new();
    let t = api_script(|i| match i {
        0 | 1 => Reply::Now(Err(TransportError::Network("ECONNRESET".into()))),
        _ => ok(users_body()),
    });
    let c = client(t.clone(), &rt);
    run(&rt, list(&c)).unwrap();
    assert_eq!(t.api_requests(), 3);

    let rt = FakeRuntime::new();
    let t = api_script(|_| Reply::Now(Err(TransportError::Network("ECONNRESET".into()))));
    let c = client(t.clone(), &rt);
    let e = run(&rt, list(&c)).unwrap_err();
    assert_eq!(e.code(), "network");
    assert_eq!(e.status, None);
    assert!(e.message.contains("ECONNRESET") && e.message.contains("5 attempts"));
}

#[test]
fn hanging_requests_time_out_and_are_retried() {
    let rt = FakeRuntime::new();
    let t = api_script(|i| match i {
        0 => Reply::Never,
        1 => Reply::Now(Err(TransportError::Timeout)),
        _ => ok(users_body()),
    });
    let mut cfg = ClientConfig::new(ENV, "id", SECRET);
    cfg.timeout_ms = 1_000;
    let c = client_with(cfg, t.clone(), &rt);
    let start = rt.now();
    run(&rt, list(&c)).unwrap();
    // The timeout timer fired once (1000), then two backoffs (250, 500).
    assert_eq!(rt.fired(), vec![1_000, 250, 500]);
    assert_eq!(rt.now() - start, 1_750.0);
}

/// The one timeout is the client's: every request (the token request too) is raced with one
/// runtime timer; a timeout the transport reports itself (e.g. a fetch given an `AbortSignal` with
/// a timeout) is retried like it; `timeout_ms: 0` starts no timer at all.
#[test]
fn every_request_is_raced_with_one_timer_and_transport_timeouts_are_retried() {
    let script = || {
        api_script(|i| match i {
            0 => Reply::Now(Err(TransportError::Timeout)),
            _ => ok(users_body()),
        })
    };
    let rt = FakeRuntime::new();
    let t = script();
    let mut cfg = ClientConfig::new(ENV, "id", SECRET);
    cfg.timeout_ms = 1_000;
    let c = client_with(cfg.clone(), t.clone(), &rt);
    run(&rt, list(&c)).unwrap();
    // Only the backoff before the retry completed; the three timers lost their races.
    assert_eq!(rt.fired(), vec![250]);
    assert_eq!(
        rt.sleeps_started(),
        1 + 3,
        "backoff + a race for token, failed and retried calls"
    );
    assert_eq!(t.api_requests(), 2);

    let rt = FakeRuntime::new();
    cfg.timeout_ms = 0;
    let c = client_with(cfg, script(), &rt);
    run(&rt, list(&c)).unwrap();
    assert_eq!(rt.sleeps_started(), 1, "the backoff only");
}

#[test]
fn exhausted_timeouts() {
    let rt = FakeRuntime::new();
    let t = api_script(|_| Reply::Never);
    let c = client(t.clone(), &rt);
    let e = run(&rt, list(&c)).unwrap_err();
    assert_eq!(e.code(), "timeout");
    assert_eq!(e.attempts, 5);
    assert!(
        e.message.contains("timed out after 30000 ms"),
        "{}",
        e.message
    );
}

#[test]
fn a_slow_but_successful_response_does_not_time_out() {
    let rt = FakeRuntime::new();
    let t = api_script(|_| Reply::Yield(Ok(HttpResponse::new(200, users_body().to_string()))));
    let c = client(t.clone(), &rt);
    run(&rt, list(&c)).unwrap();
    assert!(rt.fired().is_empty(), "{:?}", rt.fired());
}

#[test]
fn malformed_json_in_a_200_is_retried() {
    let rt = FakeRuntime::new();
    let t = api_script(|i| match i {
        0 => Reply::Now(Ok(HttpResponse::new(200, "{\"users\": [{\"id\""))),
        1 => Reply::Now(Ok(HttpResponse::new(200, "<html>proxy</html>"))),
        _ => ok(users_body()),
    });
    let c = client(t.clone(), &rt);
    let page = run(&rt, list(&c)).unwrap();
    assert_eq!(page.users.len(), 1);
    assert_eq!(t.api_requests(), 3);
}

#[test]
fn persistent_malformed_json_is_invalid_response() {
    let rt = FakeRuntime::new();
    let t = api_script(|_| Reply::Now(Ok(HttpResponse::new(200, "not json"))));
    let c = client(t.clone(), &rt);
    let e = run(&rt, list(&c)).unwrap_err();
    assert_eq!(e.code(), "invalid_response");
    assert_eq!(e.status, Some(200));
    assert_eq!(e.attempts, 5);
}

#[test]
fn wrong_shape_is_invalid_response_without_retry() {
    let rt = FakeRuntime::new();
    let t = api_script(|_| ok(json!({"users": "nope"})));
    let c = client(t.clone(), &rt);
    let e = run(&rt, list(&c)).unwrap_err();
    assert_eq!(e.code(), "invalid_response");
    assert_eq!(t.api_requests(), 1);
    let t = api_script(|_| ok(json!({"users": [42]})));
    let c = client(t.clone(), &rt);
    let e = run(&rt, list(&c)).unwrap_err();
    assert_eq!(e.code(), "invalid_response");
    assert!(e.message.contains("/users/0"), "{}", e.message);
}

#[test]
fn zero_retries_means_one_attempt() {
    let rt = FakeRuntime::new();
    let t = api_script(|_| status(503, json!({})));
    let mut cfg = ClientConfig::new(ENV, "id", SECRET);
    cfg.max_retries = 0;
    let c = client_with(cfg, t.clone(), &rt);
    let e = run(&rt, list(&c)).unwrap_err();
    assert_eq!(e.attempts, 1);
    assert_eq!(e.message.matches("1 attempt)").count(), 1, "{}", e.message);
}

#[test]
fn errors_never_leak_secrets() {
    let rt = FakeRuntime::new();
    let t = ScriptTransport::new(|req, _| {
        if is_token(req) {
            ok(token_body("at_VERYSECRETTOKEN", 3600))
        } else {
            Reply::Now(Err(TransportError::Network(format!(
                "failed {} with Bearer at_VERYSECRETTOKEN and {SECRET}",
                req.url
            ))))
        }
    });
    let c = client(t.clone(), &rt);
    let e = run(&rt, list(&c)).unwrap_err();
    let all = format!("{e} | {e:?} | {c:?} | {:?}", t.requests.borrow());
    assert!(!all.contains("VERYSECRETTOKEN"), "{all}");
    assert!(!all.contains(SECRET), "{all}");
}
