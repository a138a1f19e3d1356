//! Native timing of the core's share of `normalizeUser` / `applyScimPatch` (no wasm, no JS), for
//! bench/normalize.mjs: parse the input text, normalize (or patch), serialize the output.
//! Usage: cargo run --release --example normalize_timing -- <user.json> [<resource.json> <patch.json>]
//! Prints one JSON line of nanoseconds per operation (medians of 7 timed batches).
//!
//! `… -- <user.json> --count <case> <n>` runs one of the cases below `n` times, untimed: under
//! `valgrind --tool=cachegrind --cache-sim=no`, (instructions at n − instructions at 0) ÷ n is the
//! cost of one call, a figure a loaded machine does not blur as it does wall time.
//!
//! Besides the user given, it times the other readers of src/normalize on inputs from the repo,
//! on already-parsed values unless it says otherwise (`other` in the output):
//! - `post_user`, `put_user`, `patch_user`, `patch_user_partial`, `post_group`, `patch_group`:
//!   `normalize_scim_request` (the given user as a POST body; tests/fixtures resources and samples);
//! - `google_user`, `scim_group`, `reference_user`: `normalize_user`, `normalize_group`,
//!   `user_from_reference`;
//! - `event_fast`, `event_general`: one reference user event (a normalize fixture's payload, as
//!   text with `type` first, as the service sends it) through `normalize_event` (which streams it
//!   straight from the text) and through `serde_json::from_slice` + `normalize_event_value` (the
//!   general path it falls back to); `event_type_last`: `normalize_event` on the same event with
//!   `data` before `type`, where the streaming reader gives up at `data` and the general path
//!   reads it (what giving up costs);
//! - `page_fast`, `page_general`: tests/fixtures/pages/users-page-30.json through
//!   `parse_users_page_body`, as it is (streamed from the text) and with `"total_size":0` twice in
//!   front: the streaming reader gives up at the repeat, its first few bytes, and the general path
//!   (the whole body parsed into a `Value`, then each user read from it) reads the page, keeping
//!   the last `total_size` as JSON parsers do — the same page.
use std::hint::black_box;

use scimkit::directory::parse_users_page_body;
use scimkit::normalize::reference::user_from_reference;
use scimkit::normalize::{
    normalize_event, normalize_event_value, normalize_group, normalize_scim_request,
    normalize_user, NormalizeOptions, RequestContext, ScimRequest,
};
use scimkit::scim::apply_scim_patch;
use serde_json::{json, Value};

#[path = "common/timing.rs"]
mod timing;
use timing::median_ns;

