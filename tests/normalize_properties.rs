//! Properties of normalization and PATCH application over generated input:
//! - nothing panics on arbitrary JSON (a panic would kill the wasm instance);
//! - adding an absent attribute and then removing it gives back the resource;
//! - normalizing is idempotent on its own output: for a SCIM user `r`,
//!   `user_from_reference(to_json(normalize_user(r))) == normalize_user(r)` (SCIM → model → model),
//!   and `normalize_event` of a serialized normalized event gives the same event.

use proptest::prelude::*;
use scimkit::normalize::{
    normalize_event, normalize_event_value, normalize_group, normalize_scim_request,
    normalize_user, reference, NormalizeOptions, RequestContext, ScimRequest,
};
use scimkit::scim::{
    apply_scim_patch, apply_scim_patch_part, plan_scim_patch, PatchedPart, Run, PASSWORD_KEYS,
};
use serde_json::{json, Map, Value};

const ENT: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "userName",
            "emails",
            "members",
            "active",
            "primary",
            "value",
            "type",
            "op",
            "path",
            "Operations",
            ENT,
            "manager",
            "name",
            "givenName",
            "password",
            "displayName",
            "schemas",
            "id",
            "meta",
            "groups",
            "phoneNumbers",
            "$ref",
            "kind",
            "data",
        ])
        .prop_map(str::to_owned),
        "[a-zA-Z.:$]{1,10}",
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        (-1e15f64..1e15).prop_map(|f| json!(f)),
        prop::sample::select(vec!["True", "False", "work", "a", "", "tel:+1", "x@y.z"])
            .prop_map(|s| json!(s)),
        "[a-zA-Z0-9 :.\\[\\]\"()]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(key(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn path() -> impl Strategy<Value = Option<String>> {
    prop::option::of(prop_oneof![
        prop::sample::select(vec![
            "emails",
            "emails[type eq \"work\"].value",
            "emails[type eq \"work\" and primary eq true]",
            "members",
            "members[value eq \"a\"]",
            "members[value eq \"a\"].display",
            "name.givenName",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0User:department",
            "active",
            "x[not (a pr) or (b gt 1)]",
            "x[a co \"b\"].c",
            "emails[",
            "a.b.c",
            "",
            "id",
        ])
        .prop_map(str::to_owned),
        "[a-zA-Z.\\[\\]\" ]{0,20}",
    ])
}

