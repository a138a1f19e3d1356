//! Native timing of webhook verification (`Webhook::verify`, HMAC-SHA256 included) at the sizes
//! the workerd benchmark compares with `crypto.subtle`. Run it twice:
//!   cargo run --release --example verify_timing
//!   RUSTFLAGS='--cfg sha2_backend="soft"' cargo run --release --example verify_timing
//! The first uses the CPU's SHA instructions where it has them (as BoringSSL does behind
//! `crypto.subtle` in workerd); the second the portable scalar code, the best that code without
//! SHA instructions, which is all wasm has, can hope to match on this CPU.
use std::hint::black_box;

use scimkit::webhook::{VerifyOptions, Webhook, WebhookHeaders};

#[path = "common/timing.rs"]
mod timing;
use timing::median_ns;

fn main() {
    let hook = Webhook::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").expect("secret");
    let now = 1_764_000_000;
    for size in [256usize, 1024, 16 * 1024] {
        let body = vec![b'a'; size];
        let id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
        let signature = hook.sign(id, now, &body).expect("sign");
        let ts = now.to_string();
        let headers = WebhookHeaders {
            id: Some(id),
            timestamp: Some(&ts),
            signature: Some(&signature),
        };
        let opts = VerifyOptions::default();
        let ns = median_ns(|| {
            black_box(
                hook.verify(black_box(&headers), black_box(&body), now, &opts)
                    .unwrap(),
            );
        });
        println!(
            "{size:>6} B: {:>6.2} µs per verification, {:>5.0} MB/s",
            ns / 1e3,
            size as f64 / ns * 1e3
        );
    }
}