fn fixture(path: &str) -> Vec<u8> {
    let full = format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

fn fixture_json(path: &str) -> Value {
    serde_json::from_slice(&fixture(path)).unwrap()
}

/// One timed operation.
type Case<'a> = Box<dyn FnMut() + 'a>;

/// A request and its context, for `normalize_scim_request`.
fn request(
    method: &str,
    path: &str,
    body: Value,
    current: Option<Value>,
) -> (ScimRequest, RequestContext) {
    let req = ScimRequest {
        method: method.to_owned(),
        path: path.to_owned(),
        body: Some(body),
    };
    let ctx = RequestContext {
        organization_id: Some("org_1".to_owned()),
        directory_id: Some("dir_1".to_owned()),
        current,
        now: Some("2024-08-21T10:20:17Z".to_owned()),
        ..RequestContext::default()
    };
    normalize_scim_request(&req, &ctx).unwrap();
    (req, ctx)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let text = std::fs::read(&args[0]).expect("user file");
    let opts = NormalizeOptions::default();
    let value: Value = serde_json::from_slice(&text).unwrap();
    let user = normalize_user(&value, &opts).unwrap();
    let entra = fixture_json("resources/user-entra.json");
    let entra_patch = fixture_json("samples/entra-patch-replace-multiple-no-flag.json");
    let group = fixture_json("resources/group-entra.json");
    let group_patch = fixture_json("samples/entra-patch-group-add-members.json");
    let id = "/scim/v2/Users/48af03ac28ad4fb88478";
    let requests = [
        (
            "post_user",
            request("POST", "/scim/v2/Users", value.clone(), None),
        ),
        (
            "put_user",
            request("PUT", id, value.clone(), Some(entra.clone())),
        ),
        (
            "patch_user",
            request("PATCH", id, entra_patch.clone(), Some(entra)),
        ),
        (
            "patch_user_partial",
            request("PATCH", id, entra_patch, None),
        ),
        (
            "post_group",
            request("POST", "/scim/v2/Groups", group.clone(), None),
        ),
        (
            "patch_group",
            request(
                "PATCH",
                "/scim/v2/Groups/g1",
                group_patch,
                Some(group.clone()),
            ),
        ),
    ];
    let google = fixture_json("resources/google-user.json");
    let event = fixture_json("normalize/event-user-created-full-envelope.input.json");
    let payload = event["args"]["payload"].as_object().unwrap();
    let mut event = format!("{{\"type\":{}", payload["type"]);
    for (k, v) in payload.iter().filter(|(k, _)| *k != "type") {
        event.push_str(&format!(",{}:{v}", json!(k)));
    }
    event.push('}');
    let event = event.into_bytes();
    let type_last = serde_json::to_vec(payload).unwrap();
    let reference = fixture_json("normalize/reference-directory-api-user.input.json");
    let reference = reference["args"]["value"].clone();
    // Both event paths must agree before their times mean anything.
    let fast = normalize_event(&event).unwrap();
    let general = normalize_event_value(serde_json::from_slice(&event).unwrap()).unwrap();
    assert_eq!(json!(fast), json!(general), "event paths differ");
    let page = fixture("pages/users-page-30.json");
    let mut page_general = br#"{"total_size":0,"total_size":0,"#.to_vec();
    page_general.extend_from_slice(page.strip_prefix(b"{").unwrap());
    let fast = parse_users_page_body(&page).unwrap();
    let general = parse_users_page_body(&page_general).unwrap();
    assert_eq!(json!(fast), json!(general), "page paths differ");

    let mut cases: Vec<(&str, Case<'_>)> = Vec::new();
    cases.push((
        "normalize_user",
        Box::new(|| {
            black_box(normalize_user(black_box(&value), &opts).unwrap());
        }),
    ));
    for (name, (req, ctx)) in &requests {
        cases.push((
            name,
            Box::new(move || {
                black_box(normalize_scim_request(black_box(req), ctx).unwrap());
            }),
        ));
    }
    cases.push((
        "google_user",
        Box::new(|| {
            black_box(normalize_user(black_box(&google), &opts).unwrap());
        }),
    ));
    cases.push((
        "scim_group",
        Box::new(|| {
            black_box(normalize_group(black_box(&group), &opts).unwrap());
        }),
    ));
    cases.push((
        "reference_user",
        Box::new(|| {
            black_box(user_from_reference(black_box(&reference)).unwrap());
        }),
    ));
    cases.push((
        "event_fast",
        Box::new(|| {
            black_box(normalize_event(black_box(&event)).unwrap());
        }),
    ));
    cases.push((
        "event_general",
        Box::new(|| {
            let v: Value = serde_json::from_slice(black_box(&event)).unwrap();
            black_box(normalize_event_value(v).unwrap());
        }),
    ));
    cases.push((
        "event_type_last",
        Box::new(|| {
            black_box(normalize_event(black_box(&type_last)).unwrap());
        }),
    ));
    cases.push((
        "page_fast",
        Box::new(|| {
            black_box(parse_users_page_body(black_box(&page)).unwrap());
        }),
    ));
    cases.push((
        "page_general",
        Box::new(|| {
            black_box(parse_users_page_body(black_box(&page_general)).unwrap());
        }),
    ));

    if let Some(at) = args.iter().position(|a| a == "--count") {
        // One case only, untimed, for an instruction count under valgrind (see the header).
        let name = &args[at + 1];
        let n: u64 = args[at + 2].parse().expect("iterations");
        let (_, f) = cases
            .iter_mut()
            .find(|(c, _)| c == name)
            .expect("no such case");
        for _ in 0..n {
            f();
        }
        return;
    }
    let parse = median_ns(|| {
        black_box(serde_json::from_slice::<Value>(black_box(&text)).unwrap());
    });
    let normalize = median_ns(|| {
        black_box(normalize_user(black_box(&value), &opts).unwrap());
    });
    let serialize = median_ns(|| {
        black_box(serde_json::to_string(black_box(&user)).unwrap());
    });
    let total = median_ns(|| {
        let v: Value = serde_json::from_slice(black_box(&text)).unwrap();
        black_box(serde_json::to_string(&normalize_user(&v, &opts).unwrap()).unwrap());
    });
    let out_len = serde_json::to_string(&user).unwrap().len();
    let mut line = format!(
        "{{\"user\":{{\"input_bytes\":{},\"output_bytes\":{},\"parse_ns\":{:.0},\"normalize_ns\":{:.0},\"serialize_ns\":{:.0},\"total_ns\":{:.0}}}",
        text.len(), out_len, parse, normalize, serialize, total
    );
    if args.len() >= 3 {
        let resource = std::fs::read(&args[1]).expect("resource file");
        let patch = std::fs::read(&args[2]).expect("patch file");
        let total = median_ns(|| {
            let r: Value = serde_json::from_slice(black_box(&resource)).unwrap();
            let out = apply_scim_patch(r, black_box(patch.as_slice())).unwrap();
            black_box(serde_json::to_string(&out).unwrap());
        });
        line.push_str(&format!(",\"patch_total_ns\":{total:.0}"));
    }

    let other: Vec<String> = cases
        .iter_mut()
        .map(|(k, f)| format!("\"{k}_ns\":{:.0}", median_ns(f)))
        .collect();
    line.push_str(&format!(",\"other\":{{{}}}", other.join(",")));
    println!("{line}}}");
}
