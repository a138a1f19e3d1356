//! Native timing of the core's share of `normalizeUser` / `applyScimPatch` (no wasm, no JS), for
//! bench/normalize.mjs: parse the input text, normalize (or patch), serialize the output.
//! Usage: cargo run --release --example normalize_timing -- <user.json> [<resource.json> <patch.json>]
//! Prints one JSON line of nanoseconds per operation (medians of 7 timed batches).
//!
//! Besides the user given, it times the other readers of src/normalize on inputs from the repo,
//! on already-parsed values unless it says otherwise (`other` in the output):
//! - `post_user`, `put_user`, `patch_user`, `patch_user_partial`, `post_group`, `patch_group`:
//!   `normalize_scim_request` (the given user as a POST body; tests/fixtures resources and samples);
//! - `google_user`, `scim_group`, `reference_user`: `normalize_user`, `normalize_group`,
//!   `user_from_reference`;
//! - `event_fast`, `event_general`: one reference user event (a normalize fixture's payload, as
//!   text) through `normalize_event` (which streams it straight from the text) and through
//!   `serde_json::from_slice` + `normalize_event_value` (the general path it falls back to);
//! - `page_fast`, `page_general`: tests/fixtures/pages/users-page-30.json, through
//!   `parse_users_page_body` (streamed) and through `serde_json::from_slice` + `user_from_reference`
//!   of each item (what the general path does per page, minus its paging members; but
//!   `user_from_reference` clones the item, which the general path does not: `page_items_clone`
//!   is that clone alone, to subtract).
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

/// `normalize_scim_request` on a parsed request, timed.
fn request_ns(method: &str, path: &str, body: Value, current: Option<Value>) -> f64 {
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
    median_ns(|| {
        black_box(normalize_scim_request(black_box(&req), &ctx).unwrap());
    })
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let text = std::fs::read(&args[0]).expect("user file");
    let opts = NormalizeOptions::default();
    let value: Value = serde_json::from_slice(&text).unwrap();
    let user = normalize_user(&value, &opts).unwrap();
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
            let p: Value = serde_json::from_slice(black_box(&patch)).unwrap();
            black_box(serde_json::to_string(&apply_scim_patch(&r, &p).unwrap()).unwrap());
        });
        line.push_str(&format!(",\"patch_total_ns\":{total:.0}"));
    }

    let mut other: Vec<(&str, f64)> = Vec::new();
    let entra = fixture_json("resources/user-entra.json");
    let entra_patch = fixture_json("samples/entra-patch-replace-multiple-no-flag.json");
    let group = fixture_json("resources/group-entra.json");
    let group_patch = fixture_json("samples/entra-patch-group-add-members.json");
    other.push((
        "post_user",
        request_ns("POST", "/scim/v2/Users", value.clone(), None),
    ));
    let id = "/scim/v2/Users/48af03ac28ad4fb88478";
    other.push((
        "put_user",
        request_ns("PUT", id, value.clone(), Some(entra.clone())),
    ));
    other.push((
        "patch_user",
        request_ns("PATCH", id, entra_patch.clone(), Some(entra)),
    ));
    other.push((
        "patch_user_partial",
        request_ns("PATCH", id, entra_patch, None),
    ));
    other.push((
        "post_group",
        request_ns("POST", "/scim/v2/Groups", group.clone(), None),
    ));
    other.push((
        "patch_group",
        request_ns(
            "PATCH",
            "/scim/v2/Groups/g1",
            group_patch,
            Some(group.clone()),
        ),
    ));

    let google = fixture_json("resources/google-user.json");
    other.push((
        "google_user",
        median_ns(|| {
            black_box(normalize_user(black_box(&google), &opts).unwrap());
        }),
    ));
    other.push((
        "scim_group",
        median_ns(|| {
            black_box(normalize_group(black_box(&group), &opts).unwrap());
        }),
    ));

    let event = fixture_json("normalize/event-user-created-full-envelope.input.json");
    let event = serde_json::to_vec(&event["args"]["payload"]).unwrap();
    let reference = fixture_json("normalize/reference-directory-api-user.input.json");
    let reference = reference["args"]["value"].clone();
    other.push((
        "reference_user",
        median_ns(|| {
            black_box(user_from_reference(black_box(&reference)).unwrap());
        }),
    ));
    // Both paths must agree before their times mean anything.
    let fast = normalize_event(&event).unwrap();
    let general = normalize_event_value(serde_json::from_slice(&event).unwrap()).unwrap();
    assert_eq!(json!(fast), json!(general), "event paths differ");
    other.push((
        "event_fast",
        median_ns(|| {
            black_box(normalize_event(black_box(&event)).unwrap());
        }),
    ));
    other.push((
        "event_general",
        median_ns(|| {
            let v: Value = serde_json::from_slice(black_box(&event)).unwrap();
            black_box(normalize_event_value(v).unwrap());
        }),
    ));

    let page = fixture("pages/users-page-30.json");
    other.push((
        "page_fast",
        median_ns(|| {
            black_box(parse_users_page_body(black_box(&page)).unwrap());
        }),
    ));
    other.push((
        "page_general",
        median_ns(|| {
            let v: Value = serde_json::from_slice(black_box(&page)).unwrap();
            let Value::Object(mut m) = v else { panic!() };
            let Some(Value::Array(items)) = m.remove("users") else {
                panic!()
            };
            // `user_from_reference` clones its argument; the general path moves each item.
            let users: Vec<_> = items
                .iter()
                .map(|u| user_from_reference(u).unwrap())
                .collect();
            black_box(users);
        }),
    ));
    let items = serde_json::from_slice::<Value>(&page).unwrap()["users"].clone();
    let items = items.as_array().unwrap();
    other.push((
        "page_items_clone",
        median_ns(|| {
            black_box(
                items
                    .iter()
                    .map(|u| black_box(u).clone())
                    .collect::<Vec<_>>(),
            );
        }),
    ));
    let other: Vec<String> = other
        .iter()
        .map(|(k, ns)| format!("\"{k}_ns\":{ns:.0}"))
        .collect();
    line.push_str(&format!(",\"other\":{{{}}}", other.join(",")));
    println!("{line}}}");
}
