//! PATCH against RFC 7644 §3.5.2 where scimkit used to lose data or answer wrongly (issue 13),
//! each test named after the section it checks; the `scimType` of every error (§3.12); and the
//! keyed member index checked against a plain model of member adds and removes, at every size
//! from a handful to 100,000 members. The provider-shaped cases are fixtures as well
//! (tests/fixtures/normalize/patch-rfc7644-*, request-patch-user-entra-*).

use proptest::prelude::*;
use scimkit::normalize::{NormalizationError, NormalizationErrorKind};
use scimkit::scim::apply_scim_patch;
use serde_json::{json, Value};

fn patch(resource: &Value, ops: Value) -> Result<Value, NormalizationError> {
    apply_scim_patch(resource.clone(), &json!({ "Operations": ops }))
}

fn user() -> Value {
    json!({
        "userName": "bjensen",
        "name": {"givenName": "Barbara", "nicknames": ["a", "b"]},
        "emails": [{"value": "b@home.example.com", "type": "home"}]
    })
}

fn fails(result: Result<Value, NormalizationError>, code: &str, pointer: &str, scim_type: &str) {
    let err = result.expect_err("the request must fail");
    assert_eq!(
        (err.kind.code(), err.pointer.as_str(), err.scim_type()),
        (code, pointer, scim_type),
        "{err}"
    );
}

#[test]
fn rfc7644_3_5_2_3_filtered_replace_matching_nothing_with_a_plain_value_is_no_target() {
    // Before: {"type":"work"} was added and "w@x" dropped, as a success.
    let r = patch(
        &user(),
        json!([{"op": "replace", "path": "emails[type eq \"work\"]", "value": "w@x"}]),
    );
    fails(r, "no_target", "/Operations/0/path", "noTarget");
    // The same through `add`.
    let r = patch(
        &user(),
        json!([{"op": "add", "path": "emails[type eq \"work\"]", "value": "w@x"}]),
    );
    fails(r, "no_target", "/Operations/0/path", "noTarget");
}

#[test]
fn rfc7644_3_5_2_3_filtered_replace_creates_the_described_value_when_given_one() {
    // Entra's documented case (a sub-attribute), and an object value: the value is created.
    for (path, value) in [
        ("emails[type eq \"work\"].value", json!("w@x")),
        ("emails[type eq \"work\"]", json!({"value": "w@x"})),
    ] {
        let out = patch(
            &user(),
            json!([{"op": "replace", "path": path, "value": value}]),
        )
        .unwrap();
        assert_eq!(
            out["emails"][1],
            json!({"type": "work", "value": "w@x"}),
            "{path}"
        );
    }
}

#[test]
fn rfc7644_3_5_2_3_filtered_plain_value_onto_complex_values_is_invalid_value() {
    let r = patch(
        &user(),
        json!([{"op": "replace", "path": "emails[type eq \"home\"]", "value": "w@x"}]),
    );
    fails(r, "invalid_value", "/Operations/0/value", "invalidValue");
    // A filter over plain values may replace one with another.
    let out = patch(
        &json!({"schemas": ["urn:a", "urn:b"]}),
        json!([{"op": "replace", "path": "schemas[value eq \"urn:b\"]", "value": "urn:c"}]),
    )
    .unwrap();
    assert_eq!(out["schemas"], json!(["urn:a", "urn:c"]));
}

#[test]
fn rfc7644_3_5_2_1_add_to_a_multi_valued_sub_attribute_appends() {
    let add = |v: Value| {
        patch(
            &user(),
            json!([{"op": "add", "path": "name.nicknames", "value": v}]),
        )
        .unwrap()["name"]["nicknames"]
            .clone()
    };
    assert_eq!(add(json!("c")), json!(["a", "b", "c"]));
    assert_eq!(add(json!("b")), json!(["a", "b"]), "present: no change");
    assert_eq!(add(json!(["b", "d"])), json!(["a", "b", "d"]));
    // `replace` still replaces.
    let out = patch(
        &user(),
        json!([{"op": "replace", "path": "name.nicknames", "value": ["z"]}]),
    )
    .unwrap();
    assert_eq!(out["name"]["nicknames"], json!(["z"]));
}

