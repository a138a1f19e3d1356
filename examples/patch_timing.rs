//! Native timing of the PATCH engine on the benchmark requests of bench/normalize.mjs (no wasm, no
//! JS). Usage: cargo run --release --example patch_timing -- [<fixtures dir>]
//! Prints one line per request, µs per call of each step (what each is: `STEPS` and `run` below).
//!
//! On a loaded machine times swing; instruction counts do not. With `--calls <n> <step>` (a step
//! of `STEPS`) it times nothing and runs that step `n` times on
//! each request, for a counter such as cachegrind: the instructions of one call are the difference
//! between two counts over the difference in calls, e.g.
//!   valgrind --tool=cachegrind --cache-sim=no target/release/examples/patch_timing --calls 400 apply
//! minus the same with `--calls 0 apply`, over 2400 (6 requests).
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

/// Each step of one request, by name, in the order printed.
const STEPS: [&str; 6] = [
    "apply",
    "apply-text",
    "whole-text",
    "parse-patch",
    "plan",
    "part",
];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (calls, rest) = match args.as_slice() {
        [flag, n, step, rest @ ..] if flag == "--calls" => (
            Some((n.parse::<usize>().expect("a count"), step.clone())),
            rest,
        ),
        rest => (None, rest),
    };
    let dir = rest
        .first()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"));
    for (label, r, p) in REQUESTS {
        let rt = std::fs::read(dir.join(r)).expect("resource");
        let pt = std::fs::read(dir.join(p)).expect("patch");
        let rv: Value = serde_json::from_slice(&rt).unwrap();
        let pv: Value = serde_json::from_slice(&pt).unwrap();
        let map = rv.as_object().unwrap();
        let keys: Vec<&str> = map.keys().map(String::as_str).collect();
        let keys_text = serde_json::to_vec(&keys).unwrap();
        let needed = plan_scim_patch(&keys, &pv).unwrap();
        let part: serde_json::Map<String, Value> = needed
            .iter()
            .map(|&i| (keys[i].to_owned(), map[keys[i]].clone()))
            .collect();
        let part_text = serde_json::to_vec(&part).unwrap();
        let run = |step: &str| match step {
            // The core alone: the PATCH read from a `Value`, the resource cloned as a caller that
            // keeps it would.
            "apply" => {
                let r = black_box(&rv).clone();
                black_box(apply_scim_patch(r, black_box(&pv)).unwrap());
            }
            // The same with the PATCH read from its text.
            "apply-text" => {
                let r = black_box(&rv).clone();
                black_box(apply_scim_patch(r, PatchSource::Text(black_box(&pt))).unwrap());
            }
            // What the wasm layer does for JSON text: parse the resource, apply, serialize.
            "whole-text" => {
                let r: Value = serde_json::from_slice(black_box(&rt)).unwrap();
                let out = apply_scim_patch(r, PatchSource::Text(black_box(&pt))).unwrap();
                black_box(serde_json::to_string(&out).unwrap());
            }
            // For comparison: a whole-`Value` parse of the PATCH.
            "parse-patch" => {
                black_box(serde_json::from_slice::<Value>(black_box(&pt)).unwrap());
            }
            // The two calls for a live object, as the wasm layer makes them: the plan, then the
            // PATCH on the part (parse it, apply, serialize).
            "plan" => {
                let k: Vec<&str> = serde_json::from_slice(black_box(&keys_text)).unwrap();
                black_box(plan_scim_patch(&k, PatchSource::Text(black_box(&pt))).unwrap());
            }
            "part" => {
                let r: Value = serde_json::from_slice(black_box(&part_text)).unwrap();
                let patched = apply_scim_patch(r, PatchSource::Text(black_box(&pt))).unwrap();
                black_box(serde_json::to_string(&patched).unwrap());
            }
            other => panic!("unknown step {other}; one of {STEPS:?}"),
        };
        if let Some((n, step)) = &calls {
            for _ in 0..*n {
                run(step);
            }
            continue;
        }
        let line: Vec<String> = STEPS
            .iter()
            .map(|step| format!("{step} {:>5.2}", median_ns(|| run(step)) / 1e3))
            .collect();
        println!("{label:<24} {} µs", line.join("  "));
    }
}