fn patch() -> impl Strategy<Value = Value> {
    let op = (
        prop::sample::select(vec![
            "add", "remove", "replace", "Add", "REPLACE", "Remove", "move",
        ]),
        path(),
        prop::option::of(json_value()),
    )
        .prop_map(|(op, path, value)| {
            let mut m = Map::new();
            m.insert("op".into(), json!(op));
            if let Some(p) = path {
                m.insert("path".into(), json!(p));
            }
            if let Some(v) = value {
                m.insert("value".into(), v);
            }
            Value::Object(m)
        });
    prop::collection::vec(op, 0..6).prop_map(|ops| json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": ops}))
}

fn object() -> impl Strategy<Value = Value> {
    prop::collection::btree_map(key(), json_value(), 0..8)
        .prop_map(|m| Value::Object(m.into_iter().collect()))
}

/// A SCIM user as providers send them, quirks included.
fn scim_user() -> impl Strategy<Value = Value> {
    let email = (
        "[a-z]{1,6}",
        prop::sample::select(vec!["example.com", "EXAMPLE.com"]),
        prop::option::of(prop::sample::select(vec![
            json!(true),
            json!("True"),
            json!(false),
        ])),
        prop::option::of(prop::sample::select(vec!["work", "home"])),
    )
        .prop_map(|(local, domain, primary, kind)| {
            let mut m = Map::new();
            m.insert("value".into(), json!(format!("{local}@{domain}")));
            if let Some(p) = primary {
                m.insert("primary".into(), p);
            }
            if let Some(k) = kind {
                m.insert("type".into(), json!(k));
            }
            Value::Object(m)
        });
    (
        "[a-z.@]{1,12}",
        prop::option::of("[A-Z][a-z]{0,6}"),
        prop::option::of("[A-Z][a-z]{0,6}"),
        prop::option::of("[A-Za-z ]{1,12}"),
        prop::option::of(prop::sample::select(vec![
            json!(true),
            json!(false),
            json!("False"),
            json!("true"),
            Value::Null,
        ])),
        prop::option::of(prop::collection::vec(email, 0..4)),
        prop::option::of(prop_oneof![
            Just(json!("m-1")),
            Just(json!({"value": "m-2", "displayName": "M"})),
            Just(json!([{"value": "m-3", "$ref": null}]))
        ]),
        prop::collection::btree_map("[a-z]{3,8}", json_value(), 0..3),
    )
        .prop_map(
            |(user_name, given, family, display, active, emails, manager, extra)| {
                let mut m = Map::new();
                m.insert(
                    "schemas".into(),
                    json!(["urn:ietf:params:scim:schemas:core:2.0:User", ENT]),
                );
                m.insert("userName".into(), json!(user_name));
                m.insert(
                    "name".into(),
                    json!({"givenName": given, "familyName": family}),
                );
                if let Some(d) = display {
                    m.insert("displayName".into(), json!(d));
                }
                if let Some(a) = active {
                    m.insert("active".into(), a);
                }
                if let Some(e) = emails {
                    m.insert("emails".into(), Value::Array(e));
                }
                if let Some(mgr) = manager {
                    m.insert(ENT.into(), json!({"manager": mgr, "department": "D"}));
                }
                for (k, v) in extra {
                    if k != "password" {
                        m.entry(k).or_insert(v);
                    }
                }
                Value::Object(m)
            },
        )
}

/// Keys that can be added and removed again: not read-only, not a password, absent from `r`.
fn addable(name: &str, resource: &Value) -> bool {
    let taken = resource
        .as_object()
        .is_some_and(|m| m.keys().any(|k| k.eq_ignore_ascii_case(name)));
    !taken && !["id", "meta", "password"].contains(&name.to_ascii_lowercase().as_str())
}

/// `apply_scim_patch` on the whole resource: the patched resource.
fn patched(
    resource: &Value,
    body: &Value,
) -> Result<Value, scimkit::normalize::NormalizationError> {
    apply_scim_patch(resource.clone(), body)
}

fn without_passwords(v: &Value) -> bool {
    match v {
        Value::Object(m) => m
            .iter()
            .all(|(k, x)| !k.eq_ignore_ascii_case("password") && without_passwords(x)),
        Value::Array(a) => a.iter().all(without_passwords),
        _ => true,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn patch_never_panics_on_arbitrary_json(resource in json_value(), body in json_value()) {
        let _ = patched(&resource, &body);
    }

    #[test]
    fn patch_never_panics_on_patch_shaped_input(resource in object(), body in patch()) {
        if let Ok(out) = patched(&resource, &body) {
            prop_assert!(out.is_object());
            prop_assert!(without_passwords(&out));
        }
    }

    #[test]
    fn patch_delta_route_equals_whole_resource(resource in object(), body in patch()) {
        let whole = patched(&resource, &body);
        let via = via_delta(&resource, &body);
        match (whole, via) {
            (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
            (Err(a), Err(b)) => prop_assert_eq!((a.kind, a.pointer), (b.kind, b.pointer)),
            (a, b) => prop_assert!(false, "whole {:?} vs delta {:?}", a, b),
        }
    }

    #[test]
    fn add_then_remove_restores(resource in object(), name in "[a-zA-Z][a-zA-Z0-9_]{0,8}", value in json_value()) {
        prop_assume!(addable(&name, &resource) && without_passwords(&resource));
        let body = json!({"Operations": [
            {"op": "add", "path": name, "value": value},
            {"op": "remove", "path": name},
        ]});
        prop_assert_eq!(patched(&resource, &body).unwrap(), resource);
    }

    #[test]
    fn normalizers_never_panic(v in json_value(), text in ".{0,40}") {
        let opts = NormalizeOptions::default();
        let _ = normalize_user(&v, &opts);
        let _ = normalize_group(&v, &opts);
        let _ = reference::user_from_reference(&v);
        let _ = reference::group_from_reference(&v);
        let _ = normalize_event_value(v.clone());
        let _ = normalize_event(text.as_bytes());
        let _ = normalize_event(v.to_string().as_bytes());
    }

    #[test]
    fn request_normalizer_never_panics(
        method in prop::sample::select(vec!["POST", "PUT", "PATCH", "DELETE", "GET", "patch", "X"]),
        path in prop_oneof![prop::sample::select(vec!["/Users", "/Groups", "/scim/v2/Users/1", "/Groups/g%2", "/Groups/%zz", "/Users/1/x"]).prop_map(str::to_owned), ".{0,20}"],
        body in prop::option::of(prop_oneof![patch(), object(), json_value()]),
        current in prop::option::of(prop_oneof![object(), json_value()]),
    ) {
        let req = ScimRequest { method: method.to_owned(), path, body };
        let ctx = RequestContext { current, ..RequestContext::default() };
        if let Ok(outcome) = normalize_scim_request(&req, &ctx) {
            let text = serde_json::to_string(&outcome).unwrap();
            prop_assert!(!text.to_ascii_lowercase().contains("\"password\""));
        }
    }

    #[test]
    fn user_normalization_is_idempotent(resource in scim_user()) {
        let user = normalize_user(&resource, &NormalizeOptions::default()).unwrap();
        let again = reference::user_from_reference(&serde_json::to_value(&user).unwrap()).unwrap();
        prop_assert_eq!(again, user);
    }

    #[test]
    fn request_events_are_idempotent(resource in scim_user(), now in prop::option::of(Just("2024-01-01T00:00:00Z".to_owned()))) {
        let req = ScimRequest { method: "POST".into(), path: "/scim/v2/Users".into(), body: Some(resource) };
        let ctx = RequestContext { organization_id: Some("org_1".into()), now, ..RequestContext::default() };
        let outcome = normalize_scim_request(&req, &ctx).unwrap();
        for event in outcome.events {
            let text = serde_json::to_vec(&event).unwrap();
            prop_assert_eq!(normalize_event(&text).unwrap(), event);
        }
    }

    #[test]
    fn partial_update_events_are_idempotent(body in patch()) {
        let req = ScimRequest { method: "PATCH".into(), path: "/Users/u1".into(), body: Some(body) };
        if let Ok(outcome) = normalize_scim_request(&req, &RequestContext::default()) {
            for event in outcome.events {
                let text = serde_json::to_vec(&event).unwrap();
                prop_assert_eq!(normalize_event(&text).unwrap(), event);
            }
        }
    }
}

#[test]
fn event_ids_are_deterministic_and_distinguish_time() {
    let req = ScimRequest {
        method: "PATCH".into(),
        path: "/scim/v2/Users/u1".into(),
        body: Some(json!({"Operations": [{"op": "replace", "value": {"active": false}}]})),
    };
    let at = |now: &str| RequestContext {
        now: Some(now.into()),
        ..RequestContext::default()
    };
    let id = |ctx: &RequestContext| {
        normalize_scim_request(&req, ctx).unwrap().events[0]
            .id
            .clone()
    };
    assert_eq!(
        id(&at("2024-01-01T00:00:00Z")),
        id(&at("2024-01-01T00:00:00Z"))
    );
    assert_ne!(
        id(&at("2024-01-01T00:00:00Z")),
        id(&at("2024-01-01T00:00:01Z"))
    );
    let first = id(&at("2024-01-01T00:00:00Z")).unwrap();
    assert!(first.starts_with("evt_") && first.len() == 36, "{first}");
}

#[test]
fn deep_values_built_in_rust_are_bounded() {
    // Values built natively are not bounded by serde_json's parser; the depth check still holds.
    // (Built by hand: `json!` would serialize the interpolated value recursively.)
    let mut deep = json!("x");
    for _ in 0..10_000 {
        deep = Value::Array(vec![deep]);
    }
    let user_err = normalize_user(&deep, &NormalizeOptions::default()).unwrap_err();
    assert_eq!(user_err.kind.code(), "too_complex");
    let mut op = Map::new();
    op.insert("op".into(), json!("add"));
    op.insert("path".into(), json!("a"));
    op.insert("value".into(), deep);
    let mut body = Map::new();
    body.insert("Operations".into(), Value::Array(vec![Value::Object(op)]));
    let body = Value::Object(body);
    let err = patched(&json!({}), &body).unwrap_err();
    assert_eq!(err.kind.code(), "too_complex");
    // Dropping a 10 000-deep Value recurses in serde_json itself; leak it rather than test that.
    std::mem::forget(body);
}

/// The members of a [`PatchedPart`] with its runs filled in from the part given (as the façade
/// does from the caller's arrays).
fn rebuilt(
    part: &serde_json::Map<String, Value>,
    patched: PatchedPart,
) -> serde_json::Map<String, Value> {
    let mut members = patched.members;
    for (key, runs) in patched.runs {
        let given = part[&key].as_array().expect("runs are of arrays given");
        let mut items = Vec::new();
        for run in runs {
            match run {
                Run::Given(r) => items.extend(given[r].iter().cloned()),
                Run::Value(v) => items.push(v),
            }
        }
        members.insert(key, Value::Array(items));
    }
    members
}

/// What the JS façade does with an object resource (src/scim/apply.rs): plan on the top-level
/// keys, send the needed members plus any holding one of `PASSWORD_KEYS` at some depth, apply the
/// patch to that part, and put the patched part (its runs filled in from the caller's arrays)
/// into a copy of the resource.
fn via_delta(
    resource: &Value,
    body: &Value,
) -> Result<Value, scimkit::normalize::NormalizationError> {
    fn sensitive(v: &Value) -> bool {
        match v {
            Value::Object(m) => m.iter().any(|(k, v)| {
                PASSWORD_KEYS.iter().any(|p| k.eq_ignore_ascii_case(p)) || sensitive(v)
            }),
            Value::Array(a) => a.iter().any(sensitive),
            _ => false,
        }
    }
    let map = resource.as_object().expect("object()");
    let keys: Vec<&String> = map.keys().collect();
    let needed = plan_scim_patch(&keys, body)?;
    let part: serde_json::Map<String, Value> = keys
        .iter()
        .enumerate()
        .filter(|(i, k)| needed.contains(i) || sensitive(&map[k.as_str()]))
        .map(|(_, k)| ((*k).clone(), map[k.as_str()].clone()))
        .collect();
    let patched = rebuilt(
        &part,
        apply_scim_patch_part(Value::Object(part.clone()), body)?,
    );
    let mut out = map.clone();
    for k in part.keys() {
        if !patched.contains_key(k) {
            out.remove(k);
        }
    }
    out.extend(patched);
    Ok(Value::Object(out))
}
