//! Native timing of the core's share of `normalizeUser` / `applyScimPatch` (no wasm, no JS), for
//! bench/normalize.mjs: parse the input text, normalize (or patch), serialize the output.
//! Usage: cargo run --release --example normalize_timing -- <user.json> [<resource.json> <patch.json>]
//! Prints one JSON line of nanoseconds per operation (medians of 7 timed batches).
use std::hint::black_box;

use scimkit::normalize::{normalize_user, NormalizeOptions};
use scimkit::scim::apply_scim_patch;
use serde_json::Value;

#[path = "common/timing.rs"]
mod timing;
use timing::median_ns;

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
            let out = apply_scim_patch(r, black_box(patch.as_slice())).unwrap();
            black_box(serde_json::to_string(&out).unwrap());
        });
        line.push_str(&format!(",\"patch_total_ns\":{total:.0}"));
    }
    println!("{line}}}");
}