#[test]
fn rfc7644_3_5_2_1_add_of_a_plain_value_onto_a_complex_attribute_is_invalid_value() {
    let r = patch(
        &user(),
        json!([{"op": "add", "path": "name", "value": "x"}]),
    );
    fails(r, "invalid_value", "/Operations/0/value", "invalidValue");
    let r = patch(&user(), json!([{"op": "replace", "value": {"name": 1}}]));
    fails(
        r,
        "invalid_value",
        "/Operations/0/value/name",
        "invalidValue",
    );
    // Sub-attributes are merged, as before.
    let out = patch(
        &user(),
        json!([{"op": "add", "path": "name", "value": {"familyName": "Jensen"}}]),
    )
    .unwrap();
    assert_eq!(out["name"]["givenName"], "Barbara");
    assert_eq!(out["name"]["familyName"], "Jensen");
}

#[test]
fn rfc7644_3_5_2_2_remove_with_a_value_list_on_a_sub_attribute_removes_only_those() {
    let remove = |v: Value| {
        patch(
            &user(),
            json!([{"op": "remove", "path": "name.nicknames", "value": v}]),
        )
        .unwrap()["name"]
            .clone()
    };
    assert_eq!(remove(json!(["zz"]))["nicknames"], json!(["a", "b"]));
    assert_eq!(remove(json!(["a"]))["nicknames"], json!(["b"]));
    assert_eq!(
        remove(json!(["a", "b"])).get("nicknames"),
        None,
        "none left: unassigned"
    );
    // As the same request on a top-level attribute does.
    let out = patch(
        &json!({"members": [{"value": "1"}, {"value": "2"}]}),
        json!([{"op": "remove", "path": "members", "value": [{"value": "9"}]}]),
    )
    .unwrap();
    assert_eq!(out["members"], json!([{"value": "1"}, {"value": "2"}]));
    // Without a value list, the whole sub-attribute goes.
    assert_eq!(
        patch(&user(), json!([{"op": "remove", "path": "name.nicknames"}])).unwrap()["name"]
            .get("nicknames"),
        None
    );
}

#[test]
fn rfc7644_3_5_2_2_remove_without_a_path_is_no_target() {
    fails(
        patch(&user(), json!([{"op": "remove"}])),
        "no_target",
        "/Operations/0",
        "noTarget",
    );
    // Not `invalid_value`, whatever the value.
    fails(
        patch(&user(), json!([{"op": "remove", "value": "x"}])),
        "no_target",
        "/Operations/0",
        "noTarget",
    );
}

#[test]
fn rfc7644_3_12_every_error_kind_has_its_scim_type() {
    use NormalizationErrorKind::*;
    for (kind, scim_type) in [
        (InvalidJson, "invalidSyntax"),
        (UnsupportedResource, "invalidSyntax"),
        (InvalidPatch, "invalidSyntax"),
        (InvalidPath, "invalidPath"),
        (InvalidFilter, "invalidFilter"),
        (InvalidValue, "invalidValue"),
        (TooComplex, "tooMany"),
        (NoTarget, "noTarget"),
        (PayloadTooLarge, "tooMany"),
    ] {
        assert_eq!(kind.scim_type(), scim_type, "{}", kind.code());
        assert_eq!(
            NormalizationError::new(kind, "", "m").scim_type(),
            scim_type
        );
    }
    // One of each from real requests.
    let cases = [
        (json!([{"op": "move", "path": "title"}]), "invalidSyntax"),
        (
            json!([{"op": "add", "path": "a b", "value": 1}]),
            "invalidPath",
        ),
        (
            json!([{"op": "add", "path": "emails[type zz \"x\"]", "value": 1}]),
            "invalidFilter",
        ),
        (
            json!([{"op": "add", "path": "active", "value": "x"}]),
            "invalidValue",
        ),
        (
            json!([{"op": "add", "path": format!("emails[{}]", vec!["a pr"; 65].join(" or ")), "value": 1}]),
            "tooMany",
        ),
        (json!([{"op": "remove"}]), "noTarget"),
    ];
    for (ops, scim_type) in cases {
        let err = patch(&user(), ops.clone()).expect_err("fails");
        assert_eq!(err.scim_type(), scim_type, "{ops}: {err}");
    }
}

// ---------------------------------------------------------------------------------------------
// The member index against a model.

