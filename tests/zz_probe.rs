use scimkit::scim::apply_scim_patch;
use serde_json::{json, Value};
use std::time::Instant;
fn id(i: usize) -> String {
    format!("7f3c{:08x}-5d2a-4b7e-9c1f-{:012x}", i, i * 7919)
}
#[test]
fn probe() {
    let n = 100_000;
    let g = json!({"id":"g-1","displayName":"Everyone","members": (0..n).map(|i| json!({"value": id(i), "display": format!("User {i}")})).collect::<Vec<_>>()});
    let text = serde_json::to_string(&g).unwrap();
    let add = json!({"Operations":[{"op":"add","path":"members","value": (n..n+10000).map(|i| json!({"value": id(i), "display": format!("User {i}")})).collect::<Vec<_>>()}]});
    let which = std::env::var("WHICH").unwrap_or_default();
    let mut keep = Vec::new();
    for _ in 0..5 {
        let v: Value = serde_json::from_str(&text).unwrap();
        let t = Instant::now();
        let out = if which == "noop" {
            apply_scim_patch(
                v,
                &json!({"Operations":[{"op":"replace","path":"displayName","value":"x"}]}),
            )
            .unwrap()
        } else {
            apply_scim_patch(v, &add).unwrap()
        };
        println!("{which} {:?}", t.elapsed());
        keep.push(out);
    }
}
