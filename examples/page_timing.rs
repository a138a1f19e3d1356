//! Native timing of the core's share of one Directory API users page (no wasm, no JS, no I/O), for
//! bench/directory.mjs: parse and normalize the body, then serialize the page as the wasm layer
//! does. Usage: cargo run --release --example page_timing -- <users-page.json>
//! Prints one JSON line of nanoseconds per page (medians of 7 timed batches).
//!
//! tests/fixtures/pages/users-page-30.json (the local service's 30-user, 16.5 KB page), min (median)
//! of 6 alternating runs on a loaded 2-core box: parse+normalize through the `Value` tree
//! 83.0 (84.8) us, streamed from the text 60.0 (60.9) us; with serializing the page as the wasm
//! layer does, 105.4 (107.8) -> 79.4 (80.1) us. Then, reading from `&str` (no second UTF-8 check
//! per string), a pre-sized item vector and a boxed builder: 59.0 -> 50.1 us parse+normalize.
use std::hint::black_box;

use scimkit::directory::parse_users_page_body;

#[path = "common/timing.rs"]
mod timing;
use timing::median_ns;

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: page_timing <users-page.json>");
    let text = std::fs::read(&path).expect("page file");
    let page = parse_users_page_body(&text).unwrap();
    if std::env::args().nth(2).as_deref() == Some("--profile") {
        // Only the parse, for a profiler.
        for _ in 0..50_000 {
            black_box(parse_users_page_body(black_box(&text)).unwrap());
        }
        return;
    }
    let parse = median_ns(|| {
        black_box(parse_users_page_body(black_box(&text)).unwrap());
    });
    let serialize = median_ns(|| {
        black_box(serde_json::to_string(black_box(&page)).unwrap());
    });
    let total = median_ns(|| {
        let p = parse_users_page_body(black_box(&text)).unwrap();
        black_box(serde_json::to_string(&p).unwrap());
    });
    println!(
        "{{\"input_bytes\":{},\"users\":{},\"parse_normalize_ns\":{:.0},\"serialize_ns\":{:.0},\"total_ns\":{:.0}}}",
        text.len(),
        page.users.len(),
        parse,
        serialize,
        total
    );
}