/// A member operation as Entra and Okta send them.
#[derive(Debug, Clone)]
enum MemberOp {
    /// `add members [...]` (ids, with a display or not).
    Add(Vec<(u8, Option<u8>)>),
    /// `remove members[value eq "id"]` (Okta).
    RemoveFilter(u8),
    /// `remove members` with a value list (Entra).
    RemoveList(Vec<u8>),
    /// `replace members[value eq "id"].display` (not served by the index: compacts it).
    SetDisplay(u8, u8),
    /// `replace displayName` (another attribute: leaves the index alone).
    Rename,
}

fn id(i: u8) -> String {
    format!("u{i}")
}

fn member_op() -> impl Strategy<Value = MemberOp> {
    let idx = 0u8..24;
    prop_oneof![
        4 => prop::collection::vec((idx.clone(), prop::option::of(0u8..4)), 0..6).prop_map(MemberOp::Add),
        3 => idx.clone().prop_map(MemberOp::RemoveFilter),
        2 => prop::collection::vec(idx.clone(), 0..5).prop_map(MemberOp::RemoveList),
        1 => (idx, 0u8..4).prop_map(|(i, d)| MemberOp::SetDisplay(i, d)),
        1 => Just(MemberOp::Rename),
    ]
}

fn to_json(op: &MemberOp) -> Value {
    match op {
        MemberOp::Add(ms) => json!({"op": "add", "path": "members", "value": ms
            .iter()
            .map(|(i, d)| match d {
                Some(d) => json!({"value": id(*i), "display": format!("d{d}")}),
                None => json!({"value": id(*i), "$ref": null}),
            })
            .collect::<Vec<_>>()}),
        MemberOp::RemoveFilter(i) => {
            json!({"op": "remove", "path": format!("members[value eq \"{}\"]", id(*i))})
        }
        MemberOp::RemoveList(is) => json!({"op": "remove", "path": "members",
            "value": is.iter().map(|i| json!({"value": id(*i)})).collect::<Vec<_>>()}),
        MemberOp::SetDisplay(i, d) => json!({"op": "replace",
            "path": format!("members[value eq \"{}\"].display", id(*i)), "value": format!("d{d}")}),
        MemberOp::Rename => json!({"op": "replace", "path": "displayName", "value": "renamed"}),
    }
}

/// The model: members as (id, display) in order; `None` when the attribute is absent.
fn model(start: &[(u8, Option<u8>)], ops: &[MemberOp]) -> Option<Vec<(String, Option<String>)>> {
    let mut members: Option<Vec<(String, Option<String>)>> = if start.is_empty() {
        None
    } else {
        Some(
            start
                .iter()
                .map(|(i, d)| (id(*i), d.map(|d| format!("d{d}"))))
                .collect(),
        )
    };
    for op in ops {
        match op {
            MemberOp::Add(ms) => {
                if ms.is_empty() {
                    continue;
                }
                let list = members.get_or_insert_with(Vec::new);
                for (i, d) in ms {
                    let d = d.map(|d| format!("d{d}"));
                    match list.iter_mut().find(|(v, _)| *v == id(*i)) {
                        Some(existing) => {
                            if d.is_some() {
                                existing.1 = d;
                            }
                        }
                        None => list.push((id(*i), d)),
                    }
                }
            }
            MemberOp::RemoveFilter(i) => remove(&mut members, &[*i]),
            MemberOp::RemoveList(is) if !is.is_empty() => remove(&mut members, is),
            MemberOp::RemoveList(_) => {}
            MemberOp::SetDisplay(i, d) => {
                let list = members.get_or_insert_with(Vec::new);
                let d = Some(format!("d{d}"));
                let mut hit = false;
                for m in list.iter_mut().filter(|(v, _)| *v == id(*i)) {
                    m.1 = d.clone();
                    hit = true;
                }
                if !hit {
                    // Created from the filter's equality (RFC 7644 §3.5.2.3, Entra's case).
                    list.push((id(*i), d));
                }
            }
            MemberOp::Rename => {}
        }
    }
    members
}

fn remove(members: &mut Option<Vec<(String, Option<String>)>>, ids: &[u8]) {
    if let Some(list) = members {
        list.retain(|(v, _)| !ids.iter().any(|i| *v == id(*i)));
        if list.is_empty() {
            *members = None;
        }
    }
}

