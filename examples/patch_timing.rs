//! Native timing of the PATCH engine on the benchmark requests of bench/normalize.mjs (no wasm, no
//! JS). Usage: cargo run --release --example patch_timing -- [<fixtures dir>]
//! Prints one line per request: the core alone on parsed values (`apply`: the PATCH read from a
//! `Value`, the resource cloned as the caller keeps it); the same PATCH read from its text instead
//! (`apply (text)`); the whole-resource way the wasm layer takes for JSON text (parse the resource,
//! read the PATCH from its text, apply, serialize the whole result); a whole-`Value` parse of the
//! PATCH for comparison; and the two calls of the object way (plan, then apply on the part) as the
//! wasm layer makes them, from text.
use std::hint::black_box;
use std::path::PathBuf;

use scimkit::scim::{apply_scim_patch, plan_scim_patch, PatchSource};
use serde_json::Value;

#[path = "common/timing.rs"]
mod timing;
use timing::median_ns;

const REQUESTS: [(&str, &str, &str); 6] = [
    (
        "Entra: disable user",
        "resources/user-entra.json",
        "samples/entra-patch-disable-user-no-flag.json",
    ),
    (
        "Entra: replace multiple",
        "resources/user-entra.json",
        "samples/entra-patch-replace-multiple-no-flag.json",
    ),
    (
        "Entra: add member",
        "resources/group-entra.json",
        "samples/entra-patch-group-add-members.json",
    ),
    (
        "Entra: remove member",
        "resources/group-entra.json",
        "samples/entra-patch-group-remove-member-no-flag.json",
    ),
    (
        "Okta: deactivate user",
        "resources/user-okta.json",
        "samples/okta-patch-deactivate-user.json",
    ),
    (
        "Okta: group membership",
        "resources/group-okta.json",
        "samples/okta-patch-group-membership.json",
    ),
];

fn main() {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"));
    for (label, r, p) in REQUESTS {
        let rt = std::fs::read(dir.join(r)).expect("resource");
        let pt = std::fs::read(dir.join(p)).expect("patch");
        let rv: Value = serde_json::from_slice(&rt).unwrap();
        let pv: Value = serde_json::from_slice(&pt).unwrap();
        let apply = median_ns(|| {
            let r = black_box(&rv).clone();
            black_box(apply_scim_patch(r, black_box(&pv)).unwrap());
        });
        let apply_text = median_ns(|| {
            let r = black_box(&rv).clone();
            black_box(apply_scim_patch(r, PatchSource::Text(black_box(&pt))).unwrap());
        });
        let whole = median_ns(|| {
            let r: Value = serde_json::from_slice(black_box(&rt)).unwrap();
            let out = apply_scim_patch(r, PatchSource::Text(black_box(&pt))).unwrap();
            black_box(serde_json::to_string(&out).unwrap());
        });
        let map = rv.as_object().unwrap();
        let keys: Vec<&str> = map.keys().map(String::as_str).collect();
        let keys_text = serde_json::to_vec(&keys).unwrap();
        let needed = plan_scim_patch(&keys, &pv).unwrap();
        let part: serde_json::Map<String, Value> = needed
            .iter()
            .map(|&i| (keys[i].to_owned(), map[keys[i]].clone()))
            .collect();
        let part_text = serde_json::to_vec(&part).unwrap();
        let parse_patch = median_ns(|| {
            black_box(serde_json::from_slice::<Value>(black_box(&pt)).unwrap());
        });
        let plan = median_ns(|| {
            let k: Vec<&str> = serde_json::from_slice(black_box(&keys_text)).unwrap();
            black_box(plan_scim_patch(&k, PatchSource::Text(black_box(&pt))).unwrap());
        });
        let part_ns = median_ns(|| {
            let r: Value = serde_json::from_slice(black_box(&part_text)).unwrap();
            let patched = apply_scim_patch(r, PatchSource::Text(black_box(&pt))).unwrap();
            black_box(serde_json::to_string(&patched).unwrap());
        });
        println!(
            "{label:<24} apply {:>5.2} µs  apply (text) {:>5.2} µs  whole text {:>5.2} µs | parse patch {:>5.2}  plan {:>5.2}  part {:>5.2} µs",
            apply / 1e3, apply_text / 1e3, whole / 1e3, parse_patch / 1e3, plan / 1e3, part_ns / 1e3
        );
    }
}
