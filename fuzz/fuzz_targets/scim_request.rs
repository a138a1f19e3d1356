//! SCIM requests a service provider received: `normalize_scim_request` with a method, a path, a
//! body, a context and the current resource, as the JS package passes them.
//!
//! Input: `method \0 path \0 context \0 current \0 body`; `context` is the options object as JSON
//! (`{"organization_id", "directory_id", "provider", "now"}`; not an object of that shape: none),
//! an empty `current` or `body` is absent.
//!
//! Checks, besides never panicking: the outcome serializes and holds no `password` member; error
//! pointers are JSON pointers into the request or the context; the same request gives the same
//! outcome twice (event ids are hashes, not random).
#![no_main]

use libfuzzer_sys::fuzz_target;
use scimkit::normalize::{normalize_scim_request, parse_json, RequestContext, ScimRequest};
use scimkit_fuzz::{assert_no_password, error_key, fields, to_json, SEP};
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let [method, path, context, current, body] = fields::<5>(data, SEP);
    let (Ok(method), Ok(path)) = (std::str::from_utf8(method), std::str::from_utf8(path)) else {
        return;
    };
    let json = |b: &[u8]| {
        (!b.is_empty())
            .then(|| parse_json(b, "input").ok())
            .flatten()
    };
    let mut ctx: RequestContext = serde_json::from_slice(context).unwrap_or_default();
    ctx.current = json(current);
    let req = ScimRequest {
        method: method.to_owned(),
        path: path.to_owned(),
        body: json(body),
    };
    let first = normalize_scim_request(&req, &ctx);
    match &first {
        Ok(outcome) => {
            let text = to_json(outcome, "outcome");
            match serde_json::from_str::<Value>(&text) {
                Ok(v) => assert_no_password(&v, "normalize_scim_request"),
                Err(e) => panic!("the outcome's JSON does not parse back: {e}"),
            }
        }
        Err(e) => {
            let p = e.pointer.as_str();
            assert!(
                ["/body", "/context/current", "/path", "/method"]
                    .iter()
                    .any(|root| p == *root || p.starts_with(&format!("{root}/")))
                    || p.is_empty(),
                "pointer {p:?} is not into the request or the context ({e})"
            );
        }
    }
    let second = normalize_scim_request(&req, &ctx);
    match (&first, &second) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "the same request, another outcome"),
        (Err(a), Err(b)) => assert_eq!(error_key(a), error_key(b)),
        _ => panic!("the same request succeeded once and failed once"),
    }
});