fn members_of(out: &Value) -> Option<Vec<(String, Option<String>)>> {
    out.get("members").map(|ms| {
        ms.as_array()
            .expect("members is an array")
            .iter()
            .map(|m| {
                (
                    m["value"].as_str().expect("value").to_owned(),
                    m.get("display").and_then(Value::as_str).map(str::to_owned),
                )
            })
            .collect()
    })
}

fn unique_start() -> impl Strategy<Value = Vec<(u8, Option<u8>)>> {
    prop::collection::btree_map(0u8..24, prop::option::of(0u8..4), 0..12)
        .prop_map(|m| m.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Any sequence of member adds and removes (indexed), with operations the index does not
    /// serve in between, gives what a plain list would.
    #[test]
    fn member_index_matches_the_model(start in unique_start(), ops in prop::collection::vec(member_op(), 0..24)) {
        let mut group = json!({"displayName": "g"});
        if !start.is_empty() {
            group["members"] = Value::Array(start.iter().map(|(i, d)| match d {
                Some(d) => json!({"value": id(*i), "display": format!("d{d}")}),
                None => json!({"value": id(*i)}),
            }).collect());
        }
        let body = Value::Array(ops.iter().map(to_json).collect());
        let out = patch(&group, body).unwrap();
        prop_assert_eq!(members_of(&out), model(&start, &ops));
    }
}

#[test]
fn hundred_thousand_members_add_and_remove() {
    let member = |i: usize| json!({"value": format!("m{i}"), "display": format!("M {i}")});
    let n = 100_000;
    let group = json!({"displayName": "all", "members": (0..n).map(member).collect::<Vec<_>>()});
    // 10,000 new members and 10 already there (merged, not duplicated), in one add.
    let added: Vec<Value> = (n..n + 10_000).chain(0..10).map(member).collect();
    let out = patch(
        &group,
        json!([{"op": "add", "path": "members", "value": added}]),
    )
    .unwrap();
    let members = out["members"].as_array().unwrap();
    assert_eq!(members.len(), n + 10_000);
    assert_eq!(members[n], member(n));
    // 1,000 filtered removes, one operation each, every 100th member.
    let ops: Vec<Value> = (0..1000)
        .map(|k| json!({"op": "remove", "path": format!("members[value eq \"m{}\"]", k * 100)}))
        .collect();
    let out = patch(&group, Value::Array(ops)).unwrap();
    let members = out["members"].as_array().unwrap();
    assert_eq!(members.len(), n - 1000);
    assert_eq!(members[0], member(1));
    assert!(members.iter().all(|m| {
        let i: usize = m["value"].as_str().unwrap()[1..].parse().unwrap();
        i % 100 != 0 || i >= 100_000
    }));
}

// ---------------------------------------------------------------------------------------------
// Names ignoring case in large maps (src/scim/keys.rs): in debug builds every lookup is checked
// against a scan, so these only need to run many lookups in maps past the threshold, with names
// in every case, while operations add, remove and replace members and the maps inside them.

fn spelled(name: &str, mask: u8) -> String {
    name.chars()
        .enumerate()
        .map(|(i, c)| {
            if mask & (1 << (i % 8)) != 0 {
                c.to_ascii_uppercase()
            } else {
                c
            }
        })
        .collect()
}

fn big_name() -> impl Strategy<Value = String> {
    (0u8..48, any::<u8>()).prop_map(|(i, mask)| spelled(&format!("attr{i}"), mask))
}

fn big_op() -> impl Strategy<Value = Value> {
    let ent = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    prop_oneof![
        (big_name(), any::<u8>()).prop_map(|(n, v)| json!({"op": "add", "value": {n: v}})),
        prop::collection::btree_map(big_name(), any::<u8>(), 0..40)
            .prop_map(|m| json!({"op": "replace", "value": m})),
        big_name().prop_map(|n| json!({"op": "remove", "path": n})),
        (big_name(), big_name(), any::<u8>())
            .prop_map(|(a, b, v)| json!({"op": "add", "path": format!("{a}.{b}"), "value": v})),
        (big_name(), big_name())
            .prop_map(|(a, b)| json!({"op": "remove", "path": format!("{a}.{b}")})),
        prop::collection::btree_map(big_name(), any::<u8>(), 0..40)
            .prop_map(move |m| json!({"op": "add", "path": ent, "value": m})),
        (any::<u8>(), big_name(), any::<u8>()).prop_map(move |(mask, n, v)| {
            json!({"op": "add", "path": format!("{}:{n}", spelled(ent, mask)), "value": v})
        }),
        prop::collection::btree_map(big_name(), any::<u8>(), 0..40)
            .prop_map(|m| json!({"op": "add", "path": "attr1", "value": m})),
        Just(json!({"op": "remove", "path": ent})),
        (big_name(), any::<u8>()).prop_map(
            |(n, v)| json!({"op": "add", "path": format!("{n}[value eq \"x\"].sub"), "value": v})
        ),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn names_in_large_maps_found_as_by_a_scan(
        start in prop::collection::btree_map(big_name(), any::<u8>(), 30..60),
        ops in prop::collection::vec(big_op(), 1..12),
    ) {
        let resource = Value::Object(start.into_iter().map(|(k, v)| (k, json!(v))).collect());
        // Errors are fine (a filter on a number, a sub-attribute of one): the lookups are what
        // is checked.
        let _ = patch(&resource, Value::Array(ops));
    }
}

#[test]
fn many_new_attributes_in_one_value_cost_no_scan_each() {
    // 4,000 new attributes at the top level, in the enterprise extension, and under `name`, in
    // one request each: with a scan per attribute this was quadratic. (Debug builds check each
    // lookup with a scan, so this stays small; bench/patch-scale.mjs has the large case.)
    let n = 4000;
    let ent = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    let top: serde_json::Map<String, Value> =
        (0..n).map(|i| (format!("attr{i}"), json!(i))).collect();
    let out = patch(&user(), json!([{"op": "add", "value": top}])).unwrap();
    assert_eq!(out.as_object().unwrap().len(), 3 + n);
    let ext: serde_json::Map<String, Value> =
        (0..n).map(|i| (format!("{ent}:a{i}"), json!(i))).collect();
    let out = patch(&user(), json!([{"op": "add", "value": ext}])).unwrap();
    assert_eq!(out[ent].as_object().unwrap().len(), n);
    let sub: serde_json::Map<String, Value> =
        (0..n).map(|i| (format!("name.s{i}"), json!(i))).collect();
    let out = patch(&user(), json!([{"op": "add", "value": sub}])).unwrap();
    assert_eq!(out["name"].as_object().unwrap().len(), 2 + n);
    let merged: serde_json::Map<String, Value> =
        (0..n).map(|i| (format!("m{i}"), json!(i))).collect();
    let out = patch(
        &user(),
        json!([{"op": "add", "path": "name", "value": merged}]),
    )
    .unwrap();
    assert_eq!(out["name"].as_object().unwrap().len(), 2 + n);
}

#[test]
fn large_maps_removed_or_replaced_then_written_again() {
    let ent = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    let many = |prefix: &str| -> serde_json::Map<String, Value> {
        (0..40)
            .map(|i| (format!("{prefix}{i}"), json!(i)))
            .collect()
    };
    let cases = [
        // The extension object grows past the threshold, goes, and comes back.
        json!([{"op": "add", "path": ent, "value": many("A")},
               {"op": "remove", "path": ent},
               {"op": "add", "path": format!("{ent}:a1"), "value": 1},
               {"op": "add", "path": format!("{ent}:A1"), "value": 2}]),
        // `name` grows, is removed whole, and is written again.
        json!([{"op": "add", "path": "name", "value": many("S")},
               {"op": "add", "path": "name.s1", "value": 0},
               {"op": "remove", "path": "name"},
               {"op": "add", "path": "name.s1", "value": 1},
               {"op": "add", "path": "name.S1", "value": 2}]),
        // The resource grows, and an attribute is replaced by a plain value then an object.
        json!([{"op": "add", "value": many("t")},
               {"op": "add", "path": "t1", "value": {"x": 1}},
               {"op": "add", "path": "t1.X", "value": 2},
               {"op": "remove", "path": "T1"},
               {"op": "add", "path": "t1.y", "value": 3}]),
    ];
    let expected = [json!({"a1": 2}), json!({"s1": 2}), json!({"y": 3})];
    for (ops, want) in cases.into_iter().zip(expected) {
        let out = patch(&user(), ops.clone()).unwrap();
        let got = out
            .get(ent)
            .or_else(|| out.get("name"))
            .filter(|v| v.get("s1").is_some() || v.get("a1").is_some())
            .or_else(|| out.get("t1"))
            .cloned();
        assert_eq!(got, Some(want), "{ops}");
    }
}
